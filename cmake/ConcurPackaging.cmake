# Debian packages, built with `cpack -G DEB` in the build folder (or
# `tool/quickstart.sh package`):
#
#   concur         the tools (concur-advise, concur-clangd, concur-profile), the clang-tidy
#                  plugin, man pages, shell completion and the documentation;
#                  depends on clang-tidy-19 (which loads the plugin) and on
#                  what dpkg-shlibdeps finds the binaries need.
#   libconcur-dev  the runtime: headers, static library, CMake package
#                  (find_package(concur)) and pkg-config file (concur.pc).
#
# The install rules name their component: "tools" or "dev".

set(CPACK_PACKAGE_NAME concur)
set(CPACK_PACKAGE_VENDOR "The concur developers")
set(CPACK_PACKAGE_CONTACT "The concur developers <concur@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL tools dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)

set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME concur)
set(CPACK_DEBIAN_TOOLS_PACKAGE_DEPENDS "clang-tidy-19")
set(CPACK_DEBIAN_TOOLS_PACKAGE_SUGGESTS "libconcur-dev")
set(CPACK_COMPONENT_TOOLS_DESCRIPTION
    "concurrency advisor for C and C++ (clang-tidy plugin, concur-advise, concur-clangd)\n\
Classifies every function as io, cpu, mixed or trivial through its callees,\n\
and recommends a concurrency model (threading, asyncio, futures,\n\
multiprocessing, joblib, mixed or sequential) with its evidence.\n\
concur-profile measures where a run computes and waits, to check the advice.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libconcur-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libstdc++-12-dev | libc++-dev")
# With the event loop's io_uring backend, libconcur.a links liburing (-luring).
if(CONCUR_HAS_IO_URING)
  string(APPEND CPACK_DEBIAN_DEV_PACKAGE_DEPENDS ", liburing-dev")
endif()
# concur::http (libconcur_http.a, concur-http.pc) links libcurl.
set(CPACK_DEBIAN_DEV_PACKAGE_RECOMMENDS "libcurl4-openssl-dev | libcurl-dev")
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "C++20 runtime of the concur concurrency advisor\n\
Thread pools and channels, an executor with futures, a process pool, a\n\
coroutine event loop and a parallel map with an on-disk cache: one model\n\
per row of concur's selection table. Static library, headers, CMake\n\
package and pkg-config file.")

include(CPack)
