# ASan + UBSan for the whole tree when HIPCOACH_SANITIZE is on.
if(HIPCOACH_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
