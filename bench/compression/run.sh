#!/usr/bin/env bash
# Response compression of dihya against nginx's gzip, side by side in one run (issue: compression cost per request).
#
#   bench/compression/run.sh path/to/dihya        (what `make bench-compression` runs)
#
# Every target answers GET of the same body: dihya's OpenAPI document (/api/v1/openapi.json), which nginx serves as
# a static file. wrk uses the same settings for each, BENCH_ROUNDS rounds in alternating order, reported as medians:
#   nginx plain / nginx gzip       nginx-light, `gzip on; gzip_comp_level 5` (compressed on every request)
#   dihya plain                    no Accept-Encoding
#   dihya gzip kept / br kept      compressed once at level 9 and served from memory (the default for bodies with
#                                  an ETag that caches may keep: docs, console, catalog)
#   dihya gzip / br per request    a second dihya with compression.cache_bytes: 0, so every answer is compressed
#                                  at the per-request levels (gzip 5, Brotli 4), as a user's own data is
# Printed: req/s, p50/p99, server CPU µs per request, the bytes on the wire, and what compression adds to the CPU
# per request over the plain answer (dihya against nginx at the same gzip level on the same body).
#
# No budget in DESIGN.md §8 for this; the figures go to docs/performance.md. Exit 1 when something broke (a server
# died, wrk saw errors), 2 on usage errors. Knobs: BENCH_DURATION (10s), BENCH_WARMUP (2s), BENCH_CONNECTIONS (64),
# BENCH_THREADS (2), BENCH_ROUNDS (3).
set -euo pipefail
export LC_ALL=C

