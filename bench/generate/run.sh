#!/usr/bin/env bash
# Generation benchmark of dihya against JHipster, side by side in one run (DESIGN.md §8).
#
#   bench/generate/run.sh BUILD_DIR        (what `make bench-generate` runs; BUILD_DIR holds dihya and
#                                           bench/dihya_bench_generate)
#
# The project: bench/generate/spec.yaml, 5 entities, React + Express + docker, compose, github-actions.
# The peer: JHipster (npm generator-jhipster, BENCH_JHIPSTER_VERSION, default 8.9.0) on bench/generate/clinic.jdl,
# the same 5 entities, fields and relationships in a monolith with a React client, `jhipster jdl --skip-install
# --skip-git`. JHipster is installed on first use into $DIHYA_BENCH_CACHE/jhipster (default
# ~/.cache/dihya-bench/jhipster), never into the repository.
#
# Measured, in BENCH_ROUNDS rounds whose order alternates (dihya first, then JHipster first):
#   in process   dihya_bench_generate: validate the spec, Engine::Render, WriteArchive (zip), one generation per
#                repetition, BENCH_INPROC_RUNS per round after a warm-up; also parse, render and zip alone
#   CLI          `dihya generate spec.yaml --zip out.zip`, whole process, hyperfine (or a loop without it),
#                BENCH_CLI_RUNS per round
#   JHipster     `jhipster jdl clinic.jdl`, whole process, BENCH_JHIPSTER_RUNS per round, each in a new folder,
#                after BENCH_JHIPSTER_WARMUP uncounted runs; without network access when `unshare -n` works
# and reports medians (wall and CPU time), the ratio JHipster ÷ dihya and how many files each writes.
#
# Budgets checked: in-process p50 < 20 ms; JHipster ÷ dihya ≥ 100 (whole process against whole process).
# Exit status: 0 when the measurements are valid (a budget MISS is reported, not fatal; BENCH_STRICT=1 makes it
# exit 1); 1 when something broke; 2 on usage errors.
set -euo pipefail
export LC_ALL=C

usage() { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
[[ $# -eq 1 ]] || usage
BUILD=$(realpath -- "$1") || usage
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DIHYA=$BUILD/dihya
INPROC=$BUILD/bench/dihya_bench_generate
SPEC=$HERE/spec.yaml
JDL=$HERE/clinic.jdl
PACKS=${DIHYA_PACKS_DIR:-$ROOT/packs}
ROUNDS=${BENCH_ROUNDS:-5}
INPROC_RUNS=${BENCH_INPROC_RUNS:-40}
CLI_RUNS=${BENCH_CLI_RUNS:-20}
JH_RUNS=${BENCH_JHIPSTER_RUNS:-1}
JH_WARMUP=${BENCH_JHIPSTER_WARMUP:-1}
JH_VERSION=${BENCH_JHIPSTER_VERSION:-8.9.0}
CACHE=${DIHYA_BENCH_CACHE:-$HOME/.cache/dihya-bench}

for f in "$DIHYA" "$INPROC"; do
    [[ -x $f ]] || { echo "bench: $f is missing (make bench-generate builds it)" >&2; exit 2; }
done
for tool in node npm awk python3 find; do
    command -v "$tool" >/dev/null || { echo "bench: $tool not found (scripts/bootstrap installs it)" >&2; exit 2; }
done
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 6) || (a === 18 && b >= 19) ? 0 : 1)' ||
    { echo "bench: JHipster 8.9 needs Node ^18.19 or ≥ 20.6.1 (found $(node --version))" >&2; exit 2; }
PY=/usr/bin/python3
[[ -x $PY ]] || PY=python3

TMP=$(mktemp -d "${TMPDIR:-/tmp}/dihya-bench-gen.XXXXXX")
trap 'rm -rf -- "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
die() { echo "bench: $*" >&2; exit 1; }
now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }

median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "nan"; exit }
        if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
percentile() {  # percentile P numbers... (nearest rank)
    local p=$1
    shift
    printf '%s\n' "$@" | sort -g | awk -v p="$p" '{ v[NR] = $1 } END {
        if (NR == 0) { print "nan"; exit }
        r = int(p / 100 * (NR - 1) + 0.5) + 1; if (r > NR) r = NR; print v[r] }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b > 0) ? a / b : 0 }'; }

