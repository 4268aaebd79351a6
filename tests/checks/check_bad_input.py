#!/usr/bin/env python3
"""Bad input to the concur plugin: each case gives a clear message and a defined
exit status, never a crash.

Each case writes a small project into a scratch directory (a source file and
perhaps `.concur.yaml` or a knowledge-base file), runs clang-tidy-19 with the
plugin over it, and checks that:
  - clang-tidy did not crash (no signal, no stack dump);
  - its exit status is the one the case expects (0: the run completes;
    non-zero: clang-tidy reports an error);
  - every expected fragment appears in the output (file, line and what is
    wrong), and the analysis still ran where the input allows it.

Usage: check_bad_input.py --clang-tidy clang-tidy-19 --plugin libconcur-tidy.so
       [--only NAME]
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MOCK = os.path.join(HERE, "Inputs", "mock")

# A loop the blocking-loop check reports: proves the analysis still ran.
BLOCKING_LOOP = """#include <concur_mock_posix.h>
void poll_all(const int *fds, int n, long *out) {
  char (*bufs)[64] = (char (*)[64])(out + n);
  for (int i = 0; i < n; ++i)
    out[i] = recv(fds[i], bufs[i], sizeof bufs[i], 0);
}
"""
LOOP_WARNING = "main.cpp:4:3: warning: independent iterations each block on network I/O"

CASES = [
    {
        "name": "syntax-error",
        "why": "code that fails to parse: clang's error is reported, the rest "
               "of the file is still analysed, nothing crashes",
        "source": BLOCKING_LOOP + "int broken( {\n  return 0\n}\n",
        "status": "nonzero",
        "expect": ["main.cpp:8:3: error: expected expression", LOOP_WARNING],
    },
    {
        "name": "undeclared-callee",
        "why": "a call of an undeclared function (a missing header) is an "
               "error; the analysis treats the call as unknown",
        "source": "void run(int fd) {\n  for (int i = 0; i < fd; ++i)\n"
                  "    missing_function(fd);\n}\n",
        "status": "nonzero",
        "expect": ["main.cpp:3:5: error: use of undeclared identifier 'missing_function'"],
        "forbid": ["warning: independent iterations"],
    },
    {
        "name": "unknown-option",
        "why": "a misspelt check option is named by clang-tidy --verify-config, "
               "with the option the plugin knows, and exit status 1",
        "source": BLOCKING_LOOP,
        "config": "{CheckOptions: {concur-sequential-blocking-loop.FanOutTreshold: '4'}}",
        "args": ["--verify-config"],
        "status": 1,
        "expect": ["unknown check option 'concur-sequential-blocking-loop.FanOutTreshold'",
                   "did you mean 'concur-sequential-blocking-loop.FanOutThreshold'"],
    },
    {
        "name": "unknown-option-run",
        "why": "without --verify-config clang-tidy ignores an unknown option "
               "and the analysis runs with the defaults",
        "source": BLOCKING_LOOP,
        "config": "{CheckOptions: {concur-sequential-blocking-loop.FanOutTreshold: '4'}}",
        "status": 0,
        "expect": [LOOP_WARNING],
    },
    {
        "name": "option-not-a-number",
        "why": "a threshold that is not a number names the option and value; "
               "the default is used",
        "source": BLOCKING_LOOP,
        "config": "{CheckOptions: {concur-sequential-blocking-loop.SubstantialBlocking: lots}}",
        "status": 0,
        "expect": ["invalid configuration value 'lots' for option "
                   "'concur-sequential-blocking-loop.SubstantialBlocking'",
                   LOOP_WARNING],
    },
    {
        "name": "extra-blocking-bad-kind",
        "why": "an ExtraBlockingFunctions item with an unknown kind is named; "
               "the valid items still apply",
        "source": "#include <concur_mock_posix.h>\nvoid rpc(int);\nvoid other(int);\n"
                  "void all(const int *ids, int n) {\n  for (int i = 0; i < n; ++i)\n"
                  "    rpc(ids[i]);\n}\n",
        "config": "{CheckOptions: {concur-sequential-blocking-loop.ExtraBlockingFunctions: "
                  "'rpc=network;other=teleport;=file'}}",
        "status": 0,
        "expect": ["invalid item 'other=teleport' in option 'ExtraBlockingFunctions'",
                   "invalid item '=file' in option 'ExtraBlockingFunctions'",
                   "main.cpp:5:3: warning: independent iterations each block on network I/O in 'rpc'"],
    },
    {
        "name": "knowledge-base-file-missing",
        "why": "a KnowledgeBaseFile that does not exist is named with the "
               "system's reason; the built-in knowledge base still applies",
        "source": BLOCKING_LOOP,
        "config": "{CheckOptions: {concur-sequential-blocking-loop.KnowledgeBaseFile: "
                  "'{dir}/no-such-kb.yaml'}}",
        "status": 0,
        "expect": ["cannot read knowledge base file '{dir}/no-such-kb.yaml'",
                   "No such file or directory", LOOP_WARNING],
    },
    {
        "name": "knowledge-base-file-malformed-yaml",
        "why": "a knowledge-base file that is not valid YAML: file, line and "
               "column of the error",
        "source": BLOCKING_LOOP,
        "files": {"kb.yaml": "version: 1\nentries:\n  - names: [rpc\n    io: network\n"},
        "config": "{CheckOptions: {concur-sequential-blocking-loop.KnowledgeBaseFile: '{dir}/kb.yaml'}}",
        "status": 0,
        "expect": ["{dir}/kb.yaml:4:", LOOP_WARNING],
    },
    {
        "name": "knowledge-base-file-unknown-kind",
        "why": "a knowledge-base entry with an unknown I/O kind: file, line "
               "and the bad value",
        "source": BLOCKING_LOOP,
        "files": {"kb.yaml": "version: 1\nentries:\n  - names: [rpc]\n    io: telepathy\n"},
        "config": "{CheckOptions: {concur-sequential-blocking-loop.KnowledgeBaseFile: '{dir}/kb.yaml'}}",
        "status": 0,
        "expect": ["{dir}/kb.yaml:3:5: unknown I/O kind 'telepathy'", LOOP_WARNING],
    },
    {
        "name": "knowledge-base-file-unknown-key",
        "why": "a misspelt key in a knowledge-base entry is named with its line",
        "source": BLOCKING_LOOP,
        "files": {"kb.yaml": "version: 1\nentries:\n  - names: [rpc]\n    blocks: network\n"},
        "config": "{CheckOptions: {concur-sequential-blocking-loop.KnowledgeBaseFile: '{dir}/kb.yaml'}}",
        "status": 0,
        "expect": ["{dir}/kb.yaml:4:5: unknown key 'blocks'", LOOP_WARNING],
    },
    {
        "name": "knowledge-base-file-bad-version",
        "why": "a knowledge base of an unsupported version is refused by name",
        "source": BLOCKING_LOOP,
        "files": {"kb.yaml": "version: 7\nentries: []\n"},
        "config": "{CheckOptions: {concur-sequential-blocking-loop.KnowledgeBaseFile: '{dir}/kb.yaml'}}",
        "status": 0,
        "expect": ["kb.yaml", "version", LOOP_WARNING],
    },
    {
        "name": "concur-yaml-malformed",
        "why": "a malformed .concur.yaml next to the source is an error at the "
               "top of the file that names the file and line",
        "source": BLOCKING_LOOP,
        "files": {".concur.yaml": "version: 1\noptions:\n  fan-out-threshold: [8\n"},
        "status": "nonzero",
        "expect": ["main.cpp:1:1: error:", "{dir}/.concur.yaml:"],
    },
    {
        "name": "concur-yaml-unknown-option",
        "why": "an unknown key under options in .concur.yaml is named with its line",
        "source": BLOCKING_LOOP,
        "files": {".concur.yaml": "version: 1\noptions:\n  fanout-threshold: 8\n"},
        "status": "nonzero",
        "expect": ["main.cpp:1:1: error:", "{dir}/.concur.yaml:3:", "fanout-threshold"],
    },
    {
        "name": "concur-yaml-bad-value",
        "why": "a threshold that is not a number in .concur.yaml",
        "source": BLOCKING_LOOP,
        "files": {".concur.yaml": "version: 1\noptions:\n  substantial-work: much\n"},
        "status": "nonzero",
        "expect": ["main.cpp:1:1: error:", "{dir}/.concur.yaml:3:"],
    },
    {
        "name": "concur-yaml-in-parent",
        "why": "a malformed .concur.yaml is found walking up from the source",
        "source": BLOCKING_LOOP,
        "source_dir": "src/deeper",
        "files": {".concur.yaml": "version: 1\nknowledge-base:\n  - names: [x]\n    io: nowhere\n"},
        "status": "nonzero",
        "expect": ["main.cpp:1:1: error: invalid project configuration: "
                   "{dir}/.concur.yaml:3:5: unknown I/O kind 'nowhere'"],
    },
    {
        "name": "concur-yaml-valid-extends",
        "why": "control case: a valid .concur.yaml teaches a blocking API",
        "source": "void rpc(int);\nvoid all(const int *ids, int n) {\n"
                  "  for (int i = 0; i < n; ++i)\n    rpc(ids[i]);\n}\n",
        "files": {".concur.yaml": "version: 1\nknowledge-base:\n  - names: [rpc]\n    io: network\n"},
        "status": 0,
        "expect": ["main.cpp:3:3: warning: independent iterations each block on network I/O in 'rpc'"],
    },
    {
        "name": "empty-source",
        "why": "an empty file has nothing to report",
        "source": "",
        "status": 0,
        "expect": [],
        "forbid": ["warning:", "error:"],
    },
    {
        "name": "binary-garbage",
        "why": "a file of random bytes fails to parse without a crash",
        "source": "\x01\x02\x7f{{{{ ]]]] \xff\xfe #include \"\n" * 20,
        "status": "nonzero",
        "expect": ["error:"],
    },
]


def run_case(args, case):
    with tempfile.TemporaryDirectory(prefix="concur-bad-input-") as scratch:
        scratch = os.path.realpath(scratch)
        def fill(text):
            return text.replace("{dir}", scratch)
        for name, text in case.get("files", {}).items():
            with open(os.path.join(scratch, name), "w", encoding="utf-8") as out:
                out.write(text)
        source_dir = os.path.join(scratch, case.get("source_dir", ""))
        os.makedirs(source_dir, exist_ok=True)
        source = os.path.join(source_dir, "main.cpp")
        with open(source, "w", encoding="utf-8", errors="surrogateescape") as out:
            out.write(case["source"])
        command = [args.clang_tidy, "--load=" + args.plugin,
                   "--checks=-*,concur-*", "--quiet"]
        if "config" in case:
            command.append("--config=" + fill(case["config"]))
        command += case.get("args", [])
        command += [source, "--", "-x", "c++", "-std=c++20", "-nostdinc++",
                    "-isystem", MOCK]
        try:
            run = subprocess.run(command, capture_output=True, text=True,
                                 errors="replace", timeout=300, cwd=scratch)
        except subprocess.TimeoutExpired:
            return ["timed out after 300 s"], ""
        output = run.stdout + run.stderr
        failures = []
        if run.returncode < 0 or "Stack dump" in output or "PLEASE submit" in output:
            failures.append(f"crashed (exit {run.returncode})")
        wanted = case["status"]
        if wanted == "nonzero" and run.returncode == 0:
            failures.append("exit status 0, expected an error status")
        elif wanted != "nonzero" and run.returncode != wanted:
            failures.append(f"exit status {run.returncode}, expected {wanted}")
        for fragment in case.get("expect", []):
            if fill(fragment) not in output:
                failures.append("missing: " + fill(fragment))
        for fragment in case.get("forbid", []):
            if fill(fragment) in output:
                failures.append("unexpected: " + fill(fragment))
        return failures, output


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clang-tidy", required=True)
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--only")
    args = parser.parse_args()
    failed = ran = 0
    for case in CASES:
        if args.only and case["name"] != args.only:
            continue
        ran += 1
        failures, output = run_case(args, case)
        if failures:
            failed += 1
            print(output)
            for failure in failures:
                print(f"FAIL: {case['name']}: {failure}")
        else:
            print(f"PASS: {case['name']}: {case['why']}")
    print(f"{ran - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
