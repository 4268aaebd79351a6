#!/usr/bin/env bash
# Cost of the concur checks: clang-tidy-19 with --checks=-*,concur-* against
# --checks=-*,readability-else-after-return (a trivial check, so its time is
# mostly parsing) on the same files, in one run. The machine may be shared:
# the time measured is the CPU time (user + system) of clang-tidy, which
# waiting for a core does not inflate; each round runs the two configurations
# back to back, alternating which goes first, so what load remains (caches,
# frequency) affects both alike; each file group's figure is the median over
# the rounds of the per-round ratio, and the overall figure is the median of
# the per-round ratios of the total time.
#
# Usage: bench/analysis_cost/run.sh [BUILD_DIR] [ROUNDS] [PROJECT_FILE...]
#   BUILD_DIR     a build with lib/libconcur-tidy.so and compile_commands.json
#                 (default: build)
#   ROUNDS        rounds per group (default 5; odd, so the median is a run)
#   PROJECT_FILE  project sources to measure instead of all of checks/
#                 (for a quicker run on a busy machine)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build}
rounds=${2:-5}
plugin=$build/lib/libconcur-tidy.so
[ -f "$plugin" ] || { echo "no plugin at $plugin: build first" >&2; exit 2; }
[ -f "$build/compile_commands.json" ] || { echo "no compile_commands.json in $build" >&2; exit 2; }

shift $(($# < 2 ? $# : 2))
if [ $# -gt 0 ]; then
  project=("$@")
else
  project=("$root"/checks/*.cpp "$root"/checks/analysis/*.cpp "$root"/checks/utils/*.cpp)
fi
examples=("$root"/examples/*/before.cpp)

time_run() { # checks, files... -> CPU seconds (user + system)
  local checks=$1
  shift
  local TIMEFORMAT='%3U %3S' times
  times=$({ time clang-tidy-19 --load="$plugin" --checks="$checks" --quiet \
    -p "$build" "$@" >/dev/null 2>&1; } 2>&1) || true
  echo "${times% *} + ${times#* }" | bc -l
}

median() { # numbers... -> the median
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

baseline_checks='-*,readability-else-after-return'
concur_checks='-*,concur-*'
declare -a total_ratios=()
declare -A group_ratios=() group_base=() group_concur=()
for round in $(seq "$rounds"); do
  round_base=0
  round_concur=0
  for group in project examples; do
    if [ $group = project ]; then set -- "${project[@]}"; else set -- "${examples[@]}"; fi
    if [ $((round % 2)) -eq 1 ]; then
      base=$(time_run "$baseline_checks" "$@")
      concur=$(time_run "$concur_checks" "$@")
    else
      concur=$(time_run "$concur_checks" "$@")
      base=$(time_run "$baseline_checks" "$@")
    fi
    ratio=$(echo "$concur / $base" | bc -l)
    group_ratios[$group]+="$ratio "
    group_base[$group]+="$base "
    group_concur[$group]+="$concur "
    round_base=$(echo "$round_base + $base" | bc -l)
    round_concur=$(echo "$round_concur + $concur" | bc -l)
    printf 'round %d %-8s baseline %6.2fs  concur %6.2fs CPU  ratio %.3f\n' \
      "$round" $group "$base" "$concur" "$ratio"
  done
  total_ratios+=("$(echo "$round_concur / $round_base" | bc -l)")
done

printf 'files: %d project sources, %d examples; rounds: %d\n' \
  ${#project[@]} ${#examples[@]} "$rounds"
for group in project examples; do
  # shellcheck disable=SC2086
  printf '%-8s median baseline %.2fs, median concur %.2fs, median ratio %.3f\n' $group \
    "$(median ${group_base[$group]})" "$(median ${group_concur[$group]})" \
    "$(median ${group_ratios[$group]})"
done
printf 'overall median ratio %.3f (goal <= 1.15)\n' "$(median "${total_ratios[@]}")"
