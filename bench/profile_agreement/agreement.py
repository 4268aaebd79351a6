#!/usr/bin/env python3
"""Agreement of static and measured classes in a concur-advise report made
with --profile.

  python3 bench/profile_agreement/agreement.py REPORT.json [--under DIR]
          [--min-confidence 0.8] [--list]

Counts, per static class, the functions (defined under DIR, if given) whose
measurement has at least the given confidence, and how many measured the
same class; --list prints every disagreement. The recipe for leveldb's
db_bench is in docs/benchmarks.md.
"""

import argparse
import collections
import json
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("report")
    parser.add_argument("--under", default="")
    parser.add_argument("--min-confidence", type=float, default=0.8)
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    with open(args.report) as f:
        report = json.load(f)
    rows = [fn for fn in report["functions"]
            if fn["measured"] and fn["file"].startswith(args.under)
            and fn["measured"]["confidence"] >= args.min_confidence]
    by_class = collections.defaultdict(lambda: collections.Counter())
    for fn in rows:
        by_class[fn["class"]][fn["measured"]["class"]] += 1
    print("| static class | functions | measured io | cpu | mixed | trivial | agreement |")
    print("|---|---|---|---|---|---|---|")
    total = same = 0
    for klass in ("io", "cpu", "mixed", "trivial"):
        counts = by_class[klass]
        n = sum(counts.values())
        if not n:
            continue
        total += n
        same += counts[klass]
        print(f"| {klass} | {n} | {counts['io']} | {counts['cpu']} | {counts['mixed']} | "
              f"{counts['trivial']} | {100 * counts[klass] / n:.0f}% |")
    if total:
        print(f"| all | {total} | | | | | {100 * same / total:.0f}% |")
    if args.list:
        print()
        for fn in rows:
            m = fn["measured"]
            if m["class"] != fn["class"]:
                reasons = m["off_cpu_by_reason"]
                top = max(reasons, key=reasons.get) if reasons else ""
                print(f"{fn['file']}:{fn['line']} {fn['qualified_name']}: static {fn['class']}, "
                      f"measured {m['class']} ({m['on_cpu_ms']:.1f} ms on, "
                      f"{m['off_cpu_ms']:.1f} ms off {top})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
