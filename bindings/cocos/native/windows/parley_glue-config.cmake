# Windows x64: parley.dll (go build -buildmode=c-shared, MinGW-w64 for cgo)
# and its import library parley.lib for MSVC, both in windows/lib/. The DLL
# is copied next to the game's executable after each build.
set(_PARLEY_DIR ${CMAKE_CURRENT_LIST_DIR})

add_library(parley SHARED IMPORTED GLOBAL)
set_target_properties(parley PROPERTIES
  IMPORTED_LOCATION ${_PARLEY_DIR}/lib/parley.dll
  IMPORTED_IMPLIB ${_PARLEY_DIR}/lib/parley.lib
)

include(${_PARLEY_DIR}/../src/CMakeLists.txt)

add_custom_command(TARGET parley_glue POST_BUILD
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/$<CONFIG>
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${_PARLEY_DIR}/lib/parley.dll ${CMAKE_BINARY_DIR}/$<CONFIG>/
  COMMENT "parley.dll next to the game"
)
