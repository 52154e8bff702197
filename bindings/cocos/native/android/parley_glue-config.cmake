# Android: libparley.so per ABI (go build -buildmode=c-shared; Go has no
# c-archive for Android), in android/<ABI>/libparley.so. The Android Gradle
# plugin packages imported shared libraries a target links into the APK.
set(_PARLEY_DIR ${CMAKE_CURRENT_LIST_DIR})

add_library(parley SHARED IMPORTED GLOBAL)
set_target_properties(parley PROPERTIES
  IMPORTED_LOCATION ${_PARLEY_DIR}/${ANDROID_ABI}/libparley.so
)

include(${_PARLEY_DIR}/../src/CMakeLists.txt)
