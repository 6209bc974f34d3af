# shellcheck shell=bash
# Shared helpers of the wrk-based benchmarks (sourced by bench/auth/run.sh and bench/compression/run.sh). The
# caller sets `set -euo pipefail`, calls bench_setup NAME (TMP, PIDS, FAILED, clean-up on exit, wrk's report hook)
# and sets THREADS, CONNECTIONS and CLK_TCK before using run_wrk.

die() {
    echo "bench: $*" >&2
    exit 1
}

now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }  # bash ≥ 5: microseconds, no fork

median() {  # median of the numbers given as arguments
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "nan"; exit }
        if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

stop_pid() {  # stop_pid PID: TERM, then KILL after 3 s
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 30; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# The TCP port a process listens on (from the socket table), or nothing yet.
listening_port() {
    ss -Hltnp 2>/dev/null | awk -v want="pid=$1," 'index($0, want) { n = split($4, a, ":"); print a[n]; exit }'
}

free_port() {  # a port nobody listens on now
    local port
    while :; do
        port=$((20000 + RANDOM % 40000))
        ss -Hltn "sport = :$port" 2>/dev/null | grep -q . || { echo "$port"; return; }
    done
}

# CPU ticks used so far by a server: the process (all its threads) and its children (gunicorn or nginx workers).
server_ticks() {
    local pid total=0 t
    for pid in "$1" $(pgrep -P "$1" 2>/dev/null || true); do
        t=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)
        total=$((total + t))
    done
    echo "$total"
}

# "total busy steal ours" in clock ticks: all CPUs from /proc/stat, and "ours" = the given servers (with their
# children) + this shell's reaped children (wrk, curl), which `times` reports from the main shell only: call
# `times >"$TMP/times"` just before.
cpu_snapshot() {
    local pid ours=0 t
    for pid in "$@"; do ours=$((ours + $(server_ticks "$pid"))); done
    t=$(awk -v hz="$CLK_TCK" 'NR == 2 {
        n = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); n += (a[1] * 60 + a[2]) * hz }
        printf "%d", n }' "$TMP/times")
    awk -v ours=$((ours + t)) '/^cpu / { print $2+$3+$4+$5+$6+$7+$8+$9, $2+$3+$4+$7+$8, $9, ours; exit }' /proc/stat
}

rss_kib() { awk '$1 == "'"$2"':" { print $2 }' "/proc/$1/status"; }  # rss_kib PID VmRSS|VmHWM

write_wrk_report() {  # the Lua `done` hook: one machine-readable line per run
    cat >"$TMP/report.lua" <<'EOF'
done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
        "non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
        summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
        e.status, e.connect, e.read, e.write, e.timeout))
end
EOF
}

field() { local f; for f in $1; do [[ $f == "$2="* ]] && { echo "${f#*=}"; return; }; done; echo 0; }

# run_wrk KEY URL DURATION PID [wrk options...] → appends "rps p50_us p99_us errors cpu_us_per_request" to
# $TMP/results.KEY (not for warmup* keys). The last column is the server's own CPU time (user + system) per request.
run_wrk() {
    local key=$1 url=$2 duration=$3 pid=$4 out line errors secs ticks0 ticks1 cpu_us
    shift 4
    out="$TMP/wrk.$key.$(date +%s%N).txt"
    secs=${duration%s}
    ticks0=$(server_ticks "$pid")
    timeout $((secs + 15)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --timeout 5s \
        -s "$TMP/report.lua" "$@" "$url" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed against $url"; }
    kill -0 "$pid" 2>/dev/null || { cat "$out" >&2; die "$key: the server (pid $pid) died under load"; }
    ticks1=$(server_ticks "$pid")
    line=$(grep '^BENCH ' "$out") || { cat "$out" >&2; die "$key: no wrk report"; }
    cpu_us=$(awk -v t=$((ticks1 - ticks0)) -v hz="$CLK_TCK" -v n="$(field "$line" requests)" \
        'BEGIN { printf "%.1f", (n > 0) ? t * 1e6 / hz / n : 0 }')
    errors=$(($(field "$line" non2xx) + $(field "$line" connect) + $(field "$line" read) +
        $(field "$line" write) + $(field "$line" timeout)))
    if ((errors > 0)) || grep -q -e 'Non-2xx' -e 'Socket errors' "$out"; then
        echo "bench: $key ($url): errors under load:" >&2
        grep -e 'Non-2xx' -e 'Socket errors' "$out" >&2 || true
        # shellcheck disable=SC2034 # read by the caller
        FAILED=1
    fi
    [[ $key == warmup* ]] && return 0
    echo "$(field "$line" rps) $(field "$line" p50_us) $(field "$line" p99_us) $errors $cpu_us" >>"$TMP/results.$key"
}

# bench_setup NAME: a temporary directory in TMP, PIDS=() (what is started there is stopped on exit) and FAILED=0;
# TMP is removed on exit, success or not; writes wrk's report hook.
bench_setup() {
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/dihya-bench-$1.XXXXXX")
    PIDS=()
    FAILED=0
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    write_wrk_report
}

bench_cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
    rm -rf -- "$TMP"
}
