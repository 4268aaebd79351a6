# The runtime as a user installs it: `cmake --install BUILD --prefix TMP
# --component dev` into a fresh folder, then three builds of consumer.cpp
# against that folder only, each run:
#
#   pkg-config   c++ consumer.cpp $(pkg-config --cflags --libs concur)
#   plain        c++ -std=c++20 -ITMP/include consumer.cpp -LTMP/lib -lconcur [-luring] -pthread
#   cmake        find_package(concur) + target_link_libraries(... concur::runtime)
#
# With -DHTTP_CONSUMER=http_consumer.cpp (when concur::http is built), that
# program is built with pkg-config's concur-http and with
# find_package(concur COMPONENTS http), and run.
#
# consumer.cpp must include every public header. Before building, the script
# checks that every header of runtime/include/concur/ was installed, and that
# concur.pc, libconcur.a and concurConfig.cmake exist (pkg-config sees only
# TMP's folder, so a concur.pc installed elsewhere on the machine cannot stand
# in for a missing one). With -DREMOVE=NAME the installed
# file NAME is deleted before those checks; the tests that pass REMOVE expect
# the failure message (they show that the checks can fail).
#
#   cmake -DBUILD_DIR=... -DHEADERS=.../runtime/include/concur
#         -DCONSUMER=.../consumer.cpp -DCOMPILER=... -DPKG_CONFIG=...
#         -DSCRATCH=... [-DREMOVE=name] [-DHTTP_CONSUMER=...] [-DURING=ON]
#         -P check_install.cmake

cmake_minimum_required(VERSION 3.20)

foreach(var BUILD_DIR HEADERS CONSUMER COMPILER SCRATCH)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_install.cmake: -D${var}=... is missing")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result
                  OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    string(REPLACE ";" " " command "${ARGN}")
    message(FATAL_ERROR "${command}\nexit ${result}:\n${output}")
  endif()
  set(output "${output}" PARENT_SCOPE)
endfunction()

function(expect_output program)
  run(${program})
  if(NOT output STREQUAL "concur ok: 338350 45 6 55 385\n")
    message(FATAL_ERROR "${program} printed:\n${output}")
  endif()
endfunction()

# consumer.cpp includes every public header, so that the builds below use
# them all.
file(GLOB public RELATIVE ${HEADERS} ${HEADERS}/*.hpp)
file(STRINGS ${CONSUMER} includes REGEX "^#include <concur/")
foreach(header IN LISTS public)
  if(NOT "#include <concur/${header}>" IN_LIST includes)
    message(FATAL_ERROR "${CONSUMER} does not include <concur/${header}>; add it")
  endif()
endforeach()

# Installs.
file(REMOVE_RECURSE ${SCRATCH})
set(prefix ${SCRATCH}/prefix)
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --component dev)
if(DEFINED REMOVE)
  file(GLOB_RECURSE doomed ${prefix}/*/${REMOVE})
  if(NOT doomed)
    message(FATAL_ERROR "REMOVE=${REMOVE}: no such file was installed")
  endif()
  file(REMOVE ${doomed})
  message(STATUS "removed ${doomed}")
endif()

# The installed files.
file(GLOB_RECURSE wanted RELATIVE ${HEADERS} ${HEADERS}/*)
file(GLOB_RECURSE installed RELATIVE ${prefix}/include/concur ${prefix}/include/concur/*)
set(missing ${wanted})
if(installed)
  list(REMOVE_ITEM missing ${installed})
endif()
if(missing)
  message(FATAL_ERROR "headers not installed: ${missing} (under ${prefix}/include/concur)")
endif()
list(LENGTH wanted header_count)
file(GLOB_RECURSE pc_file ${prefix}/*/pkgconfig/concur.pc)
if(NOT pc_file)
  message(FATAL_ERROR "concur.pc is not installed under ${prefix}")
endif()
file(GLOB_RECURSE library ${prefix}/*/libconcur.a)
if(NOT library)
  message(FATAL_ERROR "libconcur.a is not installed under ${prefix}")
endif()
file(GLOB_RECURSE config ${prefix}/*/concurConfig.cmake)
if(NOT config)
  message(FATAL_ERROR "concurConfig.cmake is not installed under ${prefix}")
endif()
get_filename_component(libdir ${library} DIRECTORY)
message(STATUS "installed ${header_count} headers, ${library}, ${pc_file}, ${config}")

# 1. pkg-config, seeing only the prefix's .pc files.
if(NOT PKG_CONFIG)
  message(FATAL_ERROR "pkg-config was not found when the build was configured "
                      "(Debian: apt-get install pkgconf); it is needed to test concur.pc")
