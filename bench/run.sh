#!/usr/bin/env bash
# Benchmark roadmap-lint's release build on a generated corpus, and print the figures that
# docs/benchmarks.md records. Re-run it after adding rules:
#
#   bench/run.sh                 # 1,000 and 10,000 declarations (takes a few minutes)
#   BENCH_SIZES="1000" bench/run.sh
#
# Environment:
#   BENCH_DIR     where the corpus and results go (default: target/bench, or $CARGO_TARGET_DIR/bench)
#   BENCH_SEED    corpus seed (default 42; the same seed gives the same files everywhere)
#   BENCH_SIZES   corpus sizes to time (default "1000 10000"; each must be a multiple of 1,000 or < 1,000)
#   BENCH_RUNS    timed runs per large measurement (default 3)
#   BENCH_JOBS    value for --jobs (default: unset, one thread per core)
#   NO_INSTALL=1  never try apt-get; fall back to the shell's own timing
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BENCH_DIR=${BENCH_DIR:-$TARGET/bench}
SEED=${BENCH_SEED:-42}
SIZES=${BENCH_SIZES:-"1000 10000"}
RUNS=${BENCH_RUNS:-3}
JOBS_ARG=()
if [ -n "${BENCH_JOBS:-}" ]; then JOBS_ARG=(--jobs "$BENCH_JOBS"); fi

log() { printf '%s\n' "$*" >&2; }

