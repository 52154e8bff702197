# macOS: libparley.a (go build -buildmode=c-archive), a universal archive
# (lipo of darwin/arm64 and darwin/amd64) in mac/lib/libparley.a. Static, so
# nothing has to be embedded in the app bundle.
set(_PARLEY_DIR ${CMAKE_CURRENT_LIST_DIR})

add_library(parley STATIC IMPORTED GLOBAL)
set_target_properties(parley PROPERTIES
  IMPORTED_LOCATION ${_PARLEY_DIR}/lib/libparley.a
  INTERFACE_LINK_LIBRARIES "-framework CoreFoundation;-framework Security;-framework CoreAudio;-framework AudioToolbox;-framework AVFoundation;-framework CoreMedia;-framework CoreVideo;-framework IOKit;resolv"
)

include(${_PARLEY_DIR}/../src/CMakeLists.txt)
