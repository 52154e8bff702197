#!/usr/bin/env bash
# Compares the functions Parley exports with include/parley.sym, the list of
# the C ABI's symbols, and that list with the declarations in include/parley.h.
# Any exported parley_ symbol that is missing from the list, or listed but not
# exported, fails: nothing appears in or vanishes from the ABI unnoticed.
#
#   scripts/check-symbols.sh [--header-only] [LIB] [SYMFILE] [HEADER]
#
# --header-only checks parley.sym against parley.h without a built library.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
header_only=0
if [[ "${1:-}" == "--header-only" ]]; then
  header_only=1
  shift
fi
lib="${1:-$root/build/libparley.so}"
sym="${2:-$root/include/parley.sym}"
header="${3:-$root/include/parley.h}"

export LC_ALL=C
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
status=0

# The list itself: one symbol a line, sorted, no duplicates, nothing else.
grep -v '^[[:space:]]*$' "$sym" > "$tmp/listed"
if ! sort -u -c "$tmp/listed" 2>/dev/null; then
  echo "check-symbols: $sym is not sorted or has duplicates" >&2
  status=1
fi
if grep -vqE '^parley_[a-z0-9_]+$' "$tmp/listed"; then
  echo "check-symbols: $sym has lines that are not parley_ symbols:" >&2
  grep -vE '^parley_[a-z0-9_]+$' "$tmp/listed" >&2
  status=1
fi
sort -u "$tmp/listed" -o "$tmp/listed"

# The header: every function declared with PARLEY_API.
grep -oE 'PARLEY_CALL \*?parley_[a-z0-9_]+\(' "$header" |
  sed -E 's/^PARLEY_CALL \*?//; s/\($//' | sort -u > "$tmp/declared"
if ! diff -u --label "$sym" --label "$header (declared)" "$tmp/listed" "$tmp/declared" > "$tmp/d1"; then
  echo "check-symbols: $sym and the functions declared in $header differ:" >&2
  cat "$tmp/d1" >&2
  status=1
fi

if [[ $header_only == 0 ]]; then
  if [[ ! -f "$lib" ]]; then
    echo "check-symbols: $lib not found (build it first)" >&2
    exit 1
  fi
  # Every defined dynamic symbol with the prefix counts, whatever its type:
  # a data symbol or a C helper named parley_* leaking from a cgo preamble
  # is an unplanned export too.
  nm -D --defined-only "$lib" | awk '$3 ~ /^parley_/ { print $3 }' | sort -u > "$tmp/exported"
  nm -D --defined-only "$lib" | awk '$3 ~ /^parley_/ && $2 != "T" { print "check-symbols: " $3 " is exported with type " $2 ", not as a function (T)" }' > "$tmp/types"
  if [[ -s "$tmp/types" ]]; then
    cat "$tmp/types" >&2
    status=1
  fi
  if ! diff -u --label "$sym" --label "$lib (exported)" "$tmp/listed" "$tmp/exported" > "$tmp/d2"; then
    echo "check-symbols: $lib exports other parley_ symbols than $sym lists" >&2
    echo "  (+ exported but not listed, - listed but not exported):" >&2
    cat "$tmp/d2" >&2
    status=1
  fi
fi

if [[ $status == 0 ]]; then
  n="$(wc -l < "$tmp/listed")"
  if [[ $header_only == 1 ]]; then
    echo "check-symbols: $n symbols, parley.sym matches parley.h"
  else
    echo "check-symbols: $n symbols, parley.sym matches parley.h and $(basename "$lib")"
  fi
fi
exit $status
