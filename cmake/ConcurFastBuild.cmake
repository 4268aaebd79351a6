# Build speed for concur's own builds (top-level only; a project that adds
# concur as a subdirectory keeps its own choices).
#
# Compiler caching with ccache, when it is installed. A rebuild of an unchanged tree, or of a fresh clone in another
# folder, then takes its objects from the cache instead of compiling them
# again: base_dir makes the paths under the source tree relative in ccache's
# hash, and hash_dir=false leaves the compile directory out of it (objects
# taken from a clone elsewhere name that clone's folder in their debug info).
# The cache itself stays where ccache keeps it (~/.cache/ccache, or
# CCACHE_DIR), outside the checkout.
option(CONCUR_CCACHE "Compile through ccache when it is installed" ${PROJECT_IS_TOP_LEVEL})
if(CONCUR_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  find_program(CONCUR_CCACHE_PROGRAM ccache)
  find_program(CONCUR_ENV_PROGRAM env)
  if(CONCUR_CCACHE_PROGRAM AND CONCUR_ENV_PROGRAM)
    set(launcher ${CONCUR_ENV_PROGRAM} CCACHE_BASEDIR=${CMAKE_SOURCE_DIR}
        CCACHE_NOHASHDIR=true ${CONCUR_CCACHE_PROGRAM})
    set(CMAKE_C_COMPILER_LAUNCHER ${launcher})
    set(CMAKE_CXX_COMPILER_LAUNCHER ${launcher})
    message(STATUS "concur: compiling through ${CONCUR_CCACHE_PROGRAM}")
  endif()
endif()

# Linking with lld when the compiler finds it (Debian package lld): the
# tools read ~200 MB of static LLVM archives, and every test binary carries
# debug information; GNU ld takes several times as long over both.
option(CONCUR_LLD "Link with lld when the compiler can use it" ${PROJECT_IS_TOP_LEVEL})
if(CONCUR_LLD)
  include(CheckLinkerFlag)
  check_linker_flag(CXX -fuse-ld=lld CONCUR_HAVE_LLD)
  if(CONCUR_HAVE_LLD)
    add_link_options(-fuse-ld=lld)
  endif()
endif()
