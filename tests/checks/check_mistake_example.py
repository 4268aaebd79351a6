#!/usr/bin/env python3
"""Checks that examples/mistakes/<check>.cpp is reported by <check>.

Each "mistakes" program shows the mistake one check finds; this runs all the
concur checks over it, as `tool/quickstart.sh examples` does (with the
examples' compile_flags.txt and the real system headers), and fails unless
a warning of that check is among the findings.
"""

import argparse
import os
import re
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clang-tidy", required=True)
    parser.add_argument("--plugin", required=True)
    parser.add_argument("source")
    args = parser.parse_args()

    check = os.path.splitext(os.path.basename(args.source))[0]
    run = subprocess.run([args.clang_tidy, "--load=" + args.plugin, "--checks=-*,concur-*",
                          "--quiet", args.source], capture_output=True, text=True, timeout=300)
    output = run.stdout + run.stderr
    if run.returncode < 0 or "Stack dump" in output:
        print(output)
        print(f"FAIL: clang-tidy crashed (exit {run.returncode})")
        return 1
    if re.search(r": error: ", output):
        print(output)
        print(f"FAIL: {args.source} does not compile")
        return 1
    found = re.findall(r"^.*: warning: .*\[" + re.escape(check) + r"\]$", output, re.M)
    if not found:
        print(output)
        print(f"FAIL: {check} reports nothing in {args.source}")
        return 1
    print("\n".join(found))
    print(f"PASS: {check} reports {len(found)} finding(s) in {os.path.basename(args.source)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
