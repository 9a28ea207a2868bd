#!/usr/bin/env bash
# Installs roadmap-lint for action.yml. Two subcommands, each writing step outputs:
#
#   install.sh plan      which release tag to fetch, the runner's Rust target, what to build
#                        from if there is no binary, and the cache key for that build
#   install.sh download  fetch the release archive for this runner, check it against the
#                        release's .sha256 file, unpack it and put it on PATH
#
# A missing release or archive (or a binary that does not start here) is not an error: the
# action then builds with `cargo install`. A checksum that does not match is an error.
#
# Environment: RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_OUTPUT and GITHUB_PATH from the
# runner; VERSION (the `version` input), ACTION_REF, ACTION_REPOSITORY and ACTION_PATH from
# action.yml; TAG, TARGET and REPO (plan's outputs) for download. ROADMAP_LINT_DOWNLOAD_BASE
# replaces https://github.com/<repo>/releases/download (the tests use a file:// folder).
set -euo pipefail

DEFAULT_REPO=roadmap-lint/roadmap-lint

# Workflow command values: %, CR and LF must be escaped or they end the command early.
escape() {
  local s=$1
  s=${s//'%'/'%25'}
  s=${s//$'\r'/'%0D'}
  s=${s//$'\n'/'%0A'}
  printf '%s' "$s"
}
notice() { echo "::notice title=roadmap-lint::$(escape "$*")"; }
error() { echo "::error title=roadmap-lint::$(escape "$*")"; }

output() { echo "$1=$2" >>"${GITHUB_OUTPUT:-/dev/stdout}"; }

# The SHA-256 of a file, or of standard input without an argument.
sha256() {
  if command -v sha256sum >/dev/null; then
    sha256sum "${1:--}" | cut -d' ' -f1
  elif command -v shasum >/dev/null; then
    shasum -a 256 "${1:--}" | cut -d' ' -f1
  elif [ $# -gt 0 ]; then
    openssl dgst -sha256 -r "$1" | cut -d' ' -f1
  else
    openssl dgst -sha256 -r | cut -d' ' -f1
  fi
}

# A path the runner understands when written to GITHUB_PATH (Windows form under Git Bash).
native_path() {
  if command -v cygpath >/dev/null; then cygpath -w "$1"; else printf '%s\n' "$1"; fi
}

# The Rust target of the release archive that runs here; empty when none is built for it.
rust_target() {
  local os=${RUNNER_OS:-} arch=${RUNNER_ARCH:-}
  if [ -z "$os" ]; then
    case "$(uname -s)" in
      Linux) os=Linux ;; Darwin) os=macOS ;; MINGW* | MSYS* | CYGWIN*) os=Windows ;;
    esac
  fi
  if [ -z "$arch" ]; then
    case "$(uname -m)" in
      x86_64 | amd64) arch=X64 ;; aarch64 | arm64) arch=ARM64 ;;
    esac
  fi
  case "$os/$arch" in
    Linux/X64) echo x86_64-unknown-linux-gnu ;;
    Linux/ARM64) echo aarch64-unknown-linux-gnu ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) echo "" ;;
  esac
}

# The version in a Cargo.toml's [package] table.
cargo_version() {
  sed -n '/^\[package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' "$1" | head -n 1
}

# A hash of the sources `cargo install --path` builds, for a cache key when there is no tag.
source_hash() {
  (
    cd "$1"
    { find Cargo.toml Cargo.lock build.rs src rules schemas -type f 2>/dev/null || true; } |
      LC_ALL=C sort |
      while IFS= read -r f; do printf '%s  %s\n' "$(sha256 "$f")" "$f"; done
  ) | sha256
}

