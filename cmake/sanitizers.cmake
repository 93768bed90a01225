# -DLAUTER_SANITIZE=ON builds everything with ASan + UBSan (debug info, frame pointers kept).
add_library(lauter_sanitizers INTERFACE)
if(LAUTER_SANITIZE)
  target_compile_options(lauter_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g)
  target_link_options(lauter_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
