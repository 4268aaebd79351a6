# Warning flags as a non-exported INTERFACE target, so that consumers of the
# installed runtime never inherit them. They apply to C (examples/c) as well.
add_library(concur_warnings INTERFACE)
target_compile_options(concur_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow=local $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor> -Wimplicit-fallthrough
  $<$<BOOL:${CONCUR_WERROR}>:-Werror>)

# Sanitizers apply to the runtime and everything that links it in this build.
add_library(concur_sanitizer INTERFACE)
if(CONCUR_SANITIZER STREQUAL "address")
  target_compile_options(concur_sanitizer INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(concur_sanitizer INTERFACE -fsanitize=address,undefined)
elseif(CONCUR_SANITIZER STREQUAL "thread")
  target_compile_options(concur_sanitizer INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(concur_sanitizer INTERFACE -fsanitize=thread)
elseif(NOT CONCUR_SANITIZER STREQUAL "")
  message(FATAL_ERROR "CONCUR_SANITIZER must be address, thread or empty, not '${CONCUR_SANITIZER}'")
endif()
