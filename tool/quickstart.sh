#!/usr/bin/env bash
# concur's two entry points for a fresh Debian 12 machine:
#
#   tool/quickstart.sh examples   install what is missing, build, and run the
#                                 advisor over examples/ (prints its findings)
#   tool/quickstart.sh test       install what is missing, build, and run every
#                                 test: the normal build, then the runtime under
#                                 ThreadSanitizer and AddressSanitizer
#
# Environment: BUILD_DIR (default build), JOBS (default: all cores).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$root/build}
jobs=${JOBS:-$(nproc)}
mode=${1:-}

packages=(
  cmake g++ make python3 python3-yaml
  clang-19 clang-tidy-19 clangd-19 libclang-19-dev llvm-19-dev libclang-cpp19-dev llvm-19-tools
  googletest libgtest-dev libgmock-dev
  libcurl4-openssl-dev libsqlite3-dev
  libxxhash-dev
  libgrpc++-dev libprotobuf-dev libabsl-dev lld neovim
  chromium # the HTML report test of concur-advise
  # comparators of the benchmarks under bench/ (-DCONCUR_BUILD_BENCH=ON)
  libtbb-dev libasio-dev libuv1-dev python3-joblib python3-numpy
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

configure_and_build() {
  local dir=$1
  shift
  cmake -S "$root" -B "$dir" -DCONCUR_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
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
  echo "concur: the mistakes in examples/mistakes/*.cpp (one per check)"
  for source in "$root"/examples/mistakes/*.cpp; do
    clang-tidy-19 --load="$plugin" --checks='-*,concur-*' --quiet \
      "$source" 2>/dev/null || status=$?
  done
  return $status
}

run_tests() {
  (cd "$build" && ctest --output-on-failure -j "$jobs")
  for sanitizer in thread address; do
    echo "concur: runtime tests under the ${sanitizer} sanitizer"
    configure_and_build "$build-$sanitizer" -DCONCUR_BUILD_ANALYSIS=OFF \
      -DCONCUR_SANITIZER=$sanitizer
    (cd "$build-$sanitizer" && ctest --output-on-failure -j "$jobs" -L runtime)
  done
}

case "$mode" in
  examples)
    install_missing
    configure_and_build "$build" -DCONCUR_BUILD_TESTS=OFF
    run_examples
    ;;
  test)
    install_missing
    configure_and_build "$build"
    run_tests
    ;;
  *)
    echo "usage: $0 examples|test" >&2
    exit 2
    ;;
esac