# --- tools -------------------------------------------------------------------------------------
try_install() {
    # $1 = command, $2 = Debian package. Installs only when we are root and allowed to.
    command -v "$1" >/dev/null 2>&1 && return 0
    [ "${NO_INSTALL:-}" = 1 ] && return 1
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        log "installing $2 ..."
        (apt-get install -y -qq "$2" >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$2" >/dev/null 2>&1; }) || true
    fi
    command -v "$1" >/dev/null 2>&1
}
HAVE_HYPERFINE=0; try_install hyperfine hyperfine && HAVE_HYPERFINE=1
GNU_TIME=""
if [ -x /usr/bin/time ] || try_install /usr/bin/time time; then
    /usr/bin/time -v true >/dev/null 2>&1 && GNU_TIME=/usr/bin/time
fi

# --- build -------------------------------------------------------------------------------------
log "building the release binary and the corpus generator ..."
cargo build --release --quiet --bin roadmap-lint --example gen_corpus
BIN=$TARGET/release/roadmap-lint
GEN=$TARGET/release/examples/gen_corpus

# --- corpus ------------------------------------------------------------------------------------
MAX=0
for n in $SIZES; do [ "$n" -gt "$MAX" ] && MAX=$n; done
CORPUS=$BENCH_DIR/corpus-seed$SEED
if [ ! -f "$CORPUS/.count" ] || [ "$(cat "$CORPUS/.count")" -lt "$MAX" ] || [ examples/gen_corpus.rs -nt "$CORPUS/.count" ]; then
    rm -rf "$CORPUS"
    "$GEN" --count "$MAX" --seed "$SEED" --out "$CORPUS"
    echo "$MAX" >"$CORPUS/.count"
fi
# The corpus of size n: files 1..n. The generator puts 1,000 per folder, so n = k*1000 is the
# first k folders; smaller n gets a folder of its own with links to the first n files.
corpus_of() {
    local n=$1
    if [ $((n % 1000)) = 0 ]; then
        local k=$((n / 1000)) i
        for ((i = 0; i < k; i++)); do printf '%s/%04d ' "$CORPUS" "$i"; done
    else
        local dir=$BENCH_DIR/subset-$n
        if [ ! -d "$dir" ]; then
            mkdir -p "$dir"
            find "$CORPUS/0000" -name 'dept-*.yaml' | sort | head -n "$n" | xargs -I{} ln -s {} "$dir/"
        fi
        printf '%s' "$dir"
    fi
}
ONE=$CORPUS/0000/dept-00001.yaml
LINES=$(wc -l <"$ONE")

# Every generated file must be schema-valid: no syntax or schema finding in the first 1,000.
SAMPLE=$(corpus_of "$((MAX < 1000 ? MAX : 1000))")
# shellcheck disable=SC2086
INVALID=$("$BIN" check --format json --fail-on never $SAMPLE |
    grep -cE '"rule": "(schema|yaml|input)-' || true)
if [ "$INVALID" != 0 ]; then
    log "error: the generated corpus has $INVALID syntax/schema findings; fix examples/gen_corpus.rs"
    exit 1
fi

# --- timing ------------------------------------------------------------------------------------
RESULTS=$BENCH_DIR/results
mkdir -p "$RESULTS"

# mean_ms NAME RUNS WARMUP CMD... -> prints the mean wall time in ms; the command's exit code is
# ignored (findings make it 1).
mean_ms() {
    local name=$1 runs=$2 warmup=$3
    shift 3
    if [ "$HAVE_HYPERFINE" = 1 ]; then
        hyperfine -N -i --style none --warmup "$warmup" --runs "$runs" \
            --export-json "$RESULTS/$name.json" -- "$(printf '%q ' "$@")" >/dev/null 2>&1
        python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f %.1f %.1f" % (r["mean"]*1000, (r["stddev"] or 0)*1000, (r["user"]+r["system"])*1000))' "$RESULTS/$name.json"
    else
        local i start end total=0
        for ((i = 0; i < warmup; i++)); do "$@" >/dev/null 2>&1 || true; done
        for ((i = 0; i < runs; i++)); do
            start=$(date +%s%N)
            "$@" >/dev/null 2>&1 || true
            end=$(date +%s%N)
            total=$((total + end - start))
        done
        # Without hyperfine there is no CPU time: report the wall time in its place.
        awk -v t="$total" -v r="$runs" 'BEGIN { m = t / r / 1e6; printf "%.1f - %.1f\n", m, m }'
    fi
}

# peak_mib CMD... -> max resident set size in MiB (GNU time), or "-" without it.
peak_mib() {
    if [ -n "$GNU_TIME" ]; then
        { "$GNU_TIME" -v "$@" 2>&1 >/dev/null || true; } |
            awk -F': ' '/Maximum resident set size/ { printf "%.0f\n", $2 / 1024 }'
    else
        echo "-"
    fi
}

CORES=$(nproc)
CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
MEM=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
RULES=$("$BIN" rules --format json | grep -c '"id"' || true)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
log "timing (hyperfine: $HAVE_HYPERFINE, GNU time: ${GNU_TIME:-none}) ..."

read -r SINGLE SINGLE_SD SINGLE_CPU < <(mean_ms single 30 3 "$BIN" check "${JOBS_ARG[@]}" "$ONE")
read -r SPARSE SPARSE_SD SPARSE_CPU < <(mean_ms single-parse 30 3 "$BIN" check --parse-only "$ONE")

declare -A CHECK CHECK_SD CHECK_CPU JSON JSON_SD JSON_CPU PARSE PARSE_SD PARSE_CPU RSS PARSE_RSS
for n in $SIZES; do
    # shellcheck disable=SC2046
    set -- $(corpus_of "$n")
    log "  $n declarations ..."
    read -r "CHECK[$n]" "CHECK_SD[$n]" "CHECK_CPU[$n]" < <(mean_ms "check-$n" "$RUNS" 1 "$BIN" check "${JOBS_ARG[@]}" "$@")
    read -r "JSON[$n]" "JSON_SD[$n]" "JSON_CPU[$n]" < <(mean_ms "json-$n" "$RUNS" 0 "$BIN" check --format json "${JOBS_ARG[@]}" "$@")
    read -r "PARSE[$n]" "PARSE_SD[$n]" "PARSE_CPU[$n]" < <(mean_ms "parse-$n" "$RUNS" 1 "$BIN" check --parse-only "${JOBS_ARG[@]}" "$@")
    RSS[$n]=$(peak_mib "$BIN" check "${JOBS_ARG[@]}" "$@")
    PARSE_RSS[$n]=$(peak_mib "$BIN" check --parse-only "${JOBS_ARG[@]}" "$@")
done

# --- report ------------------------------------------------------------------------------------
verdict() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? "met" : "**missed**" }'; }
secs() { awk -v m="$1" 'BEGIN { printf "%.2f s", m / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "roadmap-lint $("$BIN" --version | cut -d' ' -f2) at $COMMIT with $RULES rules; $CORES cores ($CPU), $MEM RAM; load average before the run: $LOAD"
echo "corpus: seed $SEED, $LINES lines in the first declaration; command: bench/run.sh (BENCH_SIZES=\"$SIZES\" BENCH_RUNS=$RUNS${BENCH_JOBS:+ BENCH_JOBS=$BENCH_JOBS})"
echo
echo "| measurement | wall time (mean ± sd) | CPU time (user + sys) | peak memory | target |"
echo "| --- | --- | --- | --- | --- |"
echo "| 1 declaration, \`check\` (start-up, compiling all rules, report) | ${SINGLE} ms ± ${SINGLE_SD} | ${SINGLE_CPU} ms | | ≤ 30 ms: $(verdict "$SINGLE" 30) |"
echo "| 1 declaration, parse only | ${SPARSE} ms ± ${SPARSE_SD} | ${SPARSE_CPU} ms | | |"
for n in $SIZES; do
    tgt=""
    [ "$n" = 10000 ] && tgt="≤ 5 s: $(verdict "${CHECK[$n]}" 5000)"
    echo "| $n declarations, \`check\` (human report) | $(secs "${CHECK[$n]}") ± ${CHECK_SD[$n]} ms | $(secs "${CHECK_CPU[$n]}") | ${RSS[$n]} MiB | $tgt |"
    echo "| $n declarations, \`check --format json\` | $(secs "${JSON[$n]}") ± ${JSON_SD[$n]} ms | $(secs "${JSON_CPU[$n]}") | | |"
    echo "| $n declarations, parse only (the floor) | $(secs "${PARSE[$n]}") ± ${PARSE_SD[$n]} ms | $(secs "${PARSE_CPU[$n]}") | ${PARSE_RSS[$n]} MiB | |"
    echo "| $n declarations, \`check\` ÷ parse only | $(ratio "${CHECK[$n]}" "${PARSE[$n]}") wall | $(ratio "${CHECK_CPU[$n]}" "${PARSE_CPU[$n]}") CPU | | ≤ 3x: $(verdict "${CHECK[$n]}" "$(awk -v p="${PARSE[$n]}" 'BEGIN { print p * 3 }')") |"
done
if [ -n "${RSS[10000]:-}" ] && [ "${RSS[10000]}" != "-" ]; then
    echo
    echo "peak memory, 10000 declarations: ${RSS[10000]} MiB (≤ 1024 MiB: $(verdict "${RSS[10000]}" 1024))"
fi
echo
echo "On a busy machine, wall times include waiting for a core; CPU time ÷ $CORES is the wall time"
echo "the same work takes with the cores to itself. Raw hyperfine results: $RESULTS"
