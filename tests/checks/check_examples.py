#!/usr/bin/env python3
"""The seeds' five scenarios get the rows the specification gives.

Runs clang-tidy-19 with the plugin and `--checks=-*,concur-*` over each
examples/<scenario>/before.cpp (with the real system headers, as a user
would, through examples/compile_flags.txt) and checks that the file gets
exactly one concur warning: from the expected check, on the expected loop,
naming the expected row. Each examples/<scenario>/after.cpp that exists must
get none (it is the rewrite that uses the runtime).

  downloads  concur-sequential-blocking-loop  asyncio
  server     concur-sequential-blocking-loop  asyncio
  batch      concur-parallelizable-cpu-loop   futures, core-sized pool
  numeric    concur-parallelizable-cpu-loop   joblib
  fileio     concur-sequential-blocking-loop  futures, I/O pool
"""

import argparse
import os
import re
import subprocess
import sys

EXPECTED = {
    # scenario: (check, row label, text of the loop's first line)
    "downloads": ("concur-sequential-blocking-loop", "row: asyncio",
                  "for (const std::string &url : urls)"),
    "server": ("concur-sequential-blocking-loop", "row: asyncio", "while (true)"),
    "batch": ("concur-parallelizable-cpu-loop", "row: futures, core-sized pool",
              "for (const std::string &record : records)"),
    "numeric": ("concur-parallelizable-cpu-loop", "row: joblib",
                "for (size_t s = 0; s < samples.size(); ++s)\n"
                "    gradients[s] ="),
    "fileio": ("concur-sequential-blocking-loop", "row: futures, I/O pool",
               "for (const std::string &path : paths)"),
}
WARNING = re.compile(r"^(.*?):(\d+):(\d+): warning: (.*) \[(concur-[\w-]+)\]$", re.M)


def line_of(path, fragment):
    with open(path, encoding="utf-8") as source:
        text = source.read()
    at = text.find(fragment)
    if at < 0:
        return None
    return text.count("\n", 0, at) + 1


def concur_warnings(args, path):
    run = subprocess.run([args.clang_tidy, "--load=" + args.plugin,
                          "--checks=-*,concur-*", "--quiet", path],
                         capture_output=True, text=True, timeout=600)
    output = run.stdout + run.stderr
    if run.returncode < 0 or "Stack dump" in output:
        return None, output
    return [m for m in WARNING.finditer(output)
            if os.path.realpath(m.group(1)) == os.path.realpath(path)], output


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clang-tidy", required=True)
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--examples", required=True)
    args = parser.parse_args()

    passed = failed = 0
    for scenario, (check, row, loop) in sorted(EXPECTED.items()):
        before = os.path.join(args.examples, scenario, "before.cpp")
        problems = []
        line = line_of(before, loop)
        if line is None:
            problems.append(f"the loop '{loop.splitlines()[0]}' is not in {before}")
        warnings, output = concur_warnings(args, before)
        if warnings is None:
            problems.append("clang-tidy crashed")
        elif not problems:
            found = [(int(m.group(2)), m.group(5), m.group(4)) for m in warnings]
            if len(found) != 1:
                problems.append(f"{len(found)} concur warnings, expected 1")
            if not any(l == line and c == check and f"({row})" in text
                       for l, c, text in found):
                problems.append(f"no {check} warning with ({row}) at line {line}")
        after = os.path.join(args.examples, scenario, "after.cpp")
        if os.path.isfile(after):
            after_warnings, after_output = concur_warnings(args, after)
            if after_warnings is None:
                problems.append("clang-tidy crashed on after.cpp")
            elif after_warnings:
                output += after_output
                problems.append(f"{len(after_warnings)} concur warnings in after.cpp, expected none")
        if problems:
            failed += 1
            print(output)
            for problem in problems:
                print(f"FAIL: {scenario}: {problem}")
        else:
            passed += 1
            print(f"PASS: {scenario}: {check} at line {line} ({row})")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
