#!/usr/bin/env bash
# Builds the Unity package's C# under plain Mono and runs its NUnit suite
# against a built libparley.so (make test-unity calls this).
#
#   bindings/unity/Tools~/test-mono.sh LIBPARLEY OUTDIR [nunit-console args...]
#
# 1. Runtime/Core alone: proves the core needs no UnityEngine.
# 2. Runtime (core + Unity parts) and the sample, against the stand-ins of
#    Tests/StandIns~ (clearly not Unity: they mirror the few UnityEngine
#    types the package uses).
# 3. Tests/Runtime against NUnit 2.6, with a dllmap sending DllImport("parley")
#    to LIBPARLEY; then nunit-console runs it.
set -euo pipefail

pkg="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$pkg/../.." && pwd)"
lib="$(readlink -f "${1:?usage: test-mono.sh LIBPARLEY OUTDIR}")"
out="${2:?usage: test-mono.sh LIBPARLEY OUTDIR}"
shift 2
mkdir -p "$out"
out="$(cd "$out" && pwd)"

mcs_flags=(-nologo -debug -warnaserror -warn:4 -langversion:7.2)
nunit="$(pkg-config --libs nunit 2>/dev/null || true)"
[[ -n "$nunit" ]] || nunit="-r:/usr/lib/cli/nunit.framework-2.6.3/nunit.framework.dll"

mcs "${mcs_flags[@]}" -target:library -out:"$out/Parley.Core.dll" $(find "$pkg/Runtime/Core" -name '*.cs' | sort)
mcs "${mcs_flags[@]}" -target:library -out:"$out/UnityEngine.StandIns.dll" "$pkg/Tests/StandIns~/UnityEngine.cs"
mcs "${mcs_flags[@]}" -target:library -out:"$out/Parley.Runtime.dll" -r:"$out/UnityEngine.StandIns.dll" \
  $(find "$pkg/Runtime" -name '*.cs' | sort)
mcs "${mcs_flags[@]}" -target:library -out:"$out/Parley.Sample.dll" -r:"$out/UnityEngine.StandIns.dll" -r:"$out/Parley.Runtime.dll" \
  $(find "$pkg/Samples~" -name '*.cs' | sort)
mcs "${mcs_flags[@]}" -target:library -out:"$out/Parley.Tests.dll" -define:PARLEY_MONO_TESTS \
  -r:"$out/UnityEngine.StandIns.dll" -r:"$out/Parley.Runtime.dll" -r:"$out/Parley.Sample.dll" $nunit \
  $(find "$pkg/Tests/Runtime" -name '*.cs' | sort)

# Mono maps the DllImport name "parley" to the built library.
cat > "$out/Parley.Runtime.dll.config" <<XML
<configuration>
  <dllmap dll="parley" target="$lib" />
</configuration>
XML

# The C layout of every struct the binding passes, for the layout test.
cc -std=c99 -I"$root/include" -o "$out/struct-layout" "$pkg/Tools~/struct-layout.c"
"$out/struct-layout" > "$out/struct-layout.txt"

cd "$out"
export PARLEY_HEADER="$root/include/parley.h"
export PARLEY_STRUCT_LAYOUT="$out/struct-layout.txt"
export PARLEY_SERVER_URL= # hermetic: engines get their server from the test
export LD_LIBRARY_PATH="$(dirname "$lib")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
set +e
nunit-console -nologo -noshadow -labels -xml="$out/TestResult.xml" "$out/Parley.Tests.dll" "$@"
rc=$?
set -e
# One plain closing line: N passed, N failed.
if [[ -f "$out/TestResult.xml" ]]; then
  total=$(grep -o 'total="[0-9]*"' "$out/TestResult.xml" | head -1 | grep -o '[0-9]*')
  failed=$(( $(grep -o 'failures="[0-9]*"' "$out/TestResult.xml" | head -1 | grep -o '[0-9]*') + \
             $(grep -o ' errors="[0-9]*"' "$out/TestResult.xml" | head -1 | grep -o '[0-9]*') ))
  notrun=$(grep -o 'not-run="[0-9]*"' "$out/TestResult.xml" | head -1 | grep -o '[0-9]*')
  echo "unity: $(( total - failed )) passed, $failed failed, ${notrun:-0} skipped"
fi
exit $rc
