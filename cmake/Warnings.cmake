# One INTERFACE target carries the project's warning flags.
add_library(hipcoach_warnings INTERFACE)
target_compile_options(hipcoach_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wnon-virtual-dtor -Wold-style-cast
  # g++ 12 warns falsely on std::string concatenation at -O2 (GCC bug 105329).
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>
  # clang's -Wconversion also warns on sign changes, which g++'s does not:
  # both compilers check the same set (the ASan tree is built with clang).
  $<$<CXX_COMPILER_ID:Clang>:-Wno-sign-conversion>)
if(HIPCOACH_WERROR)
  target_compile_options(hipcoach_warnings INTERFACE -Werror)
endif()
add_library(hipcoach::warnings ALIAS hipcoach_warnings)