# ---------------------------------------------------------------------------------------------
# JHipster, installed once into the cache (npm's own client; nothing goes into the repository).
JH_DIR=$CACHE/jhipster
JH_BIN=$JH_DIR/node_modules/generator-jhipster/dist/cli/jhipster.cjs
installed_version() { node -p "require('$JH_DIR/node_modules/generator-jhipster/package.json').version" 2>/dev/null || true; }
if [[ $(installed_version) != "$JH_VERSION" ]]; then
    echo "bench: installing generator-jhipster@$JH_VERSION into $JH_DIR (once)"
    mkdir -p "$JH_DIR"
    [[ -f $JH_DIR/package.json ]] || echo '{"name": "dihya-bench-jhipster", "private": true}' >"$JH_DIR/package.json"
    (cd "$JH_DIR" && npm install --no-audit --no-fund --loglevel=error "generator-jhipster@$JH_VERSION") >&2 ||
        die "npm could not install generator-jhipster@$JH_VERSION"
fi
[[ -f $JH_BIN ]] || JH_BIN=$JH_DIR/node_modules/.bin/jhipster
[[ -e $JH_BIN ]] || die "no jhipster command under $JH_DIR"
# No network for JHipster when we can take it away (a new network namespace): it must not need any.
NETLESS=()
unshare -n true 2>/dev/null && NETLESS=(unshare -n)
# JHipster makes a TLS keystore with Java's keytool when it finds one, and skips it with a warning otherwise.
KEYTOOL=$(command -v keytool || true)

# ---------------------------------------------------------------------------------------------
# One JHipster generation in a new folder: prints "wall_ms cpu_ms files bytes".
jh_run() {
    local dir=$1 t0 t1 cpu
    mkdir -p "$dir"
    cp "$JDL" "$dir/clinic.jdl"
    t0=$(now_us)
    (cd "$dir" && TIMEFORMAT='%U %S' && { time NO_UPDATE_NOTIFIER=1 FORCE_COLOR=0 "${NETLESS[@]}" node "$JH_BIN" \
        jdl clinic.jdl --skip-install --skip-git --no-insight --force --skip-jhipster-dependencies \
        >"$dir.log" 2>&1; } 2>"$dir.time") || { tail -20 "$dir.log" >&2; die "jhipster failed (log above)"; }
    t1=$(now_us)
    grep -q 'JHipster execution is complete' "$dir.log" || { tail -20 "$dir.log" >&2; die "jhipster did not finish"; }
    cpu=$(awk '{ printf "%.0f", ($1 + $2) * 1000 }' "$dir.time")
    rm -f "$dir/clinic.jdl"
    echo "$(((t1 - t0) / 1000)) $cpu $(find "$dir" -type f | wc -l) $(du -sb "$dir" | awk '{ print $1 }')"
    rm -rf -- "$dir"
}

# dihya in process: appends "benchmark wall_ms cpu_ms" lines (one a generation) to $TMP/inproc.
inproc_run() {
    local json=$TMP/inproc.$1.json
    "$INPROC" --spec="$SPEC" --packs="$PACKS" --runs="$INPROC_RUNS" --warmup=20 \
        --benchmark_out="$json" --benchmark_out_format=json >"$TMP/inproc.$1.txt" 2>&1 ||
        { cat "$TMP/inproc.$1.txt" >&2; die "dihya_bench_generate failed"; }
    "$PY" - "$json" >>"$TMP/inproc" <<'EOF'
import json, sys
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if b.get("run_type") == "iteration":
        scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b["time_unit"]]
        print(b["run_name"].split("/")[0], b["real_time"] * scale, b["cpu_time"] * scale)
EOF
}

