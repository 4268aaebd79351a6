#!/usr/bin/env python3
"""The README's Quick start, as a newcomer runs it: the two commands, in the
README's order, in a fresh copy of the tree (its tracked files only, as a
clone has them).

  1. `tool/quickstart.sh examples` prints the advisor's findings, for the
     C++ examples and the C ones.
  2. `tool/quickstart.sh test` then configures for the full suite whatever
     the first command cached: it lists (ctest -N, so this test does not run
     the suite a second time) as many tests as this build has, and each
     sanitizer build as many runtime tests as this build has outside the
     examples.
  3. With a deliberately broken test added, the test command exits non-zero.

Compilation goes through ccache, so the copy's builds mostly link.

test_quickstart.py --source SRC --build BUILD
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def quickstart(tree, *args):
    return subprocess.run([os.path.join(tree, "tool", "quickstart.sh"), *args],
                          cwd=tree, capture_output=True, text=True,
                          env=dict(os.environ, BUILD_DIR=os.path.join(tree, "build")))


def count_tests(build, *args):
    listed = subprocess.run(["ctest", "-N", *args], cwd=build, capture_output=True,
                            text=True, check=True).stdout
    return int(re.search(r"^Total Tests: (\d+)$", listed, re.M).group(1))


def copy_tracked(source, tree):
    files = subprocess.run(["git", "ls-files", "-z"], cwd=source, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        target = os.path.join(tree, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(source, name), target)


def test(source, build, scratch):
    tree = os.path.join(scratch, "concur")
    copy_tracked(source, tree)

    run = quickstart(tree, "examples")
    check(run.returncode == 0, f"examples: exit {run.returncode}\n{run.stdout}\n{run.stderr}")
    check(re.search(r"warning: .* \(row: \w+\) \[concur-", run.stdout),
          f"examples printed no advice:\n{run.stdout}")
    check(re.search(r"examples/c/\w+/before\.c:\d+:\d+: warning: .* \(row: \w+.*\) \[concur-",
                    run.stdout),
          f"examples printed no advice for the C examples:\n{run.stdout}")

    run = quickstart(tree, "test", "-N")
    check(run.returncode == 0, f"test -N: exit {run.returncode}\n{run.stdout}\n{run.stderr}")
    listed = [int(n) for n in re.findall(r"^Total Tests: (\d+)$", run.stdout, re.M)]
    # The sanitizer builds run the runtime's tests, less those of the
    # examples and of installing (an installed sanitized library would not
    # carry its sanitizer flags).
    expected = [count_tests(build),
                count_tests(build, "-L", "runtime", "-LE", "examples|package")]
    check(listed == [expected[0], expected[1], expected[1]],
          f"the test command listed {listed} tests (main, TSan, ASan), "
          f"expected {expected[0]}, {expected[1]}, {expected[1]}:\n{run.stdout}")

    with open(os.path.join(tree, "tests", "CMakeLists.txt"), "a") as f:
        f.write("add_test(NAME quickstart_deliberately_broken COMMAND false)\n")
    run = quickstart(tree, "test", "-R", "^quickstart_deliberately_broken$")
    check(run.returncode != 0, f"a failing test left the test command at exit 0:\n{run.stdout}")
    check("quickstart_deliberately_broken" in run.stdout and "Failed" in run.stdout,
          run.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True)
    parser.add_argument("--build", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="concur-quickstart-") as scratch:
        try:
            test(args.source, args.build, scratch)
        except Failure as e:
            print(f"FAIL: {e}")
            return 1
    print("PASS: quickstart")
    return 0


if __name__ == "__main__":
    sys.exit(main())