plan() {
  local version=${VERSION:-} ref=${ACTION_REF:-} path=${ACTION_PATH:-}
  local repo=${ACTION_REPOSITORY:-}
  local tag="" source="" key=""
  [ -n "$repo" ] || repo=$DEFAULT_REPO

  local semver='^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$'
  if [ -n "$version" ]; then
    # The `version` input: a release tag; a bare 1.2.3 means v1.2.3.
    case "$version" in [0-9]*) version="v$version" ;; esac
    tag=$version
    source=git
  elif [[ "$ref" =~ $semver ]]; then
    # The action used at a release tag (uses: roadmap-lint/roadmap-lint@v1.2.3).
    tag=$ref
    source=path
  elif [[ "$ref" =~ ^v[0-9]+(\.[0-9]+)?$ ]] && [ -n "$path" ] && [ -f "$path/Cargo.toml" ]; then
    # A moving major or minor tag (@v1): its checkout is a release, so take its version.
    tag="v$(cargo_version "$path/Cargo.toml")"
    [ "$tag" != v ] || tag=""
    source=path
  else
    # A branch, a commit or a local checkout (uses: ./): build what was checked out.
    source=path
  fi

  local target
  target=$(rust_target)
  if [ -n "$tag" ]; then
    key=$tag
  elif [ -n "$path" ] && [ -d "$path" ]; then
    key="src-$(source_hash "$path")"
  else
    key="ref-$ref"
  fi

  echo "release tag: ${tag:-(none)}; runner target: ${target:-(no prebuilt binary)}; fallback build from: $source"
  output tag "$tag"
  output target "$target"
  output repo "$repo"
  output source "$source"
  output cache-key "roadmap-lint-${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}-$key"
}

download() {
  local tag=${TAG:-} target=${TARGET:-} repo=${REPO:-$DEFAULT_REPO}
  if [ -z "$tag" ] || [ -z "$target" ]; then
    if [ -n "$tag" ]; then
      notice "no prebuilt roadmap-lint for ${RUNNER_OS:-this system} on ${RUNNER_ARCH:-this CPU}; building $tag with cargo instead"
    fi
    output installed false
    return 0
  fi

  local ext=tar.gz exe=roadmap-lint
  case "$target" in *windows*) ext=zip exe=roadmap-lint.exe ;; esac
  local archive="roadmap-lint-$target.$ext"
  local base=${ROADMAP_LINT_DOWNLOAD_BASE:-https://github.com/$repo/releases/download}
  local proto='=https'
  case "$base" in file://*) proto='=file' ;; esac

  local work
  work=$(mktemp -d "${RUNNER_TEMP:-/tmp}/roadmap-lint.XXXXXX")
  local url="$base/$tag/$archive"
  echo "downloading $url"
  if ! curl --proto "$proto" --tlsv1.2 -fsSL --retry 3 --retry-delay 2 --connect-timeout 20 \
    -o "$work/$archive" "$url" ||
    ! curl --proto "$proto" --tlsv1.2 -fsSL --retry 3 --retry-delay 2 --connect-timeout 20 \
      -o "$work/$archive.sha256" "$url.sha256"; then
    notice "no prebuilt roadmap-lint $tag for $target ($url); building it with cargo instead"
    output installed false
    return 0
  fi

  local expected name actual
  read -r expected name <"$work/$archive.sha256" || true
  name=${name#\*}
  expected=$(printf '%s' "$expected" | tr 'A-F' 'a-f')
  if ! [[ "$expected" =~ ^[0-9a-f]{64}$ ]] || { [ -n "$name" ] && [ "$name" != "$archive" ]; }; then
    error "$archive.sha256 of release $tag is not a SHA-256 line for $archive"
    exit 1
  fi
  actual=$(sha256 "$work/$archive")
  if [ "$actual" != "$expected" ]; then
    error "checksum mismatch for $archive of release $tag: expected $expected, got $actual; refusing to install it"
    exit 1
  fi
  echo "sha256 $actual matches $archive.sha256"

  local dest="$work/bin"
  mkdir -p "$dest"
  if [ "$ext" = zip ]; then
    if command -v unzip >/dev/null; then
      unzip -q -o "$work/$archive" -d "$dest"
    else
      powershell -NoProfile -NonInteractive -Command \
        "Expand-Archive -LiteralPath '$(native_path "$work/$archive")' -DestinationPath '$(native_path "$dest")' -Force"
    fi
  else
    tar -xzf "$work/$archive" -C "$dest"
  fi
  if [ ! -f "$dest/$exe" ]; then
    error "$archive of release $tag holds no $exe"
    exit 1
  fi
  chmod +x "$dest/$exe"
  if ! "$dest/$exe" --version; then
    notice "the prebuilt roadmap-lint $tag does not run on this runner; building it with cargo instead"
    output installed false
    return 0
  fi
  native_path "$dest" >>"${GITHUB_PATH:-/dev/null}"
  output installed true
  output bin "$dest/$exe"
}

case "${1:-}" in
  plan) plan ;;
  download) download ;;
  *)
    echo "usage: $0 plan|download" >&2
    exit 2
    ;;
esac
