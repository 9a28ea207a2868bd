#!/usr/bin/env bash
# Benchmark roadmap-lint's release build on a generated corpus, and print the figures that
# docs/benchmarks.md records: each goal as a ratio measured side by side in this run, in CPU time
# (user + system), which survives a busy machine far better than wall time.
#
#   bench/run.sh                                  # 1 file, 1,000 and 10,000 declarations
#   BENCH_SIZES="1000" bench/run.sh               # about two minutes
#   BENCH_REGORUS=1 bench/run.sh                  # also the same rule in Rego, with regorus
#   BENCH_BASELINE=/tmp/old-roadmap-lint bench/run.sh   # also before/after against that binary
#
# Environment:
#   BENCH_DIR       where the corpus and results go (default: target/bench, or $CARGO_TARGET_DIR/bench)
#   BENCH_SEED      corpus seed (default 42; the same seed gives the same files everywhere)
#   BENCH_SIZES     corpus sizes (default "1000 10000"; multiples of 1,000, or under 1,000)
#   BENCH_RUNS      timed pairs per large measurement (default 3)
#   BENCH_JOBS      value for --jobs (default: unset, one thread per core)
#   BENCH_REGORUS   1: build bench/regorus (its own crate and target folder) and time it
#   BENCH_BASELINE  another roadmap-lint binary to time pair by pair with this build
#   NO_INSTALL=1    never try apt-get
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
RULE=hosting-not-cloud-aligned

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
if ! { [ -x /usr/bin/time ] || try_install /usr/bin/time time; } || ! /usr/bin/time -v true >/dev/null 2>&1; then
    log "error: GNU time (/usr/bin/time) is needed for CPU time and peak memory"
    exit 1
fi
HAVE_HYPERFINE=0; try_install hyperfine hyperfine && HAVE_HYPERFINE=1

# --- build -------------------------------------------------------------------------------------
log "building the release binary and the corpus generator ..."
cargo build --release --quiet --bin roadmap-lint --example gen_corpus
BIN=$TARGET/release/roadmap-lint
GEN=$TARGET/release/examples/gen_corpus
REGORUS=""
if [ "${BENCH_REGORUS:-}" = 1 ]; then
    log "building the regorus harness (bench/regorus) ..."
    cargo build --release --quiet --manifest-path bench/regorus/Cargo.toml --target-dir "$TARGET/regorus-bench"
    REGORUS=$TARGET/regorus-bench/release/roadmap-lint-regorus-bench
fi
BASE=${BENCH_BASELINE:-}

# --- corpus ------------------------------------------------------------------------------------
MAX=1000
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
# shellcheck disable=SC2046
set -- $(corpus_of 1000)
THOUSAND=("$@")

# Every generated file must be schema-valid: no syntax or schema finding in the first 1,000.
INVALID=$("$BIN" check --format json --fail-on never "${THOUSAND[@]}" |
    grep -cE '"rule": "(schema|yaml|input)-' || true)
if [ "$INVALID" != 0 ]; then
    log "error: the generated corpus has $INVALID syntax/schema findings; fix examples/gen_corpus.rs"
    exit 1
fi
if [ -n "$REGORUS" ]; then
    # Both sides must find the same: the Rego rule is a faithful copy.
    OURS=$("$BIN" check --rule "$RULE" --format json --fail-on never "${THOUSAND[@]}" | grep -c "\"rule\": \"$RULE\"" || true)
    THEIRS=$("$REGORUS" bench/regorus/hosting.rego "${THOUSAND[@]}" | sed -E 's/.* ([0-9]+) findings/\1/')
    if [ "$OURS" != "$THEIRS" ]; then
        log "error: $RULE gives $OURS findings, the Rego version $THEIRS"
        exit 1
    fi
fi

# --- timing ------------------------------------------------------------------------------------
RESULTS=$BENCH_DIR/results
mkdir -p "$RESULTS"

# once CMD... -> "cpu_seconds wall_seconds peak_MiB" of one run (its exit code is ignored:
# findings make it 1).
once() {
    /usr/bin/time -o "$RESULTS/.time" -f '%U %S %e %M' "$@" >/dev/null 2>&1 || true
    tail -n 1 "$RESULTS/.time" | awk '{ printf "%.3f %.3f %.0f\n", $1 + $2, $3, $4 / 1024 }'
}

# pair NAME RUNS -- CMD_A... -- CMD_B... : RUNS runs of each, alternating A and B so that both
# see the same machine. Prints "cpu_a cpu_b wall_a wall_b rss_a rss_b ratio": mean CPU and wall
# seconds, peak memory, and the median of the per-pair CPU ratios a/b.
pair() {
    local name=$1 runs=$2 i
    shift 3
    local a=() b=()
    while [ "$1" != -- ]; do a+=("$1"); shift; done
    shift
    b=("$@")
    : >"$RESULTS/$name.txt"
    for ((i = 0; i < runs; i++)); do
        echo "$(once "${a[@]}") $(once "${b[@]}")" >>"$RESULTS/$name.txt"
    done
    python3 - "$RESULTS/$name.txt" <<'EOF'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
mean = lambda i: sum(r[i] for r in rows) / len(rows)
ratio = statistics.median(r[0] / r[3] for r in rows if r[3] > 0)
print("%.3f %.3f %.3f %.3f %.0f %.0f %.2f" % (mean(0), mean(3), mean(1), mean(4),
      max(r[2] for r in rows), max(r[5] for r in rows), ratio))
EOF
}

