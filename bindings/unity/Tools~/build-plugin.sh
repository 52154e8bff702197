#!/usr/bin/env bash
# Builds libparley for one Unity target and puts it, with a .meta file that
# enables it for that platform only, under the package's Plugins/ folder.
#
#   bindings/unity/Tools~/build-plugin.sh TARGET
#
# TARGET                  output (under bindings/unity/Plugins/)          Go build mode
# linux-x86_64            Linux/x86_64/libparley.so                       c-shared
# windows-x86_64          Windows/x86_64/parley.dll                       c-shared (mingw-w64)
# macos                   macOS/libparley.dylib (arm64 + x86_64, lipo)    c-shared (on a Mac)
# android-arm64-v8a       Android/libs/arm64-v8a/libparley.so             c-shared (NDK clang)
# android-armeabi-v7a     Android/libs/armeabi-v7a/libparley.so           c-shared (NDK clang)
# android-x86_64          Android/libs/x86_64/libparley.so                c-shared (NDK clang)
# ios-arm64               iOS/libparley.a                                 c-archive (on a Mac; iOS has no c-shared)
#
# Only linux-x86_64 is built and tested on Parley's own machines; the others
# follow Go's documented cross-compiling rules and are untested here
# (docs/bindings.md, Unity). Cross targets need the C libraries Parley's cgo
# code links — libvpx, libopus, openh264, libyuv — built for that target and
# installed under PARLEY_DEPS_PREFIX (include/, lib/, lib/pkgconfig/); link
# them statically there so the plugin is one file.
#
# Environment: ANDROID_NDK_HOME (Android), ANDROID_API (default 24),
# PARLEY_DEPS_PREFIX (every cross target), GO (default go).
set -euo pipefail

pkg="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$pkg/../.." && pwd)"
target="${1:?usage: build-plugin.sh TARGET (see the top of this script)}"
GO="${GO:-go}"
api="${ANDROID_API:-24}"
export CGO_ENABLED=1

# Debian-style hosts keep openh264's headers in /usr/include/wels; cgo wants <openh264/...>.
cgo_include="$root/build/cgo-include"
mkdir -p "$cgo_include"
[[ -e "$cgo_include/openh264" ]] || ln -sfn /usr/include/wels "$cgo_include/openh264"

cross() {
  local prefix="${PARLEY_DEPS_PREFIX:?set PARLEY_DEPS_PREFIX to the libvpx/libopus/openh264/libyuv install for $target}"
  export PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" PKG_CONFIG_PATH=
  export CGO_CFLAGS="-O2 -I$prefix/include ${EXTRA_CFLAGS:-}"
  export CGO_CXXFLAGS="$CGO_CFLAGS"
  export CGO_LDFLAGS="-L$prefix/lib ${EXTRA_LDFLAGS:-}"
}

ndk_cc() {
  local ndk="${ANDROID_NDK_HOME:?set ANDROID_NDK_HOME to the Android NDK}"
  local host
  host="$(ls "$ndk/toolchains/llvm/prebuilt" | head -1)"
  echo "$ndk/toolchains/llvm/prebuilt/$host/bin/$1$api-clang"
}

mode=c-shared
case "$target" in
  linux-x86_64)
    out="Linux/x86_64/libparley.so"
    export GOOS=linux GOARCH=amd64
    export CGO_CFLAGS="-O2 -I$cgo_include" CGO_CXXFLAGS="-O2 -I$cgo_include"
    ;;
  windows-x86_64)
    out="Windows/x86_64/parley.dll"
    export GOOS=windows GOARCH=amd64 CC="${CC:-x86_64-w64-mingw32-gcc}" CXX="${CXX:-x86_64-w64-mingw32-g++}"
    cross
    ;;
  macos)
    out="macOS/libparley.dylib"
    export GOOS=darwin
    [[ -n "${PARLEY_DEPS_PREFIX:-}" ]] && cross # universal codec libraries
    ;;
  android-arm64-v8a)
    out="Android/libs/arm64-v8a/libparley.so"
    export GOOS=android GOARCH=arm64 CC="$(ndk_cc aarch64-linux-android)"
    cross
    ;;
  android-armeabi-v7a)
    out="Android/libs/armeabi-v7a/libparley.so"
    export GOOS=android GOARCH=arm GOARM=7 CC="$(ndk_cc armv7a-linux-androideabi)"
    cross
    ;;
  android-x86_64)
    out="Android/libs/x86_64/libparley.so"
    export GOOS=android GOARCH=amd64 CC="$(ndk_cc x86_64-linux-android)"
    cross
    ;;
  ios-arm64)
    out="iOS/libparley.a"
    mode=c-archive
    sdk="$(xcrun --sdk iphoneos --show-sdk-path)"
    export GOOS=ios GOARCH=arm64 CC="$(xcrun --sdk iphoneos --find clang)"
    EXTRA_CFLAGS="-isysroot $sdk -arch arm64 -miphoneos-version-min=12.0" EXTRA_LDFLAGS="-isysroot $sdk -arch arm64" cross
    ;;
  *)
    echo "build-plugin.sh: unknown target $target (see the top of this script)" >&2
    exit 2
    ;;
esac

dest="$pkg/Plugins/$out"
mkdir -p "$(dirname "$dest")"
build() { (cd "$root" && "$GO" build -buildmode="$mode" -tags dynamic -trimpath -ldflags "-s -w" -o "$1" ./capi); }
if [[ "$target" == macos ]]; then
  for arch in arm64 amd64; do
    GOARCH=$arch CGO_CFLAGS="${CGO_CFLAGS:-} -arch ${arch/amd64/x86_64}" CGO_LDFLAGS="${CGO_LDFLAGS:-} -arch ${arch/amd64/x86_64}" \
      build "$dest.$arch"
  done
  lipo -create -output "$dest" "$dest.arm64" "$dest.amd64"
  rm -f "$dest.arm64" "$dest.amd64" "$dest".*.h
else
  build "$dest"
fi
rm -f "${dest%.*}.h" # cgo's own header; include/parley.h is the public one
"$pkg/Tools~/plugin-meta.sh" "$target" "$dest"
echo "build-plugin.sh: $dest"
