# Compiles SOURCE (syntax only) and passes when the compiler refuses it with
# exactly one error line, and that line contains EXPECTED.
#   cmake -DCOMPILER=... -DINCLUDE=... -DSOURCE=... -DEXPECTED=... -P this
execute_process(
  COMMAND ${COMPILER} -std=c++20 -fsyntax-only -I${INCLUDE} ${SOURCE}
  RESULT_VARIABLE result ERROR_VARIABLE output OUTPUT_VARIABLE ignored)
if(result EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled, but must not")
endif()
string(REGEX MATCHALL "[^\n]*error[^\n]*" errors "${output}")
list(LENGTH errors count)
if(NOT count EQUAL 1)
  message(FATAL_ERROR "expected one error line, got ${count}:\n${output}")
endif()
string(FIND "${errors}" "${EXPECTED}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the error does not say '${EXPECTED}':\n${output}")
endif()
message(STATUS "one error line: ${errors}")
