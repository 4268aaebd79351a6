#!/usr/bin/env python3
"""Whole-project cost of concur-advise, against clang-tidy-19 running only a
trivial check over the same compilation database, measured in one run.

For each project (a build directory with compile_commands.json) it prints:
  - cold concur-advise -j2 vs run-clang-tidy-19 -j2 with a trivial check
    (goal <= 1.2x; concur-advise parses each unit once and re-checks the
    units whose facts from other units changed, on the AST it kept or by
    parsing them again),
  - concur-advise -j1 vs -j2 (goal >= 1.8x on 2 idle cores): the median of
    --pairs back-to-back pairs of cold runs (a shared VM's speed drifts by
    more than the margin within a minute; one pair is not a measurement),
  - an unchanged re-run vs the cold run (goal <= 5%),
  - peak resident memory of the cold -j2 run (goal <= 1536 MiB), and the
    time and peak of a cold -j2 run that keeps no unit parsed
    (--kept-memory=0): what keeping costs and buys,
  - how many units the cold run parsed and re-checked (checked a second time
    because they use facts of other units: on the AST kept from their parse,
    or parsed again) and the time of each phase,
  - the counts of functions per class and model, and of findings.

Usage: bench/advise/run.py --advise build/bin/concur-advise [NAME=]BUILD_DIR ...
       [--files-regex REGEX]   (analyse only matching files of each database)
       [--pairs N]             (pairs of cold -j2/-j1 runs; default 3)
The projects' databases are not modified; summaries go to a scratch directory.
"""

import argparse
import collections
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time


def timed(command, **kwargs):
    """(seconds, peak RSS in MiB, completed process) of a command."""
    start = time.monotonic()
    run = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, capture_output=True,
                         text=True, **kwargs)
    seconds = time.monotonic() - start
    rss = 0
    for line in reversed(run.stderr.splitlines()):
        if line.strip().isdigit():
            rss = int(line.strip()) / 1024
            break
    return seconds, rss, run


def files_of(build, regex):
    with open(os.path.join(build, "compile_commands.json")) as f:
        entries = json.load(f)
    files = sorted({os.path.normpath(os.path.join(e["directory"], e["file"])) for e in entries})
    return [f for f in files if re.search(regex, f)] if regex else files


def bench(args, build, scratch):
    name, _, path = build.rpartition("=")
    build = path
    files = files_of(build, args.files_regex)
    name = name or os.path.basename(os.path.dirname(os.path.abspath(build))) or build
    print(f"== {name}: {len(files)} translation units ({build})")
    db = lambda tag: os.path.join(scratch, f"{name}-{tag}.db")
    advise = [args.advise, "-p", build, "--progress=none", "--quiet", "--fail-on=none",
              "--format=json"] + (files if args.files_regex else [])

    tidy = ["run-clang-tidy-19", "-j", "2", "-quiet", "-p", build,
            "-checks=-*,readability-else-after-return"] + (
        ["^(" + "|".join(re.escape(f) for f in files) + ")$"] if args.files_regex else [])
    t_tidy, rss_tidy, _ = timed(tidy)
    t_cold2, rss_cold2, cold = timed(advise + ["-j2", "--summaries", db("j2"),
                                               "--incremental-stats"])
    t_rerun, _, _ = timed(advise + ["-j2", "--summaries", db("j2")])
    t_unkept, rss_unkept, _ = timed(advise + ["-j2", "--summaries", db("j2-unkept"),
                                              "--kept-memory=0"])
    t_cold1, _, _ = timed(advise + ["-j1", "--summaries", db("j1")])
    speedups = [t_cold1 / t_cold2]
    for pair in range(1, args.pairs):
        t2, _, _ = timed(advise + ["-j2", "--summaries", db(f"j2-{pair}")])
        t1, _, _ = timed(advise + ["-j1", "--summaries", db(f"j1-{pair}")])
        speedups.append(t1 / t2)
    if cold.returncode not in (0, 1, 3):
        print(cold.stderr)
        raise SystemExit(f"concur-advise failed with {cold.returncode}")
    report = json.loads(cold.stdout)
    classes = collections.Counter(f["class"] for f in report["functions"])
    models = collections.Counter(f["model"] for f in report["functions"])
    findings = collections.Counter(f["check"] for f in report["findings"])
    print(f"run-clang-tidy-19 -j2 (trivial check)  {t_tidy:8.1f}s  peak {rss_tidy:7.0f} MiB")
    print(f"concur-advise -j2, cold               {t_cold2:8.1f}s  peak {rss_cold2:7.0f} MiB")
    print(f"concur-advise -j1, cold               {t_cold1:8.1f}s")
    print(f"concur-advise -j2, unchanged re-run   {t_rerun:8.1f}s")
    print(f"concur-advise -j2, cold, keeping none {t_unkept:8.1f}s  peak {rss_unkept:7.0f} MiB")
    print(f"keeping units parsed: {rss_cold2 / max(rss_unkept, 1):.2f}x the peak memory for "
          f"{t_cold2 / max(t_unkept, 1e-9):.2f}x the time (goal: peak <= 1536 MiB)")
    print(f"ratio cold/clang-tidy  {t_cold2 / t_tidy:6.2f}x (goal <= 1.2x)")
    print(f"speed-up -j2 over -j1  {statistics.median(speedups):6.2f}x (goal >= 1.8x), median "
          f"of {len(speedups)} pairs: " + ", ".join(f"{x:.2f}" for x in speedups))
    print(f"re-run / cold          {100 * t_rerun / t_cold2:6.1f}% (goal <= 5%)")
    phases = re.search(r"(\d+) units, (\d+) parsed, (\d+) re-checked \((\d+) on a kept AST\), "
                       r"(\d+) functions linked \(analysing ([\d.]+)s, linking ([\d.]+)s, "
                       r"re-checking ([\d.]+)s\)", cold.stderr)
    if phases:
        units, parsed, rechecked, kept, linked = (int(x) for x in phases.groups()[:5])
        analyse, link, recheck = (float(x) for x in phases.groups()[5:])
        print(f"cold run: {parsed} units parsed, {rechecked} re-checked ({kept} on the AST "
              f"kept from their parse, {rechecked - kept} parsed again); "
              f"analysing {analyse:.1f}s, linking {link:.1f}s, parsing again {recheck:.1f}s "
              f"({100 * recheck / max(t_cold2, 1e-9):.0f}% of the cold run)")
    print(f"failed units: {len(report['failed_units'])}")
    print("functions per class: " + ", ".join(f"{k} {v}" for k, v in sorted(classes.items())))
    print("functions per model: " + ", ".join(f"{k} {v}" for k, v in sorted(models.items())))
    print("findings per check:  " + (", ".join(f"{k} {v}" for k, v in sorted(findings.items()))
                                     or "none"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--advise", required=True)
    parser.add_argument("--files-regex")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("builds", nargs="+", help="[NAME=]BUILD_DIR")
    args = parser.parse_args()
    print(time.strftime("date: %Y-%m-%d %H:%M UTC", time.gmtime()))
    print(f"machine: {os.cpu_count()} cores; load average (1, 5, 15 min): "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    with tempfile.TemporaryDirectory(prefix="concur-bench-") as scratch:
        for build in args.builds:
            bench(args, build, scratch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
