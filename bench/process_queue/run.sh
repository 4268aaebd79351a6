#!/usr/bin/env bash
# concur::process_queue against Python's multiprocessing.Queue
# (bench_python.py), one producer and one consumer process each, and
# concur::shared_dict against Manager().dict(), on this machine.
#
# The machine's speed drifts within a minute (other work shares its cores),
# so the two programs run as five back-to-back pairs, and each goal is
# judged on the median of the five pairs' ratios. Prints every figure, the
# ratios of each pair, and the goals.
#
# Usage: bench/process_queue/run.sh [BUILD_DIR] [--quick]
#   BUILD_DIR must be configured with -DCONCUR_BUILD_BENCH=ON (default: build).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build}
scale=0.3
[ "${2:-}" = --quick ] && scale=0.06
cmake --build "$build" --target bench_process_queue >/dev/null
binary=$build/bench/process_queue/bench_process_queue
[ -x "$binary" ] || { echo "no $binary: configure with -DCONCUR_BUILD_BENCH=ON" >&2; exit 2; }

results=$(mktemp)
trap 'rm -f "$results"' EXIT
echo "# $(nproc) cores, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for pair in 1 2 3 4 5; do
  echo "# pair $pair"
  "$binary" "$scale" | sed "s/^/$pair /" | tee -a "$results"
  python3 "$root/bench/process_queue/bench_python.py" --scale "$scale" |
    sed "s/^/$pair /" | tee -a "$results"
done

python3 - "$results" <<'PY'
import statistics
import sys
figures = {}
for line in open(sys.argv[1]):
    pair, metric, system, value, unit = line.split()
    figures[(int(pair), metric, system)] = float(value)
pairs = sorted({key[0] for key in figures})
print()
# (concur's metric, Python's metric and system, goal): the in-place row is
# measured against the same multiprocessing.Queue figure as the string row.
for metric, python, comparator, goal in (
        ("queue-64", "queue-64", "py-mp-queue", 10),
        ("queue-65536", "queue-65536", "py-mp-queue", 10),
        ("queue-65536-in-place", "queue-65536", "py-mp-queue", 10),
        ("fill-65536", "queue-65536", "py-mp-queue", None),
        ("dict-set", "dict-set", "py-manager-dict", None)):
    system = "one-core" if metric.startswith("fill") else "concur"
    ratios = [figures[(p, metric, system)] / figures[(p, python, comparator)]
              for p in pairs]
    median = statistics.median(ratios)
    text = f"{metric}: {system} / {comparator} per pair: " + \
        " ".join(f"{r:.1f}x" for r in ratios) + f"; median {median:.1f}x"
    if goal:
        text += f" (goal >= {goal}x: {'met' if median >= goal else 'NOT met'})"
    print(text)
PY