usage() { echo "usage: $0 path/to/dihya" >&2; exit 2; }
[[ $# -eq 1 ]] || usage
DIHYA=$(realpath -- "$1") || usage
[[ -x $DIHYA ]] || { echo "bench: $1 is not an executable" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$HERE/../lib.sh"

NGINX=${NGINX:-/usr/sbin/nginx}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
ROUNDS=${BENCH_ROUNDS:-3}
CORES=$(nproc)
CLK_TCK=$(getconf CLK_TCK)
for tool in "$NGINX" wrk curl ss awk; do
    command -v "$tool" >/dev/null || { echo "bench: $tool not found (scripts/bootstrap installs it)" >&2; exit 2; }
done

bench_setup compression

# start_dihya NAME CACHE_BYTES → sets D_PID and D_URL
start_dihya() {
    local name=$1 i port=
    mkdir -p "$TMP/data-$name"
    printf 'rate_limit: {enabled: false}\nlog: {level: warn}\ncompression: {cache_bytes: %s}\n' "$2" >"$TMP/$name.yaml"
    "$DIHYA" serve --dev --listen 127.0.0.1:0 --data-dir "$TMP/data-$name" --config "$TMP/$name.yaml" \
        2>"$TMP/$name.stderr" >/dev/null &
    D_PID=$!
    PIDS+=("$D_PID")
    for ((i = 0; i < 100; i++)); do
        kill -0 "$D_PID" 2>/dev/null || die "dihya ($name) exited: $(tail -5 "$TMP/$name.stderr")"
        port=$(listening_port "$D_PID")
        [[ -n $port ]] && curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
        port=
        sleep 0.05
    done
    [[ -n $port ]] || die "dihya ($name) did not answer within 5 s"
    D_URL="http://127.0.0.1:$port"
}
start_dihya kept $((16 * 1024 * 1024))
KEPT_PID=$D_PID KEPT_URL=$D_URL
start_dihya perreq 0
PERREQ_PID=$D_PID PERREQ_URL=$D_URL

DOC=/api/v1/openapi.json
mkdir -p "$TMP/www/api/v1" "$TMP/nginx/logs" "$TMP/nginx/tmp"
curl -fsS "$KEPT_URL$DOC" -o "$TMP/www$DOC" || die "dihya does not serve $DOC"
NGINX_PORT=$(free_port)
user_line=
[[ $(id -u) -eq 0 ]] && user_line="user root;"
cat >"$TMP/nginx/nginx.conf" <<CONF
$user_line
daemon off;
worker_processes $CORES;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    server_tokens off;
    keepalive_requests 100000000;
    types { application/json json; }
    gzip on;
    gzip_comp_level 5;
    gzip_min_length 1024;
    gzip_types application/json;
    gzip_vary on;
    client_body_temp_path $TMP/nginx/tmp/body;
    proxy_temp_path $TMP/nginx/tmp/proxy;
    fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
    uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
    scgi_temp_path $TMP/nginx/tmp/scgi;
    server { listen 127.0.0.1:$NGINX_PORT; root $TMP/www; }
}
CONF
"$NGINX" -p "$TMP/nginx" -e "$TMP/nginx/logs/error.log" -c "$TMP/nginx/nginx.conf" 2>"$TMP/nginx/stderr" &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
for ((i = 0; i < 100; i++)); do
    curl -fsS -o /dev/null "http://127.0.0.1:$NGINX_PORT$DOC" 2>/dev/null && break
    kill -0 "$NGINX_PID" 2>/dev/null || die "nginx exited: $(cat "$TMP/nginx/stderr")"
    sleep 0.05
done

declare -A URL=([nginx_plain]="http://127.0.0.1:$NGINX_PORT$DOC" [nginx_gzip]="http://127.0.0.1:$NGINX_PORT$DOC"
    [dihya_plain]="$KEPT_URL$DOC" [dihya_gzip_kept]="$KEPT_URL$DOC" [dihya_br_kept]="$KEPT_URL$DOC"
    [dihya_gzip]="$PERREQ_URL$DOC" [dihya_br]="$PERREQ_URL$DOC")
declare -A PID_OF=([nginx_plain]=$NGINX_PID [nginx_gzip]=$NGINX_PID [dihya_plain]=$KEPT_PID
    [dihya_gzip_kept]=$KEPT_PID [dihya_br_kept]=$KEPT_PID [dihya_gzip]=$PERREQ_PID [dihya_br]=$PERREQ_PID)
declare -A ACCEPT=([nginx_plain]=identity [nginx_gzip]=gzip [dihya_plain]=identity [dihya_gzip_kept]=gzip
    [dihya_br_kept]=br [dihya_gzip]=gzip [dihya_br]=br)
KEYS=(nginx_plain nginx_gzip dihya_plain dihya_gzip_kept dihya_br_kept dihya_gzip dihya_br)

# Each target answers in the coding asked, and decodes to the same document.
declare -A BYTES
for key in "${KEYS[@]}"; do
    hdr=$(curl -fsS -D - -o "$TMP/body.$key" -H "Accept-Encoding: ${ACCEPT[$key]}" "${URL[$key]}") || die "$key failed"
    got=$(awk 'tolower($1) == "content-encoding:" { gsub("\r", "", $2); print $2 }' <<<"$hdr")
    want=${ACCEPT[$key]}
    [[ $want == identity ]] && want=
    [[ $got == "$want" ]] || die "$key: Content-Encoding '$got', expected '$want'"
    BYTES[$key]=$(stat -c %s "$TMP/body.$key")
    case $want in
        gzip) gzip -dc <"$TMP/body.$key" >"$TMP/decoded.$key" ;;
        br) node -e 'process.stdout.write(require("zlib").brotliDecompressSync(require("fs").readFileSync(process.argv[1])))' \
                "$TMP/body.$key" >"$TMP/decoded.$key" ;;
        *) cp "$TMP/body.$key" "$TMP/decoded.$key" ;;
    esac
    cmp -s "$TMP/decoded.$key" "$TMP/www$DOC" || die "$key: the decoded body differs from the document"
done

