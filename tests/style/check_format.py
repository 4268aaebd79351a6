#!/usr/bin/env python3
"""Fails when a C or C++ file of the project is not laid out as .clang-format
says. Every tracked source under the formatted directories is checked, so a
fresh clone (CI) checks everything, not only what a commit changed."""
import argparse
import subprocess
import sys

# The directories whose code follows .clang-format. Third-party test inputs
# (mock headers written like the libraries they imitate) are left out.
FORMATTED = ["checks", "tool", "runtime", "tests/runtime"]
SUFFIXES = (".c", ".cpp", ".h", ".hpp")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clang-format", required=True)
    parser.add_argument("--source-dir", required=True)
    args = parser.parse_args()
    listed = subprocess.run(["git", "-C", args.source_dir, "ls-files", "--", *FORMATTED],
                            capture_output=True, text=True)
    if listed.returncode != 0:
        print(f"check_format: not a git checkout ({listed.stderr.strip()}); nothing to check")
        return 77
    files = [f for f in listed.stdout.splitlines() if f.endswith(SUFFIXES)]
    if not files:
        print("check_format: no sources found under " + ", ".join(FORMATTED))
        return 1
    run = subprocess.run([args.clang_format, "--dry-run", "-Werror", "--style=file", *files],
                         cwd=args.source_dir, capture_output=True, text=True)
    if run.returncode != 0:
        bad = sorted({line.split(":", 1)[0] for line in run.stderr.splitlines()
                      if ": error: " in line})
        print(f"{len(bad)} of {len(files)} files are not formatted; run "
              f"{args.clang_format} -i on:\n  " + "\n  ".join(bad))
        return 1
    print(f"check_format: {len(files)} files formatted as .clang-format says")
    return 0


if __name__ == "__main__":
    sys.exit(main())
