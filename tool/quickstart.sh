#!/usr/bin/env bash
# concur's two entry points for a fresh Debian 12 machine:
#
#   tool/quickstart.sh examples   install what is missing, build, and run the
#                                 advisor over examples/ (prints its findings)
#   tool/quickstart.sh package    install what is missing, build, and make the
#                                 Debian packages concur_*.deb and
#                                 libconcur-dev_*.deb in the build folder
#   tool/quickstart.sh test [CTEST-ARGS...]
#                                 install what is missing, build, and run every
#                                 test: the normal build, then the runtime under
#                                 ThreadSanitizer and AddressSanitizer (extra
#                                 arguments go to each ctest run, e.g. -R NAME)
#
# Every configure states the options that decide what is built and tested, so
# a folder configured earlier (by the other mode, or by hand) never leaves a
# cached option that silently skips tests. Compilation goes through ccache
# when it is installed (it is in the package list), with its cache outside
# the checkout, so a second build of a fresh clone mostly links.
#
# Environment: BUILD_DIR (default build), JOBS (default: all cores).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$root/build}
jobs=${JOBS:-$(nproc)}
mode=${1:-}

packages=(
  cmake g++ make ccache python3 python3-yaml
  dpkg-dev pkg-config groff-base # the Debian packages and their test
  clang-19 clang-tidy-19 clang-format-19 clangd-19 libclang-19-dev llvm-19-dev libclang-cpp19-dev llvm-19-tools
  libclang-rt-19-dev # libFuzzer and the sanitizers of clang-19 (tests/fuzz)
  googletest libgtest-dev libgmock-dev
  libcurl4-openssl-dev libsqlite3-dev
  liburing-dev # the event loop's io_uring backend
  libuv1-dev # examples/c (libuv's event loop), and a comparator of the benchmarks
  libxxhash-dev
  libgrpc++-dev libprotobuf-dev libabsl-dev lld neovim
  chromium # the HTML report test of concur-advise
  # comparators of the benchmarks under bench/ (-DCONCUR_BUILD_BENCH=ON)
  libtbb-dev libasio-dev python3-joblib python3-numpy python3-aiohttp
)

install_missing() {
  local missing=()
  for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$package")
  done
  # npm fetches the SARIF validator; any npm will do (machines often have
  # Node.js from elsewhere, which Debian's npm package conflicts with).
  command -v npm >/dev/null || missing+=(npm)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "concur: installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# configure DIR OPTIONS...: configures DIR with every option that decides
# what is built, so nothing cached from an earlier configure survives.
configure() {
  local dir=$1
  shift
  cmake -S "$root" -B "$dir" -DCONCUR_WERROR=ON -DCONCUR_CCACHE=ON \
    -DCONCUR_BUILD_BENCH=OFF "$@" >/dev/null
}

configure_main() {
  configure "$build" -DCONCUR_BUILD_ANALYSIS=ON -DCONCUR_BUILD_TESTS=ON \
    -DCONCUR_BUILD_EXAMPLES=ON -DCONCUR_SANITIZER=
}

# The sanitizer builds compile only the runtime and its tests.
configure_sanitizer() {
  configure "$build-$1" -DCONCUR_BUILD_ANALYSIS=OFF -DCONCUR_BUILD_TESTS=ON \
    -DCONCUR_BUILD_EXAMPLES=OFF -DCONCUR_SANITIZER="$1"
}

# run_ctest DIR ARGS...: runs the tests of DIR; finding none is an error.
run_ctest() {
  local dir=$1
  shift
  local count
  count=$(cd "$dir" && ctest -N "$@" | sed -n 's/^Total Tests: //p')
  echo "concur: running ${count:-0} tests in ${dir#"$root"/}"
  (cd "$dir" && ctest --output-on-failure --no-tests=error -j "$jobs" "$@")
}

run_examples() {
  local plugin=$build/lib/libconcur-tidy.so
  echo
  echo "concur: advice for examples/*/before.cpp"
  local status=0
  for source in "$root"/examples/*/before.cpp; do
    clang-tidy-19 --load="$plugin" --checks='-*,concur-*' --quiet \
      "$source" 2>/dev/null || status=$?
  done
  echo
  echo "concur: advice for examples/c/*/before.c (C: one program per model)"
  for source in "$root"/examples/c/*/before.c; do
    clang-tidy-19 --load="$plugin" --checks='-*,concur-*' --quiet \
      "$source" 2>/dev/null || status=$?
  done
  echo
  echo "concur: the mistakes in examples/mistakes/*.cpp (one per check)"
  for source in "$root"/examples/mistakes/*.cpp; do
    clang-tidy-19 --load="$plugin" --checks='-*,concur-*' --quiet \
      "$source" 2>/dev/null || status=$?
  done
  return $status
}

run_tests() {
  run_ctest "$build" "$@"
  for sanitizer in thread address; do
    echo "concur: runtime tests under the ${sanitizer} sanitizer"
    configure_sanitizer $sanitizer
    cmake --build "$build-$sanitizer" -j "$jobs"
    run_ctest "$build-$sanitizer" -L runtime "$@"
  done
}

case "$mode" in
  examples)
    install_missing
    configure_main
    cmake --build "$build" -j "$jobs" --target concur-tidy
    run_examples
    ;;
  package)
    install_missing
    configure_main
    cmake --build "$build" -j "$jobs"
    (cd "$build" && cpack -G DEB)
    echo "concur: install them with: sudo apt install" "$build"/concur_*.deb \
      "$build"/libconcur-dev_*.deb
    ;;
  test)
    shift
    install_missing
    configure_main
    cmake --build "$build" -j "$jobs"
    run_tests "$@"
    ;;
  *)
    echo "usage: $0 examples | package | test [CTEST-ARGS...]" >&2
    exit 2
    ;;
esac
