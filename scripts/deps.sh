#!/usr/bin/env bash
# Installs what Parley's build and tests need on a Debian machine, and only
# what is missing, then downloads the Go modules. Safe to run again and again:
# when everything is there it changes nothing and takes a moment.
#
# Go itself is expected at /usr/local/go (or on PATH); Debian's golang
# packages are too old and are not used.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="/usr/local/go/bin:$PATH"

# The sanitizer runtime matches the clang version; Debian 12's clang is 14.
clang_rt="libclang-rt-14-dev"
if command -v clang >/dev/null 2>&1; then
  v="$(clang -dumpversion 2>/dev/null | cut -d. -f1)"
  [[ -n "$v" ]] && clang_rt="libclang-rt-$v-dev"
fi

packages=(
  build-essential pkg-config cmake # C toolchain for cgo, CMake for the library and the C tests
  libvpx-dev libopus-dev libyuv-dev # codecs and colour conversion, through cgo
  libopenh264-dev                  # H.264 encode and decode (never libx264-dev beside it: symbol clash)
  clang "$clang_rt"                # ASan and UBSan for the C tests (make test-asan, make test-chaos)
  valgrind                         # memcheck for the C tests
  pulseaudio pulseaudio-utils      # a private server with a null sink for the real audio device tests
  mono-devel libnunit-cil-dev nunit-console # the Unity package's C# and its NUnit tests (make test-unity)
  chromium                         # headless browser of the interop tests (make test-interop; playwright-core drives it)
  simple-whip-client               # a GStreamer WHIP client, whip-client (make test-whip)
  iproute2                         # ip and tc: network namespaces and veth pairs (make test-netns)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg -s "$p" >/dev/null 2>&1; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} > 0)); then
  if [[ "$(id -u)" == 0 ]]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "deps.sh: missing ${missing[*]}, and neither root nor sudo to install them" >&2
    exit 1
  fi
  echo "deps.sh: installing ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Node.js 20+ with npm, for the Cocos binding's tests (make test-cocos), the debug
# page's build and the browser interop tests (make web, make test-interop). Not from
# Debian's packages (bookworm's nodejs is 18): it is expected on the machine.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "deps.sh: node and npm not found: install Node.js 20 or later with npm (make test-cocos needs them)" >&2
  exit 1
fi
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
  echo "deps.sh: Node.js $(node --version) is too old: make test-cocos needs 20 or later" >&2
  exit 1
fi

if ! command -v go >/dev/null 2>&1; then
  echo "deps.sh: Go not found: install it at /usr/local/go (see go.mod for the version)" >&2
  exit 1
fi
(cd "$root" && go mod download)
