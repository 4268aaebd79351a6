#!/usr/bin/env bash
# Parallel map benchmark (the joblib row): concur::parallel_for/map and
# concur::memory against a sequential loop, OpenMP and Python's joblib, in one
# run on this machine. Ratios are comparator time / concur time (above 1:
# concur is faster).
#
# Usage: bench/parallel/run.sh [BUILD_DIR] [ROUNDS]
# BUILD_DIR must be configured with -DCONCUR_BUILD_BENCH=ON; needs Debian's
# python3-joblib (run with /usr/bin/python3, which sees Debian's packages).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
rounds=${2:-5}
[ -f "$build/CMakeCache.txt" ] || { echo "no CMake build at $build" >&2; exit 2; }
grep -q '^CONCUR_BUILD_BENCH:BOOL=ON' "$build/CMakeCache.txt" ||
  { echo "configure $build with -DCONCUR_BUILD_BENCH=ON first" >&2; exit 2; }
cmake --build "$build" --target bench_parallel >/dev/null
python_results=$(mktemp)
trap 'rm -f "$python_results"' EXIT
/usr/bin/python3 "$here/joblib_bench.py" "$rounds" "$(nproc)" >"$python_results"
"$build/bench/parallel/bench_parallel" --rounds "$rounds" --python "$python_results"
