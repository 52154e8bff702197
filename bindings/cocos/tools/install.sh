#!/usr/bin/env bash
# Installs Parley into a Cocos Creator project:
#   assets/parley/               the TypeScript API (import from 'assets/parley/index')
#   native/plugins/parley/       the native plugin: cc_plugin.json, the glue, the
#                                CMake config per platform, include/parley.h and
#                                the libraries given with --lib
#
#   tools/install.sh PROJECT_DIR [--lib PLATFORM[/ABI]=FILE]...
#
# PLATFORM is android (with the ABI: android/arm64-v8a), ios, mac, windows or
# linux; FILE lands in native/plugins/parley/android/ABI/ or
# native/plugins/parley/PLATFORM/lib/. Run it again to update: both folders
# are replaced, libraries installed earlier are kept unless given again.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"

usage() {
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[[ $# -ge 1 ]] || usage
project="$1"
shift
[[ -d "$project" ]] || { echo "install.sh: $project is not a directory" >&2; exit 1; }

libs=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --lib) [[ $# -ge 2 ]] || usage; libs+=("$2"); shift 2 ;;
    *) usage ;;
  esac
done

plugin="$project/native/plugins/parley"
keep="$(mktemp -d)"
trap 'rm -rf "$keep"' EXIT
# Libraries installed earlier stay (they are built elsewhere, per platform).
for p in android ios mac windows linux; do
  [[ -d "$plugin/$p" ]] && cp -a "$plugin/$p" "$keep/"
done

rm -rf "$project/assets/parley" "$plugin"
mkdir -p "$project/assets" "$plugin/include"
cp -a "$here/assets/parley" "$project/assets/parley"
cp -a "$here/native/." "$plugin/"
cp "$root/include/parley.h" "$plugin/include/parley.h"
for p in android ios mac windows linux; do
  if [[ -d "$keep/$p" ]]; then
    (cd "$keep/$p" && find . -type f ! -name 'parley_glue-config.cmake' -exec cp --parents {} "$plugin/$p/" \;)
  fi
done

for spec in "${libs[@]}"; do
  target="${spec%%=*}"
  file="${spec#*=}"
  [[ -f "$file" ]] || { echo "install.sh: no such library: $file" >&2; exit 1; }
  case "$target" in
    android/*) dest="$plugin/android/${target#android/}" ;;
    ios|mac|windows|linux) dest="$plugin/$target/lib" ;;
    *) echo "install.sh: unknown platform in --lib $spec" >&2; exit 1 ;;
  esac
  mkdir -p "$dest"
  cp "$file" "$dest/"
  echo "install.sh: $file -> ${dest#"$project"/}/"
done
echo "install.sh: Parley installed in $project (assets/parley, native/plugins/parley)"
