#!/usr/bin/env bash
# CI: tests of the action's installer (.github/action/install.sh) against a fake release in a
# local folder: which tag it picks, a good download, a tampered checksum, a missing release.
# Needs no network and no build: the "binary" in the fake release is a shell script.
set -euo pipefail
cd "$(dirname "$0")/.."
script="$PWD/.github/action/install.sh"

work="$(mktemp -d "${TMPDIR:-/tmp}/roadmap-lint-action.XXXXXX")"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

ok() {
  passed=$((passed + 1))
  echo "ok: $*"
}
not_ok() {
  failed=$((failed + 1))
  echo "NOT OK: $*"
}

# Runs the installer with a fresh runner environment; prints its outputs.
run() {
  local out="$work/out" path="$work/path"
  : >"$out"
  : >"$path"
  mkdir -p "$work/tmp"
  env RUNNER_OS=Linux RUNNER_ARCH=X64 RUNNER_TEMP="$work/tmp" GITHUB_OUTPUT="$out" \
    GITHUB_PATH="$path" ROADMAP_LINT_DOWNLOAD_BASE="file://$work/releases" "$@" \
    >"$work/log" 2>&1
}
get() { sed -n "s/^$1=//p" "$work/out" | tail -n 1; }

expect() {
  local name=$1 want=$2 what=$3
  local got
  got=$(get "$name")
  if [ "$got" = "$want" ]; then ok "$what: $name=$want"; else
    not_ok "$what: $name is '$got', expected '$want'"
    cat "$work/log"
  fi
}

version=$(sed -n '/^\[package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)

# -- plan --
run VERSION= ACTION_REF="v9.8.7" ACTION_PATH="$PWD" bash "$script" plan
expect tag v9.8.7 "plan at a release tag"
expect source path "plan at a release tag"
expect target x86_64-unknown-linux-gnu "plan at a release tag"
expect cache-key roadmap-lint-Linux-X64-v9.8.7 "plan at a release tag"

run VERSION= ACTION_REF="v1" ACTION_PATH="$PWD" bash "$script" plan
expect tag "v$version" "plan at a major tag (version from Cargo.toml)"

run VERSION="2.0.0" ACTION_REF="main" ACTION_PATH="$PWD" bash "$script" plan
expect tag v2.0.0 "plan with the version input"
expect source git "plan with the version input"

run VERSION= ACTION_REF="main" ACTION_PATH="$PWD" bash "$script" plan
expect tag "" "plan at a branch"
expect source path "plan at a branch"
key=$(get cache-key)
case "$key" in
  roadmap-lint-Linux-X64-src-[0-9a-f]*) ok "plan at a branch: cache key from the sources ($key)" ;;
  *) not_ok "plan at a branch: cache key '$key'" ;;
esac

run VERSION= ACTION_REF= ACTION_PATH="$PWD" RUNNER_OS=Linux RUNNER_ARCH=ARM bash "$script" plan
expect target "" "plan on a runner with no prebuilt binary"

# -- download --
make_release() { # tag target
  local dir="$work/releases/$1" stage="$work/stage"
  mkdir -p "$dir" "$stage"
  printf '#!/bin/sh\necho "roadmap-lint %s"\n' "${1#v}" >"$stage/roadmap-lint"
  chmod +x "$stage/roadmap-lint"
  tar -C "$stage" -czf "$dir/roadmap-lint-$2.tar.gz" roadmap-lint
  (cd "$dir" && sha256sum "roadmap-lint-$2.tar.gz" >"roadmap-lint-$2.tar.gz.sha256")
}
make_release v1.0.0 x86_64-unknown-linux-gnu

run TAG=v1.0.0 TARGET=x86_64-unknown-linux-gnu REPO=x/y bash "$script" download
expect installed true "download of a good release"
bin_dir=$(cat "$work/path")
if [ -x "$bin_dir/roadmap-lint" ] && [ "$("$bin_dir/roadmap-lint")" = "roadmap-lint 1.0.0" ]; then
  ok "download of a good release: the binary is on GITHUB_PATH and runs"
else
  not_ok "download of a good release: GITHUB_PATH is '$bin_dir'"
fi

run TAG=v3.0.0 TARGET=x86_64-unknown-linux-gnu REPO=x/y bash "$script" download
expect installed false "download of a missing release (falls back to cargo)"
if grep -q '^::notice' "$work/log"; then ok "missing release: a notice"; else not_ok "missing release: no notice"; fi

make_release v1.0.1 x86_64-unknown-linux-gnu
echo "tampered" >>"$work/releases/v1.0.1/roadmap-lint-x86_64-unknown-linux-gnu.tar.gz"
if run TAG=v1.0.1 TARGET=x86_64-unknown-linux-gnu REPO=x/y bash "$script" download; then
  not_ok "tampered archive: the installer succeeded"
else
  if grep -q '^::error.*checksum mismatch' "$work/log"; then
    ok "tampered archive: refused with an error"
  else
    not_ok "tampered archive: no checksum error"
  fi
fi
if [ -s "$work/path" ]; then not_ok "tampered archive: something was put on PATH"; else ok "tampered archive: PATH untouched"; fi

make_release v1.0.2 x86_64-unknown-linux-gnu
sed -i 's/  .*/  roadmap-lint-other.tar.gz/' "$work/releases/v1.0.2/roadmap-lint-x86_64-unknown-linux-gnu.tar.gz.sha256"
if run TAG=v1.0.2 TARGET=x86_64-unknown-linux-gnu REPO=x/y bash "$script" download; then
  not_ok "checksum file for another archive: the installer succeeded"
else
  ok "checksum file for another archive: refused"
fi

run TAG= TARGET=x86_64-unknown-linux-gnu REPO=x/y bash "$script" download
expect installed false "download with no tag"

# -- the release workflow builds an archive for every target the installer asks for --
release_targets=$(sed -n 's/^ *- target: \([a-z0-9_-]*\)$/\1/p' .github/workflows/release.yml | sort)
installer_targets=$(sed -n 's/^ *[A-Za-z]*\/[A-Z0-9]*) echo \([a-z0-9_-]*\) ;;$/\1/p' "$script" | sort)
if [ -n "$release_targets" ] && [ "$release_targets" = "$installer_targets" ]; then
  ok "release.yml and the installer name the same targets ($(echo "$release_targets" | tr '\n' ' '))"
else
  not_ok "release.yml builds [$release_targets], the installer asks for [$installer_targets]"
fi

echo "action-installer: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
