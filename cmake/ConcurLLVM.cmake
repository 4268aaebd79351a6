# Finds Debian's LLVM/Clang 19. find_package(Clang 19) rejects 19.1.7 as not
# "compatible", so the version is checked by hand.
set(CONCUR_LLVM_ROOT /usr/lib/llvm-19 CACHE PATH "Root of the LLVM 19 installation")
find_package(Clang CONFIG REQUIRED PATHS ${CONCUR_LLVM_ROOT}/lib/cmake/clang NO_DEFAULT_PATH)
if(NOT LLVM_VERSION_MAJOR EQUAL 19)
  message(FATAL_ERROR "concur needs LLVM/Clang 19, found ${LLVM_PACKAGE_VERSION} at ${CONCUR_LLVM_ROOT}")
endif()
message(STATUS "concur: LLVM ${LLVM_PACKAGE_VERSION} from ${LLVM_DIR}")

find_program(CONCUR_CLANG_TIDY clang-tidy-19 HINTS ${CONCUR_LLVM_ROOT}/bin REQUIRED)

# Code that links LLVM follows LLVM's own flags: no RTTI, LLVM's include dirs.
add_library(concur_llvm_flags INTERFACE)
target_include_directories(concur_llvm_flags SYSTEM INTERFACE ${LLVM_INCLUDE_DIRS} ${CLANG_INCLUDE_DIRS})
target_compile_definitions(concur_llvm_flags INTERFACE ${LLVM_DEFINITIONS})
# GCC 12 reports -Wnonnull inside LLVM's own headers (ExternalASTSource.h,
# LazyOffsetPtr) after inlining; the code is correct, so that warning is off
# for code that includes Clang's AST.
target_compile_options(concur_llvm_flags INTERFACE -fno-rtti
  $<$<CXX_COMPILER_ID:GNU>:-Wno-nonnull>)
