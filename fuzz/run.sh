#!/bin/sh
# Run each fuzz target for a bounded time (default 600 s each), one after another.
#
#   fuzz/run.sh            # every target, 600 s each
#   fuzz/run.sh 60 load    # one target, 60 s
#
# Only a stable toolchain is needed: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass the nightly-only
# flags it uses, and `-s none` builds without a sanitizer (stable rustc has no ASan runtime).
# Install the driver once with `cargo install cargo-fuzz`. Crashing inputs land in
# fuzz/artifacts/<target>/; copy each into fixtures/hostile/fuzz-regressions/ (tests/hostile.rs
# runs every file there) before fixing it.
set -eu
cd "$(dirname "$0")"
secs="${1:-600}"
shift 2>/dev/null || true
targets="${*:-load evaluate}"
export RUSTC_BOOTSTRAP=1
# A target dir of its own: the instrumented build must not disturb the main one.
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$(pwd)/target}"
for t in $targets; do
    mkdir -p "corpus/$t"
    echo "== $t: ${secs}s"
    cargo fuzz run "$t" -s none "corpus/$t" "seeds/$t" -- \
        -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len=262144 \
        -print_final_stats=1
done