echo "== Dihya response compression benchmark =="
echo "machine: $CORES cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), Linux $(uname -r)"
echo "dihya:   $("$DIHYA" version 2>&1 | head -1); peer: $("$NGINX" -v 2>&1 | head -1), $CORES workers, gzip_comp_level 5"
echo "run:     GET $DOC (${BYTES[dihya_plain]} bytes), wrk -t$THREADS -c$CONNECTIONS -d$DURATION (warm-up $WARMUP)," \
    "$ROUNDS rounds, alternating"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg); wrk and the servers share the $CORES cores: compare ratios"
echo
for key in "${KEYS[@]}"; do
    run_wrk "warmup_$key" "${URL[$key]}" "$WARMUP" "${PID_OF[$key]}" -H "Accept-Encoding: ${ACCEPT[$key]}"
done
for ((round = 1; round <= ROUNDS; round++)); do
    if ((round % 2)); then order=("${KEYS[@]}"); else order=(dihya_br dihya_gzip dihya_br_kept dihya_gzip_kept dihya_plain nginx_gzip nginx_plain); fi
    echo "-- round $round/$ROUNDS: ${order[*]}"
    for key in "${order[@]}"; do
        run_wrk "$key" "${URL[$key]}" "$DURATION" "${PID_OF[$key]}" -H "Accept-Encoding: ${ACCEPT[$key]}"
    done
done

col() { awk -v c="$2" '{ print $c }' "$TMP/results.$1"; }
declare -A RPS P50 P99 CPU
for key in "${KEYS[@]}"; do
    mapfile -t v < <(col "$key" 1); RPS[$key]=$(median "${v[@]}")
    mapfile -t v < <(col "$key" 2); P50[$key]=$(median "${v[@]}")
    mapfile -t v < <(col "$key" 3); P99[$key]=$(median "${v[@]}")
    mapfile -t v < <(col "$key" 5); CPU[$key]=$(median "${v[@]}")
done
echo
printf '%-28s %9s %8s %8s %11s %9s\n' target req/s "p50 ms" "p99 ms" "cpu µs/req" "body B"
for key in "${KEYS[@]}"; do
    printf '%-28s %9.0f %8.2f %8.2f %11.1f %9d\n' "$key" "${RPS[$key]}" "$(awk -v x="${P50[$key]}" 'BEGIN { print x / 1000 }')" \
        "$(awk -v x="${P99[$key]}" 'BEGIN { print x / 1000 }')" "${CPU[$key]}" "${BYTES[$key]}"
done
added() { awk -v a="${CPU[$1]}" -v b="${CPU[$2]}" 'BEGIN { printf "%.1f", a - b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }
echo
echo "CPU added per request by compression (coded − plain, µs): nginx gzip 5 $(added nginx_gzip nginx_plain);" \
    "dihya gzip 5 $(added dihya_gzip dihya_plain), Brotli 4 $(added dihya_br dihya_plain)," \
    "kept gzip $(added dihya_gzip_kept dihya_plain), kept br $(added dihya_br_kept dihya_plain)"
echo "ratios: dihya gzip per request ÷ nginx gzip: req/s $(ratio "${RPS[dihya_gzip]}" "${RPS[nginx_gzip]}")×," \
    "CPU per request $(ratio "${CPU[dihya_gzip]}" "${CPU[nginx_gzip]}")×; dihya kept br ÷ dihya plain req/s" \
    "$(ratio "${RPS[dihya_br_kept]}" "${RPS[dihya_plain]}")×; bytes: gzip $(ratio "${BYTES[dihya_gzip]}" "${BYTES[dihya_plain]}")," \
    "br $(ratio "${BYTES[dihya_br]}" "${BYTES[dihya_plain]}"), kept br $(ratio "${BYTES[dihya_br_kept]}" "${BYTES[dihya_plain]}") of the plain body"
if ((FAILED)); then
    echo "bench: errors under load (see above)" >&2
    exit 1
fi
