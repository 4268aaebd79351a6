#!/usr/bin/env python3
"""Every check that clang-tidy lists from the plugin has a doc page and tests.

A check is complete when checks/docs/<check>.md exists and tests/checks/<check>/
holds at least --min-tests annotated cases (a case is one CHECK-MESSAGES line or
one function marked `// negative:` that must stay silent).
"""

import argparse
import glob
import os
import re
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clang-tidy", required=True)
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--docs", required=True)
    parser.add_argument("--tests", required=True)
    parser.add_argument("--min-tests", type=int, default=25)
    args = parser.parse_args()

    listed = subprocess.run([args.clang_tidy, "--load=" + args.plugin, "--checks=-*,concur-*",
                             "--list-checks"], capture_output=True, text=True, check=True)
    checks = sorted(set(re.findall(r"^\s+(concur-[\w-]+)\s*$", listed.stdout, re.M)))
    if not checks:
        print("FAIL: clang-tidy lists no concur checks")
        return 1
    failures = []
    for check in checks:
        if not os.path.isfile(os.path.join(args.docs, check + ".md")):
            failures.append(f"{check}: no doc page {check}.md")
        cases = 0
        for source in glob.glob(os.path.join(args.tests, check, "*.c*")):
            with open(source, encoding="utf-8") as text:
                content = text.read()
            cases += len(re.findall(r"CHECK-MESSAGES:", content))
            cases += len(re.findall(r"//\s*negative:", content))
        if cases < args.min_tests:
            failures.append(f"{check}: {cases} test cases, fewer than {args.min_tests}")
        print(f"{check}: {cases} cases")
    if failures:
        print("\n".join("FAIL: " + failure for failure in failures))
        return 1
    print(f"PASS: {len(checks)} checks documented and tested")
    return 0


if __name__ == "__main__":
    sys.exit(main())
