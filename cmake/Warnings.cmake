# One INTERFACE target carries the project's warning flags.
add_library(hipcoach_warnings INTERFACE)
target_compile_options(hipcoach_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wnon-virtual-dtor -Wold-style-cast
  # g++ 12 warns falsely on std::string concatenation at -O2 (GCC bug 105329).
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
if(HIPCOACH_WERROR)
  target_compile_options(hipcoach_warnings INTERFACE -Werror)
endif()
add_library(hipcoach::warnings ALIAS hipcoach_warnings)
