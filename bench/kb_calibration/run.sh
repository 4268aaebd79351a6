#!/usr/bin/env bash
# Knowledge-base calibration: times representative calls of each kind of the
# knowledge base on this machine and prints each next to the cost the
# knowledge base gives it, with their ratio (knowledge base / measured).
#
# Usage: bench/kb_calibration/run.sh [BUILD_DIR] [ROUNDS] [--write]
# BUILD_DIR must be configured with -DCONCUR_BUILD_BENCH=ON and
# -DCONCUR_BUILD_ANALYSIS=ON. With --write, the measurements replace
# bench/kb_calibration/measured.tsv, which the analysis tests check the
# knowledge base against (commit it with the costs it calibrates).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
rounds=${2:-5}
write=${3:-}
[ -f "$build/CMakeCache.txt" ] || { echo "no CMake build at $build" >&2; exit 2; }
grep -q '^CONCUR_BUILD_BENCH:BOOL=ON' "$build/CMakeCache.txt" ||
  { echo "configure $build with -DCONCUR_BUILD_BENCH=ON first" >&2; exit 2; }
cmake --build "$build" --target bench_kb_calibration >/dev/null
args=(--rounds "$rounds")
[ "$write" = --write ] && args+=(--tsv "$here/measured.tsv")
"$build/bench/kb_calibration/bench_kb_calibration" "${args[@]}"
