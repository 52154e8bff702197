#!/usr/bin/env bash
# Writes the Unity .meta file of a built plugin: Unity's PluginImporter
# settings that enable it for its own platform (and CPU) only, so the
# libparley of one platform never clashes with another's of the same name.
# The format is Unity's (2019.4+); the GUID is derived from the target, so a
# rebuilt plugin keeps its identity.
#
#   plugin-meta.sh TARGET PLUGIN_FILE
set -euo pipefail

target="$1"
file="$2"
guid="$(printf 'parley-unity-plugin:%s' "$target" | md5sum | cut -c1-32)"

# platform_entry NAME KEY ENABLED SETTINGS...  (settings as "Key: value" lines)
platform_entry() {
  local first="$1" second="$2" enabled="$3"
  shift 3
  printf '  - first:\n      %s: %s\n    second:\n      enabled: %s\n' "$first" "$second" "$enabled"
  if (($# == 0)); then
    printf '      settings: {}\n'
  else
    printf '      settings:\n'
    for s in "$@"; do printf '        %s\n' "$s"; done
  fi
}

excludes=(Android Editor Linux64 OSXUniversal Win Win64 iOS)
any_entry() {
  local keep=("$@") settings=() e k skip
  for e in "${excludes[@]}"; do
    skip=1
    for k in "${keep[@]}"; do [[ "$e" == "$k" ]] && skip=0; done
    settings+=("Exclude $e: $skip")
  done
  platform_entry "" "Any" 0 "${settings[@]}"
}

{
  cat <<YAML
fileFormatVersion: 2
guid: $guid
PluginImporter:
  externalObjects: {}
  serializedVersion: 2
  iconMap: {}
  executionOrder: {}
  defineConstraints: []
  isPreloaded: 0
  isOverridable: 0
  isExplicitlyReferenced: 0
  validateReferences: 1
  platformData:
YAML
  case "$target" in
    linux-x86_64)
      any_entry Editor Linux64
      platform_entry Editor Editor 1 "CPU: x86_64" "DefaultValueInitialized: true" "OS: Linux"
      platform_entry Standalone Linux64 1 "CPU: x86_64"
      ;;
    windows-x86_64)
      any_entry Editor Win64
      platform_entry Editor Editor 1 "CPU: x86_64" "DefaultValueInitialized: true" "OS: Windows"
      platform_entry Standalone Win64 1 "CPU: x86_64"
      ;;
    macos)
      any_entry Editor OSXUniversal
      platform_entry Editor Editor 1 "CPU: AnyCPU" "DefaultValueInitialized: true" "OS: OSX"
      platform_entry Standalone OSXUniversal 1 "CPU: AnyCPU"
      ;;
    android-arm64-v8a) any_entry Android; platform_entry Android Android 1 "CPU: ARM64" ;;
    android-armeabi-v7a) any_entry Android; platform_entry Android Android 1 "CPU: ARMv7" ;;
    android-x86_64) any_entry Android; platform_entry Android Android 1 "CPU: X86_64" ;;
    ios-arm64)
      any_entry iOS
      # Go's runtime and crypto/x509 need these system frameworks and libresolv.
      platform_entry iOS iOS 1 "AddToEmbeddedBinaries: false" "CPU: AnyCPU" "CompileFlags: " \
        "FrameworkDependencies: Security;CoreFoundation;"
      ;;
    *) echo "plugin-meta.sh: unknown target $target" >&2; exit 2 ;;
  esac
  cat <<YAML
  userData: 
  assetBundleName: 
  assetBundleVariant: 
YAML
} > "$file.meta"