# dihya CLI, whole process: appends "wall_ms" lines to $TMP/cli.
cli_run() {
    local i t0 t1
    if command -v hyperfine >/dev/null; then
        DIHYA_PACKS_DIR=$PACKS hyperfine -N --style none --warmup 3 --runs "$CLI_RUNS" \
            --export-json "$TMP/cli.$1.json" "$DIHYA generate $SPEC --zip $TMP/cli.zip" >"$TMP/cli.$1.txt" 2>&1 ||
            { cat "$TMP/cli.$1.txt" >&2; die "dihya generate failed under hyperfine"; }
        "$PY" -c 'import json, sys; [print(t * 1000) for t in json.load(open(sys.argv[1]))["results"][0]["times"]]' \
            "$TMP/cli.$1.json" >>"$TMP/cli"
    else
        for ((i = 0; i < CLI_RUNS + 3; i++)); do
            t0=$(now_us)
            DIHYA_PACKS_DIR=$PACKS "$DIHYA" generate "$SPEC" --zip "$TMP/cli.zip" >/dev/null 2>&1 ||
                die "dihya generate failed"
            t1=$(now_us)
            ((i < 3)) || awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1000 }' >>"$TMP/cli"
        done
    fi
}

# ---------------------------------------------------------------------------------------------
echo "== Dihya generation benchmark (DESIGN.md §8) =="
echo "machine:  $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
    "$(awk '/^MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
echo "dihya:    $("$DIHYA" version 2>&1 | head -1) ($DIHYA)"
keytool_note="no keytool (JHipster skips its TLS keystore)"
[[ -n $KEYTOOL ]] && keytool_note="keytool at $KEYTOOL (JHipster runs it for a TLS keystore)"
network_note="available"
((${#NETLESS[@]})) && network_note="none (unshare -n)"
echo "peer:     JHipster $(installed_version), Node $(node --version), $keytool_note; network for JHipster: $network_note"
echo "hyperfine: $(command -v hyperfine >/dev/null && hyperfine --version || echo "absent: a shell loop times the CLI")"
echo "run:      $ROUNDS rounds, alternating; per round: $INPROC_RUNS in-process generations (after 20 warm-up)," \
    "$CLI_RUNS CLI runs (after 3 warm-up), $JH_RUNS JHipster run(s); $JH_WARMUP JHipster warm-up run(s) first"
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (load average before the run)"
echo

DIHYA_OUT=$(DIHYA_PACKS_DIR=$PACKS "$DIHYA" generate "$SPEC" --zip "$TMP/check.zip") || die "dihya generate failed"
DIHYA_FILES=$(sed -n 's/.*(\([0-9]*\) files, \([0-9]*\) bytes).*/\1/p' <<<"$DIHYA_OUT")
DIHYA_ZIP=$(sed -n 's/.*(\([0-9]*\) files, \([0-9]*\) bytes).*/\2/p' <<<"$DIHYA_OUT")
DIHYA_BYTES=$("$PY" -c 'import sys, zipfile; print(sum(i.file_size for i in zipfile.ZipFile(sys.argv[1]).infolist()))' \
    "$TMP/check.zip")
echo "-- dihya writes $DIHYA_FILES files ($DIHYA_BYTES bytes; zip of $DIHYA_ZIP bytes)"

for ((i = 0; i < JH_WARMUP; i++)); do
    echo "-- JHipster warm-up run $((i + 1))/$JH_WARMUP (not counted)"
    read -r w c JH_FILES JH_BYTES < <(jh_run "$TMP/jh-warmup-$i")
    echo "   $w ms wall, $c ms CPU; $JH_FILES files, $JH_BYTES bytes"
done

for ((round = 1; round <= ROUNDS; round++)); do
    if ((round % 2)); then order=(inproc cli jhipster); else order=(jhipster cli inproc); fi
    echo "-- round $round/$ROUNDS: ${order[*]}"
    for what in "${order[@]}"; do
        case $what in
            inproc) inproc_run "$round" ;;
            cli) cli_run "$round" ;;
            jhipster)
                for ((i = 0; i < JH_RUNS; i++)); do
                    read -r w c JH_FILES JH_BYTES < <(jh_run "$TMP/jh-$round-$i")
                    echo "$w $c" >>"$TMP/jhipster"
                    echo "$round $w" >>"$TMP/jhipster.rounds"
                    echo "   JHipster: $w ms wall, $c ms CPU; $JH_FILES files"
                done
                ;;
        esac
    done
    # This round's CLI median, for the per-round ratio.
    mapfile -t v < <(tail -n "$CLI_RUNS" "$TMP/cli")
    echo "$round $(median "${v[@]}")" >>"$TMP/cli.rounds"
done

