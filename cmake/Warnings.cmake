# One INTERFACE target carries the project's warning flags.
add_library(hipcoach_warnings INTERFACE)
target_compile_options(hipcoach_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wnon-virtual-dtor -Wold-style-cast)
if(HIPCOACH_WERROR)
  target_compile_options(hipcoach_warnings INTERFACE -Werror)
endif()
add_library(hipcoach::warnings ALIAS hipcoach_warnings)
