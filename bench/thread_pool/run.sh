#!/usr/bin/env bash
# Thread pool benchmark: concur against oneTBB, asio::thread_pool, a naive
# mutex+condvar pool, std::async and Python's ThreadPoolExecutor, in one run
# on this machine. Prints per-operation times and ratios (comparator time /
# concur time: above 1 means concur is faster).
#
# Usage: bench/thread_pool/run.sh [BUILD_DIR] [ROUNDS] [--quick]
# BUILD_DIR must be configured with -DCONCUR_BUILD_BENCH=ON (needs libtbb-dev,
# libasio-dev); the script builds the driver itself.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
rounds=${2:-5}
quick=${3:-}
[ -f "$build/CMakeCache.txt" ] || { echo "no CMake build at $build" >&2; exit 2; }
grep -q '^CONCUR_BUILD_BENCH:BOOL=ON' "$build/CMakeCache.txt" ||
  { echo "configure $build with -DCONCUR_BUILD_BENCH=ON first" >&2; exit 2; }
cmake --build "$build" --target bench_thread_pool >/dev/null
threads=$(nproc)
python_results=$(mktemp)
trap 'rm -f "$python_results"' EXIT
python3 "$here/python_executor.py" "$rounds" "$threads" $quick >"$python_results"
"$build/bench/thread_pool/bench_thread_pool" --rounds "$rounds" --python "$python_results" $quick
