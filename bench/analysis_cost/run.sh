#!/usr/bin/env bash
# Cost of the concur checks: clang-tidy-19 with --checks=-*,concur-* against
# --checks=-*,readability-else-after-return (a trivial check, so the time is
# mostly parsing) on the same files, in one run, alternating the two so load
# on the machine affects both alike. Prints the total times and the ratio.
#
# Usage: bench/analysis_cost/run.sh [BUILD_DIR] [ROUNDS]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build}
rounds=${2:-3}
plugin=$build/lib/libconcur-tidy.so
[ -f "$plugin" ] || { echo "no plugin at $plugin: build first" >&2; exit 2; }
[ -f "$build/compile_commands.json" ] || { echo "no compile_commands.json in $build" >&2; exit 2; }

files=("$root"/checks/*.cpp "$root"/checks/analysis/*.cpp "$root"/checks/utils/*.cpp)
examples=("$root"/examples/*/before.cpp)

time_run() { # checks, files...
  local checks=$1
  shift
  local start end
  start=$(date +%s.%N)
  clang-tidy-19 --load="$plugin" --checks="$checks" --quiet -p "$build" "$@" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

total_concur=0
total_base=0
for round in $(seq "$rounds"); do
  for group in project examples; do
    if [ $group = project ]; then set -- "${files[@]}"; else set -- "${examples[@]}"; fi
    base=$(time_run '-*,readability-else-after-return' "$@")
    concur=$(time_run '-*,concur-*' "$@")
    total_base=$(echo "$total_base + $base" | bc -l)
    total_concur=$(echo "$total_concur + $concur" | bc -l)
    printf 'round %d %-8s baseline %6.2fs  concur %6.2fs\n' "$round" $group "$base" "$concur"
  done
done
printf 'files: %d project sources, %d examples; rounds: %d\n' ${#files[@]} ${#examples[@]} "$rounds"
printf 'total baseline %.2fs, concur %.2fs, ratio %.3f (goal <= 1.15)\n' \
  "$total_base" "$total_concur" "$(echo "$total_concur / $total_base" | bc -l)"
