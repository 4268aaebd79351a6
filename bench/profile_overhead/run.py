#!/usr/bin/env python3
"""Overhead of concur-profile on the profiled program's wall time.

  python3 bench/profile_overhead/run.py build [--rounds N] [--frequency HZ] [--switches]

Builds workload.c (frame pointers, -O2 -g), then runs each workload (cpu:
four computing threads; io: 20000 pipe round trips between two threads and
short sleeps) alternately alone and under concur-profile, ROUNDS times each.
The workload measures its own wall time, so the figures compare the program's
time with and without profiling (the profiler's start and its symbolisation
after the program ends are reported separately, as "whole command"). Prints
medians and the ratio profiled / alone; the goal is at most 1.05.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def run(command):
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, check=True)
    return float(proc.stdout.split()[-1]), time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--frequency", type=int, default=1000)
    parser.add_argument("--switches", action="store_true",
                        help="profile with --switches (every context switch recorded)")
    args = parser.parse_args()
    profile = os.path.join(os.path.abspath(args.build), "bin", "concur-profile")
    here = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory() as scratch:
        workload = os.path.join(scratch, "workload")
        subprocess.run(["cc", "-O2", "-g", "-fno-omit-frame-pointer",
                        "-mno-omit-leaf-frame-pointer", "-pthread",
                        os.path.join(here, "workload.c"), "-o", workload], check=True)
        out = os.path.join(scratch, "p.json")
        print(f"concur-profile --frequency {args.frequency}"
              f"{' --switches' if args.switches else ''}, {args.rounds} rounds, "
              f"load average {os.getloadavg()[0]:.1f}")
        print("| workload | alone (s) | profiled (s) | ratio | whole command (s) | "
              "on / off CPU (ms) | lost |")
        print("|---|---|---|---|---|---|---|")
        worst = 0
        for mode in ("cpu", "io"):
            alone, profiled, whole = [], [], []
            for _ in range(args.rounds):
                alone.append(run([workload, mode])[0])
                inside, total = run([profile, "--frequency", str(args.frequency), "-o", out,
                                     *(["--switches"] if args.switches else []),
                                     "--", workload, mode])
                profiled.append(inside)
                whole.append(total)
            with open(out) as f:
                report = json.load(f)
            a, p = statistics.median(alone), statistics.median(profiled)
            worst = max(worst, p / a)
            print(f"| {mode} | {a:.3f} | {p:.3f} | {p / a:.3f} | "
                  f"{statistics.median(whole):.3f} | {report['totals']['on_cpu_ms']:.0f} / "
                  f"{report['totals']['blocked_ms']:.0f} | {report['totals']['lost_records']} |")
        print(f"worst ratio {worst:.3f} (goal: at most 1.05)")
        return 0


if __name__ == "__main__":
    sys.exit(main())
