#!/usr/bin/env python3
"""CPU cost of the concur checks in concur-clangd, measured against itself.

For each file, runs `concur-clangd --check=FILE --check-locations=false`
(preamble, AST build with clang-tidy, index, inlay hints, highlighting: what
clangd does when a file is opened) with two user configurations, alternating
so that load on the machine falls on both alike:

  baseline: Diagnostics: ClangTidy: Remove: ['*']   (no clang-tidy checks)
  concur:   the same, then Add: [concur-*] with FastCheckFilter: Loose

and compares the children's user+sys CPU time (getrusage), which a shared
machine disturbs far less than wall time. Prints the median of each and the
ratio concur/baseline; the difference is what the checks add to opening the
file.

Usage: cpu_cost.py BUILD_DIR [--rounds N] [FILE...]
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = {
    "baseline": "Diagnostics:\n  ClangTidy:\n    Remove: ['*']\n",
    # Two fragments, applied in order: no other check, then concur's.
    "concur": "Diagnostics:\n  ClangTidy:\n    Remove: ['*']\n---\n"
              "Diagnostics:\n  ClangTidy:\n    Add: [concur-*]\n    FastCheckFilter: Loose\n",
}


def cpu_seconds(command, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = subprocess.run(command, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{run.stderr[-2000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    build = Path(args.build).resolve()
    clangd = build / "bin" / "concur-clangd"
    if not clangd.exists():
        sys.exit(f"no concur-clangd at {clangd}: build first")
    files = args.files or [*sorted(map(str, ROOT.glob("examples/*/before.cpp"))),
                           str(ROOT / "checks/analysis/WorkloadAnalyzer.cpp")]
    with tempfile.TemporaryDirectory() as work:
        envs = {}
        for name, text in CONFIGS.items():
            config = Path(work) / name / "clangd"
            config.mkdir(parents=True)
            (config / "config.yaml").write_text(text)
            envs[name] = dict(os.environ, XDG_CONFIG_HOME=str(config.parent))
        print(f"{'file':46} {'baseline':>9} {'concur':>9} {'added':>8} {'ratio':>6}")
        for file in files:
            times = {name: [] for name in CONFIGS}
            for _ in range(args.rounds):
                for name in CONFIGS:
                    times[name].append(cpu_seconds(
                        [str(clangd), f"--compile-commands-dir={build}", f"--check={file}",
                         "--check-locations=false"], envs[name]))
            base = statistics.median(times["baseline"])
            concur = statistics.median(times["concur"])
            shown = os.path.relpath(file, ROOT)
            print(f"{shown:46} {base:8.2f}s {concur:8.2f}s {concur - base:+7.2f}s "
                  f"{concur / base:6.3f}")


if __name__ == "__main__":
    main()
