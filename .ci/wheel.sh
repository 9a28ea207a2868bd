#!/usr/bin/env bash
# CI: build the Python wheel with maturin, install it into a fresh virtual environment without a
# package index, and run the installed command. Proves that `pip install roadmap-lint` gives a
# working `roadmap-lint` without a Rust toolchain on the installing side.
#
# It reuses target/, so after a release build it costs only maturin's install and the relink.
# Nothing is left in the repository: the wheel and both environments live in a temporary folder,
# unless WHEEL_OUT names a folder to keep the wheel in.
set -euo pipefail
cd "$(dirname "$0")/.."

MATURIN_VERSION="${MATURIN_VERSION:-1.16.0}"
PYTHON="${PYTHON:-python3}"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 CARGO_TERM_COLOR=never

command -v "$PYTHON" >/dev/null || { echo "wheel.sh: $PYTHON is required" >&2; exit 1; }
command -v cargo >/dev/null || { echo "wheel.sh: cargo is required" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/roadmap-lint-wheel.XXXXXX")"
trap 'rm -rf "$work"' EXIT

fail() {
  echo "wheel.sh: FAILED: $*" >&2
  exit 1
}

# (a) maturin in a throwaway environment of its own.
echo "== maturin $MATURIN_VERSION into a throwaway environment"
"$PYTHON" -m venv "$work/build-env"
"$work/build-env/bin/pip" install --quiet "maturin==$MATURIN_VERSION"

# (b) the wheel, built with the release profile (or WHEEL_PROFILE) into the temporary folder.
echo "== maturin build --profile ${WHEEL_PROFILE:-release}"
build_start=$(date +%s%N)
# WHEEL_PROFILE=dev builds it from the test build's artifacts (CI, where the wheel's packaging is
# what is tested, not the optimised binary that the release workflow builds).
"$work/build-env/bin/maturin" build --profile "${WHEEL_PROFILE:-release}" --out "$work/dist"
build_ms=$(( ($(date +%s%N) - build_start) / 1000000 ))

shopt -s nullglob
wheels=("$work"/dist/roadmap_lint-*.whl)
shopt -u nullglob
[ "${#wheels[@]}" -eq 1 ] || fail "expected one wheel in $work/dist, found ${#wheels[@]}"
wheel="${wheels[0]}"
wheel_bytes=$(wc -c <"$wheel")

# (c) a fresh environment, the wheel installed from the file alone, timed.
echo "== pip install --no-index $(basename "$wheel")"
"$PYTHON" -m venv "$work/install-env"
install_start=$(date +%s%N)
"$work/install-env/bin/pip" install --quiet --no-index "$wheel"
install_ms=$(( ($(date +%s%N) - install_start) / 1000000 ))

# (d) the installed command works.
bin="$work/install-env/bin/roadmap-lint"
[ -x "$bin" ] || fail "the wheel did not install a roadmap-lint command at $bin"

expected_version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
set +e
version_out=$("$bin" --version)
version_rc=$?
set -e
[ "$version_rc" -eq 0 ] || fail "roadmap-lint --version exited $version_rc"
echo "$version_out"
[ "$version_out" = "roadmap-lint $expected_version" ] ||
  fail "roadmap-lint --version printed '$version_out', expected 'roadmap-lint $expected_version'"

set +e
"$bin" check fixtures/examples/dwp-compliant.yaml
check_rc=$?
set -e
[ "$check_rc" -eq 0 ] || fail "roadmap-lint check fixtures/examples/dwp-compliant.yaml exited $check_rc"

printf 'wheel: %s (%d bytes)\n' "$(basename "$wheel")" "$wheel_bytes"
printf 'wheel build: %d.%03d s\n' $((build_ms / 1000)) $((build_ms % 1000))
printf 'wheel install (pip --no-index, fresh venv): %d.%03d s\n' $((install_ms / 1000)) $((install_ms % 1000))
# WHEEL_OUT=DIR keeps the tested wheel there (README's install route from a clone).
if [ -n "${WHEEL_OUT:-}" ]; then
  mkdir -p "$WHEEL_OUT"
  cp "$wheel" "$WHEEL_OUT/"
  echo "kept: $WHEEL_OUT/$(basename "$wheel")"
fi
echo "wheel.sh: ok"
