#!/usr/bin/env bash
# Memory per idle connection (issue: 10,000 connections in 200 MiB, DESIGN.md §8): the server's RSS with no
# connection, with N idle keep-alive connections that each made one /healthz request, and with N connections that
# each had a 1 MiB body refused. nginx holding the same idle connections is measured beside it.
#   bench/connections/run.sh build/dihya [N]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:?usage: bench/connections/run.sh DIHYA_BIN [N]}
n=${2:-2000}
ulimit -n "$(ulimit -Hn)"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"; kill $(jobs -p) 2>/dev/null || true' EXIT
source "$here/bench/lib.sh"
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

measure() {  # measure LABEL PORT PID MODE
    local label=$1 port=$2 pid=$3 mode=$4 before after
    before=$(rss_kib "$pid")
    coproc CLIENTS { node "$here/bench/connections/clients.mjs" "$port" "$n" "$mode"; }
    read -r line <&"${CLIENTS[0]}"
    sleep 1
    after=$(rss_kib "$pid")
    printf '%-34s %6s connections: RSS %7.1f MiB -> %7.1f MiB, %6.1f KiB per connection   (%s)\n' "$label" "$n" \
        "$(echo "$before/1024" | bc -l)" "$(echo "$after/1024" | bc -l)" "$(echo "($after-$before)/$n" | bc -l)" "$line"
    exec {CLIENTS[1]}>&-
    wait "$CLIENTS_PID" 2>/dev/null || true
    sleep 1
}

cat > "$TMP/dihya.yaml" <<YAML
rate_limit: {enabled: false}
limits: {max_connections: 100000, max_connections_per_ip: 100000, idle_timeout_ms: 600000}
log: {level: warn}
YAML
port=$(free_port)
"$bin" serve --dev --listen "127.0.0.1:$port" --data-dir "$TMP/data" --config "$TMP/dihya.yaml" 2>"$TMP/dihya.log" &
dpid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
measure "dihya, idle after /healthz" "$port" "$dpid" healthz
measure "dihya, idle after a refused 1 MiB body" "$port" "$dpid" big-bodies
stop_pid "$dpid"

if command -v nginx >/dev/null; then
    nport=$(free_port)
    mkdir -p "$TMP/nginx/logs"
    cat > "$TMP/nginx/nginx.conf" <<NGINX
worker_processes 1;
error_log $TMP/nginx/logs/error.log;
pid $TMP/nginx/nginx.pid;
events { worker_connections 65536; }
http { access_log off; keepalive_timeout 600s; keepalive_requests 100000;
  server { listen 127.0.0.1:$nport; location = /healthz { return 200 '{"status":"ok"}'; } } }
NGINX
    nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -g 'daemon off;' &
    npid=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$nport/healthz" >/dev/null && break; sleep 0.1; done
    wpid=$(pgrep -P "$npid" | head -1)
    measure "nginx worker, idle after /healthz" "$nport" "${wpid:-$npid}" healthz
    stop_pid "$npid"
fi
