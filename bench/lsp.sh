#!/usr/bin/env bash
# Benchmark the language server (release build, full built-in pack): the time from a
# `didChange` of a 250-line declaration to its `publishDiagnostics` over 50 changes (median and
# p90), alone in its folder and among 50 declarations, and the resident memory of a server with
# 50 declarations open. Prints a Markdown table (docs/benchmarks.md records it).
#
#   bench/lsp.sh
#
# Environment: BENCH_DIR (default target/bench), LSP_CHANGES (50), LSP_OPEN (50),
# BENCH_SEED (42).
set -euo pipefail

cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-$(pwd)/target}
BENCH_DIR=${BENCH_DIR:-$TARGET/bench}
CHANGES=${LSP_CHANGES:-50}
OPEN=${LSP_OPEN:-50}
SEED=${BENCH_SEED:-42}

cargo build --release --quiet --bin roadmap-lint --example gen_corpus --example lsp_bench
CORPUS=$BENCH_DIR/lsp-corpus-$OPEN
if [ ! -d "$CORPUS" ]; then
    "$TARGET/release/examples/gen_corpus" --count "$OPEN" --seed "$SEED" --out "$CORPUS" >&2
fi
"$TARGET/release/examples/lsp_bench" --bin "$TARGET/release/roadmap-lint" --corpus "$CORPUS" \
    --changes "$CHANGES" --open "$OPEN"
