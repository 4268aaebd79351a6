#!/usr/bin/env bash
# concur::process_queue against Python's multiprocessing.Queue
# (bench_python.py), one producer and one consumer process each, and
# concur::shared_dict against Manager().dict(), in one run on this machine.
# Prints every figure, then the ratios and the goal.
#
# Usage: bench/process_queue/run.sh [BUILD_DIR] [--quick]
#   BUILD_DIR must be configured with -DCONCUR_BUILD_BENCH=ON (default: build).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build}
scale=1
[ "${2:-}" = --quick ] && scale=0.2
cmake --build "$build" --target bench_process_queue >/dev/null
binary=$build/bench/process_queue/bench_process_queue
[ -x "$binary" ] || { echo "no $binary: configure with -DCONCUR_BUILD_BENCH=ON" >&2; exit 2; }

results=$(mktemp)
trap 'rm -f "$results"' EXIT
echo "# $(nproc) cores, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$binary" "$scale" | tee -a "$results"
python3 "$root/bench/process_queue/bench_python.py" --scale "$scale" | tee -a "$results"

python3 - "$results" <<'PY'
import sys
figures = {}
for line in open(sys.argv[1]):
    metric, system, value, unit = line.split()
    figures[(metric, system)] = float(value)
print()
for size in ("64", "65536"):
    ratio = figures[(f"queue-{size}", "concur")] / figures[(f"queue-{size}", "py-mp-queue")]
    print(f"goal: {size}-byte items >= 10x the items/s of multiprocessing.Queue: "
          f"{ratio:.1f}x {'(met)' if ratio >= 10 else '(NOT met)'}")
ratio = figures[("dict-set", "concur")] / figures[("dict-set", "py-manager-dict")]
print(f"shared_dict sets/s / Manager().dict() sets/s: {ratio:.0f}x")
PY
