# Warnings used for every lauter target (fastscapelib-style strict flags).
add_library(lauter_warnings INTERFACE)
target_compile_options(lauter_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Wold-style-cast
  -Wnon-virtual-dtor -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion)
if(LAUTER_WERROR)
  target_compile_options(lauter_warnings INTERFACE -Werror)
endif()
