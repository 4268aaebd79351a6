#!/usr/bin/env python3
"""Runs one annotated test source through clang-tidy-19 with the concur plugin
(or, with --frontend concur-advise, through concur-advise: the same
expectations must hold for every front end).

The check under test is the name of the folder the source is in
(tests/checks/concur-sequential-blocking-loop/loops.cpp tests
concur-sequential-blocking-loop). Expectations are written in the source, in
clang-tidy's own style:

  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: independent iterations ...
  // CHECK-NOTES: :[[@LINE-4]]:10: note: 'recv' blocks on network I/O
  // CHECK-FIXES: co_await concur::sleep_for(10ms);

Every warning, error or remark clang-tidy reports for the file must match a
CHECK-MESSAGES line, and every CHECK-MESSAGES line must match one; the text
after the severity must be a prefix of the message, where `{{regex}}` stands
for text that varies (as in FileCheck: `confidence {{[0-9.]+}}`). CHECK-NOTES lines must
each match a note (other notes are allowed). CHECK-FIXES lines must appear,
in order, in the file after clang-tidy --fix. Optional lines:

  // CONCUR-ARGS: -std=c++17          compiler arguments (default -std=c++20)
  // CONCUR-CONFIG: {CheckOptions: {...}}   passed as --config
  // CONCUR-CHECKS: -*,concur-a,concur-b    checks to enable instead
  // CONCUR-FRONTEND: clang-tidy      only run through this front end

Exit status: 0 when every expectation holds, 1 otherwise (with a report), 77
when the source is limited to another front end (CTest reports it skipped).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MOCK = os.path.join(HERE, "Inputs", "mock")

DIAG = re.compile(r"^(.*?):(\d+):(\d+): (warning|error|note|remark): (.*?)(?: \[([\w,.-]+)\])?$")
EXPECT = re.compile(r"//\s*CHECK-(MESSAGES|NOTES):\s*:\[\[@LINE([+-]\d+)?\]\]:(\d+):\s*(warning|error|note|remark):\s*(.*)$")
FIX = re.compile(r"//\s*CHECK-FIXES:\s*(.*)$")
OPTION = re.compile(r"//\s*CONCUR-(ARGS|CONFIG|CHECKS|FRONTEND):\s*(.*)$")


def expectation_pattern(text):
    """The expected text as a regex anchored at the start: literal except for
    {{...}} groups, which are regexes."""
    parts = re.split(r"\{\{(.*?)\}\}", text)
    return re.compile("".join(part if index % 2 else re.escape(part)
                              for index, part in enumerate(parts)))


def parse_source(path):
    expectations, fixes, options = [], [], {}
    with open(path, encoding="utf-8") as source:
        for number, line in enumerate(source, start=1):
            match = EXPECT.search(line)
            if match:
                kind, offset, column, severity, text = match.groups()
                expectations.append({
                    "kind": kind, "line": number + int(offset or 0), "column": int(column),
                    "severity": severity, "text": text.strip(), "source_line": number,
                    "pattern": expectation_pattern(text.strip())})
                continue
            match = FIX.search(line)
            if match:
                fixes.append(match.group(1).strip())
                continue
            match = OPTION.search(line)
            if match:
                options[match.group(1)] = match.group(2).strip()
    return expectations, fixes, options


def clang_tidy_command(args, check, options, source, fix=False):
    checks = options.get("CHECKS", "-*," + check)
    if args.frontend == "concur-advise":
        command = [args.concur_advise, "--checks=" + checks, "--quiet",
                   "--progress=none", "--header-filter=^$", "--fail-on=none"]
    else:
        command = [args.clang_tidy, "--load=" + args.plugin, "--checks=" + checks,
                   "--quiet", "--header-filter=^$", "--system-headers=false"]
    if "CONFIG" in options:
        command.append("--config=" + options["CONFIG"])
    if fix:
        command.append("--fix")
    compile_args = options.get("ARGS", "-std=c++20").split()
    language = ["-x", "c"] if source.endswith(".c") else ["-x", "c++", "-nostdinc++"]
    command += [source, "--"] + language + compile_args + ["-isystem", MOCK]
    return command


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clang-tidy")
    parser.add_argument("--plugin")
    parser.add_argument("--frontend", choices=["clang-tidy", "concur-advise"],
                        default="clang-tidy")
    parser.add_argument("--concur-advise", help="the concur-advise binary")
    parser.add_argument("source")
    args = parser.parse_args()
    if args.frontend == "clang-tidy" and not (args.clang_tidy and args.plugin):
        parser.error("--clang-tidy and --plugin are required")
    if args.frontend == "concur-advise" and not args.concur_advise:
        parser.error("--concur-advise is required")

    source = os.path.abspath(args.source)
    check = os.path.basename(os.path.dirname(source))
    expectations, fixes, options = parse_source(source)
    if options.get("FRONTEND", args.frontend) != args.frontend:
        print(f"SKIP: {os.path.relpath(source, HERE)} runs only through {options['FRONTEND']}")
        return 77

    run = subprocess.run(clang_tidy_command(args, check, options, source),
                         capture_output=True, text=True, timeout=300)
    output = run.stdout + run.stderr
    if run.returncode < 0 or "Stack dump" in output or "PLEASE submit a bug report" in output:
        print(output)
        print(f"FAIL: {args.frontend} crashed (exit {run.returncode})")
        return 1

    actual = []
    for line in output.splitlines():
        match = DIAG.match(line)
        if not match:
            continue
        file, number, column, severity, text, name = match.groups()
        if os.path.abspath(file) != source:
            continue
        actual.append({"line": int(number), "column": int(column), "severity": severity,
                       "text": text, "check": name, "matched": False})

    failures = []
    for expected in expectations:
        wanted = "note" if expected["kind"] == "NOTES" else None
        found = None
        for diag in actual:
            if diag["matched"] and expected["kind"] == "MESSAGES":
                continue
            if wanted and diag["severity"] != "note":
                continue
            if not wanted and diag["severity"] == "note":
                continue
            if (diag["line"], diag["column"], diag["severity"]) != (
                    expected["line"], expected["column"], expected["severity"]):
                continue
            if not expected["pattern"].match(diag["text"]):
                continue
            found = diag
            break
        if found is None:
            failures.append("line {source_line}: expected {severity} at {line}:{column}: {text}".format(**expected))
        elif expected["kind"] == "MESSAGES":
            found["matched"] = True
    for diag in actual:
        if diag["severity"] != "note" and not diag["matched"]:
            failures.append("unexpected {severity} at {line}:{column}: {text} [{check}]".format(**diag))

    if fixes:
        with tempfile.TemporaryDirectory() as scratch:
            copy = os.path.join(scratch, os.path.basename(source))
            shutil.copy(source, copy)
            subprocess.run(clang_tidy_command(args, check, options, copy, fix=True),
                           capture_output=True, text=True, timeout=300)
            # The expectation comments themselves must not satisfy a
            # CHECK-FIXES line: compare the code only.
            with open(copy, encoding="utf-8") as fixed:
                lines = [re.sub(r"//\s*(CHECK|CONCUR)-.*$", "", line.rstrip("\n"))
                         for line in fixed]
        position = 0
        for wanted in fixes:
            while position < len(lines) and wanted not in lines[position]:
                position += 1
            if position == len(lines):
                failures.append("fix not applied: " + wanted)
                break
            position += 1

    if failures:
        print(output)
        print("\n".join("FAIL: " + failure for failure in failures))
        return 1
    warnings = sum(1 for diag in actual if diag["severity"] != "note")
    print(f"PASS: {os.path.relpath(source, HERE)} ({args.frontend}): {len(expectations)} expectations, "
          f"{warnings} diagnostics, {len(fixes)} fixes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