# small NAME CMD... -> "mean_cpu_ms sd_wall_ms mean_wall_ms": many runs of a short command
# (hyperfine when there is one; GNU time's 10 ms resolution is too coarse for one file).
small() {
    local name=$1
    shift
    if [ "$HAVE_HYPERFINE" = 1 ]; then
        hyperfine -N -i --style none --warmup 5 --runs 60 \
            --export-json "$RESULTS/$name.json" -- "$(printf '%q ' "$@")" >/dev/null 2>&1
        python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f %.1f %.1f" % ((r["user"]+r["system"])*1000, (r["stddev"] or 0)*1000, r["mean"]*1000))' "$RESULTS/$name.json"
    else
        local total=0 i
        for ((i = 0; i < 60; i++)); do
            total=$(awk -v t="$total" -v c="$(once "$@" | cut -d' ' -f1)" 'BEGIN { print t + c }')
        done
        awk -v t="$total" 'BEGIN { printf "%.1f - -\n", t / 60 * 1000 }'
    fi
}

CORES=$(nproc)
CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
MEM=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
RULES=$("$BIN" rules --format json | grep -c '"id"' || true)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
log "timing (hyperfine: $HAVE_HYPERFINE, regorus: ${REGORUS:+yes}, baseline: ${BASE:-none}) ..."

verdict() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? "met" : "**missed**" }'; }
ROWS=()
row() { ROWS+=("| $1 | $2 | $3 | $4 | $5 |"); }

read -r ONE_CPU ONE_SD ONE_WALL < <(small one "$BIN" check "${JOBS_ARG[@]}" "$ONE")
read -r ONE_PARSE _ _ < <(small one-parse "$BIN" check --parse-only "$ONE")
row "1 declaration, full pack, start-up included (CPU)" "${ONE_CPU} ms (wall ${ONE_WALL} ms ± ${ONE_SD})" \
    "parse only ${ONE_PARSE} ms" "" "≤ 15 ms: $(verdict "$ONE_CPU" 15)"

if [ -n "$REGORUS" ]; then
    log "  one rule, 1000 declarations, against regorus ..."
    read -r A B _ _ _ _ R < <(pair regorus "$RUNS" -- "$BIN" check --rule "$RULE" --format json "${JOBS_ARG[@]}" "${THOUSAND[@]}" \
        -- "$REGORUS" bench/regorus/hosting.rego "${THOUSAND[@]}")
    row "one rule ($RULE), 1000 declarations" "${A} s CPU" "regorus ${B} s CPU" "${R}x" "≤ 0.7x: $(verdict "$R" 0.7)"
fi

for n in $SIZES; do
    # shellcheck disable=SC2046
    set -- $(corpus_of "$n")
    log "  $n declarations ..."
    read -r A B WA WB RA RB R < <(pair "json-$n" "$RUNS" -- "$BIN" check --format json "${JOBS_ARG[@]}" "$@" \
        -- "$BIN" check --parse-only "${JOBS_ARG[@]}" "$@")
    row "full pack, $n declarations, \`--format json\`" "${A} s CPU, ${WA} s wall, ${RA} MiB" "parse only ${B} s CPU, ${WB} s wall" "${R}x" "≤ 2.5x: $(verdict "$R" 2.5)"
    if [ "$n" = 10000 ]; then
        row "full pack, 10000 declarations, wall time" "${WA} s" "" "" "≤ 8 s on $CORES cores: $(verdict "$WA" 8)"
        row "peak memory, 10000 declarations, \`--format json\`" "${RA} MiB" "" "" "≤ 300 MiB: $(verdict "$RA" 300)"
    fi
    read -r A B WA _ RA _ R < <(pair "human-$n" "$RUNS" -- "$BIN" check "${JOBS_ARG[@]}" "$@" \
        -- "$BIN" check --parse-only "${JOBS_ARG[@]}" "$@")
    row "full pack, $n declarations, human report" "${A} s CPU, ${WA} s wall, ${RA} MiB" "parse only ${B} s CPU" "${R}x" ""
    if [ -n "$BASE" ]; then
        read -r A B WA WB RA RB R < <(pair "base-$n" "$RUNS" -- "$BIN" check --format json "${JOBS_ARG[@]}" "$@" \
            -- "$BASE" check --format json "${JOBS_ARG[@]}" "$@")
        row "this build ÷ baseline, $n declarations, \`--format json\`" "${A} s CPU, ${WA} s wall, ${RA} MiB" "baseline ${B} s CPU, ${WB} s wall, ${RB} MiB" "${R}x" ""
    fi
done
if [ -n "$BASE" ]; then
    read -r BASE_ONE _ _ < <(small base-one "$BASE" check "${JOBS_ARG[@]}" "$ONE")
    row "this build ÷ baseline, 1 declaration (CPU)" "${ONE_CPU} ms" "baseline ${BASE_ONE} ms" "$(awk -v a="$ONE_CPU" -v b="$BASE_ONE" 'BEGIN { printf "%.2fx", a / b }')" ""
fi

# --- report ------------------------------------------------------------------------------------
echo
echo "roadmap-lint $("$BIN" --version | cut -d' ' -f2) at $COMMIT with $RULES rules; $CORES cores ($CPU), $MEM RAM; load average before the run: $LOAD"
echo "corpus: seed $SEED, $LINES lines in the first declaration; command: bench/run.sh (BENCH_SIZES=\"$SIZES\" BENCH_RUNS=$RUNS${BENCH_JOBS:+ BENCH_JOBS=$BENCH_JOBS}${REGORUS:+ BENCH_REGORUS=1}${BASE:+ BENCH_BASELINE=...})"
echo
echo "| measurement | this build | measured beside it | ratio (median of pairs, CPU) | goal |"
echo "| --- | --- | --- | --- | --- |"
printf '%s\n' "${ROWS[@]}"
echo
echo "CPU time is user + system; each ratio is the median of runs made in pairs, one after the"
echo "other. Raw figures: $RESULTS"