# ---------------------------------------------------------------------------------------------
inproc_col() { awk -v b="$1" -v c="$2" '$1 == b { print $c }' "$TMP/inproc"; }
declare -A W50 W90 W99 C50 N
for b in generate parse render zip load; do
    mapfile -t v < <(inproc_col "$b" 2)
    N[$b]=${#v[@]}
    W50[$b]=$(median "${v[@]}")
    W90[$b]=$(percentile 90 "${v[@]}")
    W99[$b]=$(percentile 99 "${v[@]}")
    mapfile -t v < <(inproc_col "$b" 3)
    C50[$b]=$(median "${v[@]}")
done
mapfile -t v < <(cat "$TMP/cli")
CLI_N=${#v[@]}
CLI50=$(median "${v[@]}")
CLI90=$(percentile 90 "${v[@]}")
mapfile -t v < <(awk '{ print $1 }' "$TMP/jhipster")
JH_N=${#v[@]}
JH50=$(median "${v[@]}")
JH_RUNS_LIST=${v[*]}
mapfile -t v < <(awk '{ print $2 }' "$TMP/jhipster")
JHC50=$(median "${v[@]}")
mapfile -t ROUND_RATIOS < <(awk 'NR == FNR { cli[$1] = $2; next } { printf "%.0f\n", $2 / cli[$1] }' \
    "$TMP/cli.rounds" "$TMP/jhipster.rounds")

echo
printf '%-44s %6s %10s %10s %10s %10s\n' "measure" "runs" "p50 ms" "p90 ms" "p99 ms" "CPU p50 ms"
for b in generate parse render zip load; do
    label=$b
    case $b in
        generate) label="in process: spec, render, zip (the budget)" ;;
        parse) label="  of which: validate the spec" ;;
        render) label="  of which: Engine::Render" ;;
        zip) label="  of which: WriteArchive (zip)" ;;
        load) label="LoadPacks (once at start-up, not counted)" ;;
    esac
    printf '%-44s %6d %10.2f %10.2f %10.2f %10.2f\n' "$label" "${N[$b]}" "${W50[$b]}" "${W90[$b]}" "${W99[$b]}" "${C50[$b]}"
done
printf '%-44s %6d %10.1f %10.1f %10s %10s\n' "CLI: dihya generate --zip (whole process)" "$CLI_N" "$CLI50" "$CLI90" "-" "-"
printf '%-44s %6d %10.0f %10s %10s %10.0f\n' "JHipster $(installed_version): jhipster jdl" "$JH_N" "$JH50" "-" "-" "$JHC50"
echo "   JHipster runs (ms): $JH_RUNS_LIST"
echo
RATIO_CLI=$(ratio "$JH50" "$CLI50")
RATIO_INPROC=$(ratio "$JH50" "${W50[generate]}")
RATIO_CPU=$(ratio "$JHC50" "${C50[generate]}")
echo "ratios: JHipster ÷ dihya CLI (whole process, p50) = ${RATIO_CLI}×; per round ${ROUND_RATIOS[*]}"
echo "        JHipster ÷ dihya in process (p50 wall) = ${RATIO_INPROC}×; CPU time = ${RATIO_CPU}×"
echo "files:  dihya $DIHYA_FILES files ($DIHYA_BYTES bytes), JHipster $JH_FILES files ($JH_BYTES bytes)"
echo "load:   $(cut -d' ' -f1-3 /proc/loadavg) (load average after the run)"
echo
V_P50=$(awk -v x="${W50[generate]}" 'BEGIN { print (x < 20) ? "PASS" : "MISS" }')
V_RATIO=$(awk -v x="$RATIO_CLI" 'BEGIN { print (x >= 100) ? "PASS" : "MISS" }')
echo "budgets (DESIGN.md §8):"
echo "  $V_P50  in-process p50 < 20 ms                 measured $(printf '%.1f' "${W50[generate]}") ms (CPU $(printf '%.1f' "${C50[generate]}") ms)"
echo "  $V_RATIO  ≥ 100× faster than JHipster            measured ${RATIO_CLI}× (CLI, whole process), ${RATIO_INPROC}× in process"
if [[ ${BENCH_STRICT:-0} == 1 && "$V_P50$V_RATIO" == *MISS* ]]; then
    exit 1
fi