endif()
get_filename_component(pc_dir ${pc_file} DIRECTORY)
set(ENV{PKG_CONFIG_LIBDIR} ${pc_dir})
set(ENV{PKG_CONFIG_PATH} "")
run(${PKG_CONFIG} --cflags --libs concur)
string(STRIP "${output}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run(${PKG_CONFIG} --variable=includedir concur)
string(STRIP "${output}" includedir)
get_filename_component(includedir ${includedir} REALPATH)
get_filename_component(real_prefix ${prefix} REALPATH)
if(NOT includedir STREQUAL "${real_prefix}/include")
  message(FATAL_ERROR "concur.pc's includedir is ${includedir}, not ${real_prefix}/include")
endif()
# With the io_uring backend (-DURING=ON) the runtime links liburing.
set(runtime_libs -lconcur)
if(URING)
  list(APPEND runtime_libs -luring)
endif()
foreach(needed -std=c++20 -pthread ${runtime_libs})
  if(NOT needed IN_LIST flags)
    message(FATAL_ERROR "pkg-config --cflags --libs concur lacks ${needed}: ${flags}")
  endif()
endforeach()
run(${COMPILER} ${CONSUMER} -o ${SCRATCH}/with-pkg-config ${flags})
expect_output(${SCRATCH}/with-pkg-config)
message(STATUS "pkg-config: ${flags}")

# 2. Plain compiler flags.
set(plain -std=c++20 -I${prefix}/include ${CONSUMER} -o ${SCRATCH}/plain -L${libdir}
    ${runtime_libs} -pthread)
run(${COMPILER} ${plain})
expect_output(${SCRATCH}/plain)
string(REPLACE ";" " " plain "${plain}")
message(STATUS "plain: ${COMPILER} ${plain}")

# 3. A CMake project outside the tree: find_package(concur).
set(project ${SCRATCH}/cmake-consumer)
file(MAKE_DIRECTORY ${project})
file(WRITE ${project}/CMakeLists.txt
"cmake_minimum_required(VERSION 3.20)
project(consumer LANGUAGES CXX)
find_package(concur 0.1 REQUIRED)
add_executable(consumer ${CONSUMER})
target_link_libraries(consumer PRIVATE concur::runtime)
")
run(${CMAKE_COMMAND} -S ${project} -B ${project}/build -DCMAKE_CXX_COMPILER=${COMPILER}
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
file(STRINGS ${project}/build/CMakeCache.txt found REGEX "^concur_DIR:")
string(FIND "${found}" "${prefix}/" at)
if(NOT at GREATER -1)
  message(FATAL_ERROR "find_package(concur) did not find the installed package: ${found}")
endif()
run(${CMAKE_COMMAND} --build ${project}/build)
expect_output(${project}/build/consumer)
message(STATUS "find_package(concur): ${found}")

# 4. concur::http, when it was built: HTTP_CONSUMER through concur-http.pc
#    and through find_package(concur COMPONENTS http).
if(DEFINED HTTP_CONSUMER)
  file(GLOB_RECURSE http_pc ${prefix}/*/pkgconfig/concur-http.pc)
  if(NOT http_pc)
    message(FATAL_ERROR "concur-http.pc is not installed under ${prefix}")
  endif()
  # concur-http requires libcurl, whose .pc file is the system's.
  execute_process(COMMAND ${PKG_CONFIG} --variable pc_path pkg-config
                  OUTPUT_VARIABLE system_pc OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(ENV{PKG_CONFIG_LIBDIR} "${pc_dir}:${system_pc}")
  run(${PKG_CONFIG} --cflags --libs concur-http)
  string(STRIP "${output}" http_flags)
  separate_arguments(http_flags UNIX_COMMAND "${http_flags}")
  foreach(needed -lconcur_http -lconcur -lcurl)
    if(NOT needed IN_LIST http_flags)
      message(FATAL_ERROR "pkg-config --cflags --libs concur-http lacks ${needed}: ${http_flags}")
    endif()
  endforeach()
  run(${COMPILER} ${HTTP_CONSUMER} -o ${SCRATCH}/http-with-pkg-config ${http_flags})
  run(${SCRATCH}/http-with-pkg-config)
  if(NOT output STREQUAL "concur http ok\n")
    message(FATAL_ERROR "http consumer (pkg-config) printed:\n${output}")
  endif()
  message(STATUS "pkg-config concur-http: ${http_flags}")

  set(project ${SCRATCH}/cmake-http-consumer)
  file(MAKE_DIRECTORY ${project})
  file(WRITE ${project}/CMakeLists.txt
"cmake_minimum_required(VERSION 3.20)
project(http_consumer LANGUAGES CXX)
find_package(concur 0.1 REQUIRED COMPONENTS http)
add_executable(http_consumer ${HTTP_CONSUMER})
target_link_libraries(http_consumer PRIVATE concur::http)
")
  run(${CMAKE_COMMAND} -S ${project} -B ${project}/build -DCMAKE_CXX_COMPILER=${COMPILER}
      -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
  run(${CMAKE_COMMAND} --build ${project}/build)
  run(${project}/build/http_consumer)
  if(NOT output STREQUAL "concur http ok\n")
    message(FATAL_ERROR "http consumer (find_package) printed:\n${output}")
  endif()
  message(STATUS "find_package(concur COMPONENTS http): concur::http links")
endif()

file(REMOVE_RECURSE ${SCRATCH})
message(STATUS "the installed runtime works with pkg-config, plain flags and find_package")
