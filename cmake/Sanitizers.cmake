# ASan + UBSan for the whole tree when HIPCOACH_SANITIZE is on.
if(HIPCOACH_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# libFuzzer (clang only): the whole tree gets the coverage instrumentation
# libFuzzer steers by, with ASan and UBSan; the fuzz targets in fuzz/ link
# libFuzzer's main.
if(HIPCOACH_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "HIPCOACH_FUZZ needs clang: configure with CXX=clang++-14")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
