#!/usr/bin/env bash
# Peak memory per input byte, for the shapes that cost most per byte: a release build checks
# each shape in a folder of its own (`check . --no-cache`, with the JSON and the human report),
# and the script prints a Markdown table (report, input bytes, peak resident memory, bytes of
# memory per input byte above a 64 MiB base, what the file got) that docs/benchmarks.md records ("Memory per input byte").
# Shapes near the per-file budget (docs/security.md, "Memory model") are the ones that matter:
# those over it are refused with input-too-complex before they cost anything.
#
#   bench/memory.sh
#
# Environment: BENCH_DIR (default target/bench-memory), BENCH_SIZE (bytes per shape, 7900000),
# BENCH_FILES (the many-small-files shape's count, 40000). Needs GNU time and python3.
set -euo pipefail

cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-$(pwd)/target}
DIR=${BENCH_DIR:-$TARGET/bench-memory}
SIZE=${BENCH_SIZE:-7900000}
FILES=${BENCH_FILES:-40000}
[ -x /usr/bin/time ] || { echo "GNU time (/usr/bin/time) is needed" >&2; exit 1; }
cargo build --release --quiet --bin roadmap-lint
BIN=$TARGET/release/roadmap-lint
rm -rf "$DIR"
mkdir -p "$DIR"

python3 - "$DIR" "$SIZE" "$FILES" fixtures/examples/dwp-compliant.yaml <<'PY'
import os, sys
out, size, files, base = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), open(sys.argv[4]).read()

def shape(name, opening, item, closing=""):
    os.makedirs(f"{out}/{name}")
    parts, n, i = [base, opening], len(base) + len(opening), 0
    while n < size:
        piece = item(i)
        parts.append(piece)
        n += len(piece)
        i += 1
    parts.append(closing)
    with open(f"{out}/{name}/{name}.yaml", "w") as f:
        f.write("".join(parts))

shape("one-key-mappings", "x_items:\n", lambda i: f"  - {{a: {i}}}\n")
shape("empty-mappings", "x_items:\n", lambda i: "  - {}\n")
shape("empty-lists", "x_items:\n", lambda i: "  - []\n")
shape("nulls", "x_items:\n", lambda i: "  - ~\n")
shape("short-strings", "x_items:\n", lambda i: "  - ab\n")
shape("tiny-keys", "x_keys:\n", lambda i: f"  k{i:x}: {i}\n")
shape("flow-digits", "x_list: [", lambda i: f"{i % 10},", "0]\n")
shape("flow-numbers", "x_list: [", lambda i: f"{i % 90 + 10},", "0]\n")
# Snapshots of one organisation: the current declaration reads the latest as its previous.
for year in range(2020, 2026):
    os.makedirs(f"{out}/snapshots/{year}-03", exist_ok=True)
    parts, n, i = [base.replace("as_of: 2025-03-31", f"as_of: {year}-03-31"), "x_items:\n"], 0, 0
    n = len(parts[0])
    while n < size:
        piece = f"  - note {i}\n"
        parts.append(piece)
        n += len(piece)
        i += 1
    with open(f"{out}/snapshots/{year}-03/dwp.yaml", "w") as f:
        f.write("".join(parts))
os.makedirs(f"{out}/many-small-files")
for i in range(files):
    with open(f"{out}/many-small-files/o{i}.yaml", "w") as f:
        f.write(f"schema_version: 1\nkind: department\nas_of: 2025-03-31\norganisation:\n"
                f"  id: X{i}\n  name: Body {i}\n  type: ministerial\n  health_body: false\n")
PY

echo "| shape | report | input bytes | peak resident memory | bytes per input byte above 64 MiB | outcome |"
echo "| --- | --- | ---: | ---: | ---: | --- |"
for shape in "$DIR"/*/; do
    name=$(basename "$shape")
    bytes=$(find "$shape" -name '*.yaml' -printf '%s\n' | awk '{s += $1} END {print s}')
    for format in json human; do
        kb=$( (cd "$shape" && /usr/bin/time -f '%M' "$BIN" check . --no-cache --format "$format" \
            >"$DIR/$name.$format" 2>"$DIR/$name.time") || true; tail -1 "$DIR/$name.time")
        refused=$(grep -c 'input-too-complex' "$DIR/$name.$format" || true)
        outcome=$([ "$refused" -gt 0 ] && echo "refused (input-too-complex)" || echo "checked")
        per=$(awk -v kb="$kb" -v b="$bytes" 'BEGIN {x = (kb * 1024 - 64 * 1048576) / b; printf "%.1f", (x < 0 ? 0 : x)}')
        echo "| $name | $format | $bytes | $((kb / 1024)) MiB | $per | $outcome |"
    done
done
