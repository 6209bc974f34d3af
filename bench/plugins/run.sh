#!/usr/bin/env bash
# The plugin sandbox's per-call overhead against calling the same JavaScript in process, side by side in one run
# (DESIGN.md §8; docs/performance.md "Plugins").
#
#   bench/plugins/run.sh BUILD_DIR     (what `make bench-plugins` runs; BUILD_DIR holds dihya-js and
#                                       bench/dihya_bench_plugins)
#
# Measured by bench/plugins/plugins_bench.cpp (Google Benchmark, BENCH_REPETITIONS repetitions, medians):
#   InProcess          beforeGeneration on a five-entity model, the engine linked into the benchmark
#   Sandboxed          the same call through dihya-js: socket, JSON both ways, the confined process
#   StartAndFirstCall  starting a sandbox (process, engine, module, seccomp) and its first call
# Prints the medians and the ratio Sandboxed ÷ InProcess, and the idle sandbox's resident memory.
set -euo pipefail
export LC_ALL=C
[[ $# -eq 1 ]] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
BUILD=$(realpath -- "$1")
BENCH=$BUILD/bench/dihya_bench_plugins
HOST=$BUILD/dihya-js
for f in "$BENCH" "$HOST"; do
    [[ -x $f ]] || { echo "bench: $f is missing (make bench-plugins builds it)" >&2; exit 2; }
done
REPS=${BENCH_REPETITIONS:-5}
out=$(DIHYA_JS_HOST=$HOST "$BENCH" --benchmark_repetitions="$REPS" --benchmark_report_aggregates_only=true \
    --benchmark_format=json 2>/dev/null)
median() { python3 -c 'import json,sys
d = json.load(sys.stdin)
for b in d["benchmarks"]:
    if b["name"] == sys.argv[1] + "_median": print(b["real_time"], b["time_unit"])' "$1" <<<"$out"; }
read -r inproc inproc_unit <<<"$(median InProcess)"
read -r boxed boxed_unit <<<"$(median Sandboxed)"
read -r start start_unit <<<"$(median StartAndFirstCall)"
# An idle sandbox's resident memory (VmRSS of a dihya-js that has loaded the plugin), from /proc.
rss=$(python3 - "$HOST" <<'PY'
import os, socket, struct, subprocess, sys, time
a, b = socket.socketpair()
p = subprocess.Popen(['sh', '-c', 'exec "$@" 3<&%d %d<&-' % (b.fileno(), b.fileno()), 'sh', sys.argv[1]],
                     pass_fds=(b.fileno(),))
b.close()
def recv():
    h = b''
    while len(h) < 5: h += a.recv(5 - len(h))
    n = struct.unpack('<I', h[1:])[0]
    d = b''
    while len(d) < n: d += a.recv(n - len(d))
src = b"export default { manifest: {}, beforeGeneration: (m) => m };"
recv(); a.sendall(b'L' + struct.pack('<I', len(src)) + src); recv()
with open('/proc/%d/status' % p.pid) as f:
    print(next(l.split()[1] for l in f if l.startswith('VmRSS')))
a.close(); p.wait()
PY
)
printf 'plugins: beforeGeneration on a 5-entity model, medians of %s repetitions\n' "$REPS"
printf '  in process (same engine, no sandbox)   %10.1f %s\n' "$inproc" "$inproc_unit"
printf '  through dihya-js (sandboxed)           %10.1f %s\n' "$boxed" "$boxed_unit"
printf '  ratio sandboxed / in process           %10.1f\n' "$(python3 -c "print($boxed / $inproc)")"
printf '  start a sandbox + first call           %10.1f %s\n' "$start" "$start_unit"
printf '  idle sandbox resident memory           %10.1f MiB\n' "$(python3 -c "print($rss / 1024)")"
