#!/usr/bin/env bash
# What `make test-cocos` runs:
#   1. npm ci (TypeScript 5.x, @cocos/creator-types, koffi, @types/node; package-lock.json)
#   2. tsc: the binding's core strict without `cc`; the whole binding strict against
#      Cocos Creator's declarations; the ported quick start with a Cocos project's
#      default settings; the tests strict
#   3. the Node tests (node --test) against LIB through koffi
#   4. the native plugin installed into a scratch project (tools/install.sh), its glue
#      built through the plugin's Linux CMake config against stub se:: headers, and
#      run against LIB (tests/native/glue_check.cpp), under ASan and UBSan
#
#   tools/test.sh LIB WORK_DIR
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib="$(realpath "${1:?usage: test.sh LIB WORK_DIR}")"
work="$(mkdir -p "${2:?usage: test.sh LIB WORK_DIR}" && cd "$2" && pwd)"
cd "$here"

for tool in node npm cmake c++; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test-cocos: $tool not found (scripts/deps.sh)" >&2; exit 1; }
done

step() { printf '\n== test-cocos: %s\n' "$*"; }

step "npm ci"
npm ci --no-audit --no-fund --loglevel=error

step "type checks"
tsc=node_modules/.bin/tsc
"$tsc" -p tsconfig.json                  # the core, strict, no engine
"$tsc" -p tsconfig.cocos.json            # the binding, strict, against the real `cc` declarations
"$tsc" -p tests/quickstart/tsconfig.json # the seed's quick start ported by prefix, Cocos project defaults
"$tsc" -p tests/tsconfig.strict.json     # the tests, strict
rm -rf build-test
"$tsc" -p tests/tsconfig.json            # the build that runs under Node

step "Node tests against $lib"
PARLEY_LIBRARY="$lib" node build-test/tests/support/run.js

step "native glue through the plugin's CMake config"
project="$work/project"
rm -rf "$project" "$work/glue"
mkdir -p "$project"
tools/install.sh "$project" --lib "linux=$lib" >/dev/null
cmake -S tests/native -B "$work/glue" -DPARLEY_PLUGIN_DIR="$project/native/plugins/parley" \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined" >/dev/null
cmake --build "$work/glue" -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
# LeakSanitizer does not see the Go heap, and the Go runtime keeps its C memory to the end.
ASAN_OPTIONS=detect_leaks=0:allow_user_segv_handler=1:handle_segv=1 "$work/glue/glue_check"
