#!/usr/bin/env python3
"""The seeds' five scenarios, and the C program of each row, get the rows the
specification gives.

Runs clang-tidy-19 with the plugin and `--checks=-*,concur-*` over each
examples/<scenario>/before.cpp (--language c++) or examples/c/<row>/before.c
(--language c), with the real system headers, as a user would, through
examples/compile_flags.txt and examples/c/compile_flags.txt, and checks that
the file gets exactly one concur warning: from the expected check, on the
expected loop, naming the expected row; and that its row note says to use
the row's implementation in the file's language, or the text of a library
the file includes that implements the row (both read from the selection
table). Each after.cpp or after.c that exists must get none (it is the
rewrite that uses the recommended implementation).

  downloads        concur-sequential-blocking-loop  asyncio
  server           concur-sequential-blocking-loop  asyncio
  batch            concur-parallelizable-cpu-loop   futures, core-sized pool
  numeric          concur-parallelizable-cpu-loop   joblib
  fileio           concur-sequential-blocking-loop  futures, I/O pool

  c/threading       concur-sequential-blocking-loop  threading
  c/asyncio         concur-sequential-blocking-loop  asyncio
  c/futures         concur-parallelizable-cpu-loop   futures, core-sized pool
  c/multiprocessing concur-parallelizable-cpu-loop   multiprocessing
  c/joblib          concur-parallelizable-cpu-loop   joblib
  c/mixed           concur-sequential-blocking-loop  mixed
"""

import argparse
import os
import re
import subprocess
import sys

import yaml

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
EXPECTED_C = {
    # examples/c/<row>: (check, row label, text of the loop's first lines)
    "threading": ("concur-sequential-blocking-loop", "row: threading",
                  "for (int i = 2; i < argc; ++i)\n    back_up("),
    "asyncio": ("concur-sequential-blocking-loop", "row: asyncio",
                "for (int i = 1; i < argc; ++i)\n    sizes[i] = fetch("),
    "futures": ("concur-parallelizable-cpu-loop", "row: futures, core-sized pool",
                "for (int i = 0; i < count; ++i)\n    summaries[i] = summarise("),
    "multiprocessing": ("concur-parallelizable-cpu-loop", "row: multiprocessing",
                        "for (int i = 0; i < count; ++i)\n    results[i] = word_stats("),
    "joblib": ("concur-parallelizable-cpu-loop", "row: joblib",
               "for (int s = 0; s < samples; ++s)\n    sample_gradient("),
    "mixed": ("concur-sequential-blocking-loop", "row: mixed",
              "for (int i = 1; i < argc; ++i)\n    results[i] = process("),
}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)
NOTE = re.compile(r"^(.*?):(\d+):(\d+): note: (.*)$", re.M)
WARNING = re.compile(r"^(.*?):(\d+):(\d+): warning: (.*) \[(concur-[\w-]+)\]$", re.M)


def line_of(path, fragment):
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as source:
        text = source.read()
    at = text.find(fragment)
    if at < 0:
        return None
    return text.count("\n", 0, at) + 1


def expected_use(table, language, row, path):
    """The "use ..." text of ROW's note for the file at PATH: the first
    library (in the table's order) of LANGUAGE that PATH includes and that
    implements ROW, else the row's implementation in LANGUAGE."""
    with open(path, encoding="utf-8") as source:
        included = set(INCLUDE.findall(source.read()))
    for library in table.get("libraries", []):
        if library.get("language", language) != language:
            continue
        if included & set(library["headers"]) and row in library.get("rows", {}):
            return library["rows"][row]
    rows = {entry["id"]: entry for entry in table["rows"]}
    return rows[row][language]["runtime"]


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
    parser.add_argument("--table", required=True,
                        help="the selection table (checks/data/selection-table.yaml)")
    parser.add_argument("--language", choices=["c++", "c"], default="c++")
    args = parser.parse_args()
    with open(args.table, encoding="utf-8") as f:
        table = yaml.safe_load(f)

    if args.language == "c":
        expected, folder, extension = EXPECTED_C, os.path.join(args.examples, "c"), ".c"
    else:
        expected, folder, extension = EXPECTED, args.examples, ".cpp"
    passed = failed = 0
    if args.language == "c":
        unexpected = sorted(name for name in os.listdir(folder)
                            if os.path.isdir(os.path.join(folder, name)) and name not in expected)
        for name in unexpected:
            failed += 1
            print(f"FAIL: {name}: examples/c/{name} has no expected row in {__file__}")
    for scenario, (check, row, loop) in sorted(expected.items()):
        before = os.path.join(folder, scenario, "before" + extension)
        row_id = row.split(",")[0][len("row: "):]
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
            use = "use " + expected_use(table, args.language, row_id, before) + "; "
            notes = [m.group(4) for m in NOTE.finditer(output)
                     if os.path.realpath(m.group(1)) == os.path.realpath(before)
                     and int(m.group(2)) == line]
            if not any(note.startswith(f"row '{row_id}'") and use in note for note in notes):
                problems.append(f"no note at line {line} on row '{row_id}' saying '{use}'")
        after = os.path.join(folder, scenario, "after" + extension)
        if os.path.isfile(after):
            after_warnings, after_output = concur_warnings(args, after)
            if after_warnings is None:
                problems.append(f"clang-tidy crashed on {after}")
            elif after_warnings:
                output += after_output
                problems.append(f"{len(after_warnings)} concur warnings in {after}, expected none")
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
