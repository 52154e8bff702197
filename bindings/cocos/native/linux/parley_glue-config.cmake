# Linux: libparley.so (go build -buildmode=c-shared) in linux/lib/. Cocos
# Creator's plugin loader does not list Linux (it searches android, ios,
# mac and windows only); a Linux build of the engine includes this file
# itself: find_package(parley_glue PATHS <plugin>/linux NO_DEFAULT_PATH).
# The tests build the glue through this file.
set(_PARLEY_DIR ${CMAKE_CURRENT_LIST_DIR})

add_library(parley SHARED IMPORTED GLOBAL)
set_target_properties(parley PROPERTIES
  IMPORTED_LOCATION ${_PARLEY_DIR}/lib/libparley.so
)

include(${_PARLEY_DIR}/../src/CMakeLists.txt)
