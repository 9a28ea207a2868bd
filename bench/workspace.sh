#!/usr/bin/env bash
# Benchmark a workspace of generated declarations (a folder with its own .roadmap-lint.yaml, so
# the cache lives in it) with the release build: `check . --format json` without the cache, the
# first run with it (writing), a warm re-run (nothing changed) and a re-run after one file
# changed. Prints a Markdown table (median of BENCH_RUNS runs: wall time, CPU time, peak
# resident memory) that docs/benchmarks.md records. With BENCH_BASELINE naming another binary,
# its run without the cache is timed side by side with this build's.
#
#   bench/workspace.sh                          # 10,000 declarations
#   BENCH_COUNT=1000 bench/workspace.sh         # quicker
#
# Environment: BENCH_DIR (default target/bench), BENCH_COUNT (10000), BENCH_RUNS (3),
# BENCH_SEED (42), BENCH_BASELINE (a binary).
set -euo pipefail

cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-$(pwd)/target}
BENCH_DIR=${BENCH_DIR:-$TARGET/bench}
COUNT=${BENCH_COUNT:-10000}
RUNS=${BENCH_RUNS:-3}
SEED=${BENCH_SEED:-42}
BASE=${BENCH_BASELINE:-}

[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is needed" >&2; exit 1; }
cargo build --release --quiet --bin roadmap-lint --example gen_corpus
BIN=$TARGET/release/roadmap-lint
WS=$BENCH_DIR/workspace-$COUNT-seed$SEED
if [ ! -f "$WS/.roadmap-lint.yaml" ]; then
    rm -rf "$WS"
    "$TARGET/release/examples/gen_corpus" --count "$COUNT" --seed "$SEED" --out "$WS" >&2
    printf '# The benchmark workspace: its root, and the cache'"'"'s home.\nfail_on: error\n' \
        >"$WS/.roadmap-lint.yaml"
fi
ONE=$(find "$WS" -name '*.yaml' ! -name '.roadmap-lint.yaml' | sort | sed -n 1p)

# One timed run: prints "wall cpu peak_kib".
timed() {
    local tmp
    tmp=$(mktemp)
    /usr/bin/time -o "$tmp" -f '%e %U %S %M' "$@" >/dev/null 2>&1 || true
    awk 'END { printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$tmp"
    rm -f "$tmp"
}

# The median of RUNS runs of a measurement; $1 names it, $2 is a setup command run before each.
measure() {
    local name=$1 setup=$2
    shift 2
    local rows=()
    for ((r = 0; r < RUNS; r++)); do
        eval "$setup"
        rows+=("$(cd "$WS" && timed "$@")")
    done
    printf '%s\n' "${rows[@]}" | sort -n | awk -v name="$name" -v n="$RUNS" '
        NR == int((n + 1) / 2) { printf "| %s | %.2f s | %.2f s | %.0f MiB |\n", name, $1, $2, $3 / 1024 }'
}

change_one() { printf '# touched %s\n' "$RANDOM$RANDOM" >>"$ONE"; }

echo "| $COUNT declarations, \`check . --format json\` | wall | CPU | peak memory |"
echo "| --- | --- | --- | --- |"
if [ -n "$BASE" ]; then
    measure "baseline binary, no cache" ":" "$BASE" check . --format json
fi
measure "no cache (\`--no-cache\`)" ":" "$BIN" check . --format json --no-cache
measure "first run, writing the cache" "rm -rf '$WS/.roadmap-lint-cache'" "$BIN" check . --format json
measure "warm re-run, nothing changed" ":" "$BIN" check . --format json
measure "one file changed" "change_one; sleep 2" "$BIN" check . --format json
