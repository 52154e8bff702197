# iOS: libparley.a (go build -buildmode=c-archive; Go has no c-shared on
# iOS), one per SDK: ios/lib/libparley-iphoneos.a and
# ios/lib/libparley-iphonesimulator.a. Xcode picks the one of the SDK being
# built through $(EFFECTIVE_PLATFORM_NAME).
set(_PARLEY_DIR ${CMAKE_CURRENT_LIST_DIR})

add_library(parley STATIC IMPORTED GLOBAL)
set_target_properties(parley PROPERTIES
  IMPORTED_LOCATION "${_PARLEY_DIR}/lib/libparley$(EFFECTIVE_PLATFORM_NAME).a"
  # What the Go runtime, crypto/x509, DNS and the audio/video devices need.
  INTERFACE_LINK_LIBRARIES "-framework CoreFoundation;-framework Security;-framework AudioToolbox;-framework AVFoundation;-framework CoreMedia;-framework CoreVideo;resolv"
)

include(${_PARLEY_DIR}/../src/CMakeLists.txt)
