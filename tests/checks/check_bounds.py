#!/usr/bin/env python3
"""Pathological inputs stay bounded in time and memory.

Each case generates a source file that stresses one part of the analysis:
long call chains and large recursive cycles (the bottom-up summaries over
strongly connected components), deeply nested statements (the scanner's depth
limit), a very large function, and heavy template instantiation. Each is run
twice in the same process tree, alternating: once with `--checks=-*,concur-*`
and once with `--checks=-*,readability-else-after-return` (a check that costs
next to nothing, so its run is the cost of parsing). A case passes when the
concur run did not crash, produced the diagnostics the case expects (so the
analysis really ran to the end), and took at most --max-time-ratio times the
baseline's time plus --slack seconds and at most --max-memory-ratio times its
peak memory plus --memory-slack MiB. Ratios against a baseline measured in the
same run keep the test meaningful on a loaded machine; the bounds are loose
because they guard against blow-ups (exponential paths, unbounded recursion),
not against a few per cent.

Usage: check_bounds.py --clang-tidy clang-tidy-19 --plugin libconcur-tidy.so
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MOCK = os.path.join(HERE, "Inputs", "mock")
HEADER = "#include <concur_mock_posix.h>\n#include <mock_std.h>\n"


def call_chain(depth=3000):
    """f0 -> f1 -> ... -> f{depth-1} -> recv; a loop calls f0."""
    lines = [HEADER]
    for i in reversed(range(depth)):
        callee = (f"f{i + 1}(fd)" if i + 1 < depth
                  else "(long)recv(fd, nullptr, 0, 0)")
        lines.append(f"long f{i}(int fd) {{ return {callee} + 1; }}")
    lines.append("void top(const int *fds, long *out, int n) {\n"
                 "  for (int i = 0; i < n; ++i)\n    out[i] = f0(fds[i]);\n}")
    return "\n".join(lines) + "\n", ["warning: independent iterations each block on network I/O"]


def recursive_cycle(size=1500):
    """A ring of mutually recursive functions, one of which blocks."""
    lines = [HEADER]
    lines += [f"long r{i}(int fd, int n);" for i in range(size)]
    for i in range(size):
        body = f"n > 0 ? r{(i + 1) % size}(fd, n - 1) : 0"
        if i == size // 2:
            body = f"(long)send(fd, \"x\", 1, 0) + ({body})"
        lines.append(f"long r{i}(int fd, int n) {{ return {body}; }}")
    lines.append("void top(const int *fds, long *out, int n) {\n"
                 "  for (int i = 0; i < n; ++i)\n    out[i] = r0(fds[i], 10);\n}")
    return "\n".join(lines) + "\n", ["warning: independent iterations each block on network I/O"]


def self_recursion_fan(count=400):
    """Many self-recursive functions, each calling every earlier one."""
    lines = [HEADER]
    for i in range(count):
        calls = " + ".join(f"g{j}(n - 1)" for j in range(max(0, i - 8), i)) or "0"
        lines.append(f"long g{i}(int n) {{ return n <= 0 ? 1 : g{i}(n - 1) + {calls}; }}")
    lines.append("void top(const int *ns, long *out, int n) {\n"
                 f"  for (int i = 0; i < n; ++i)\n    out[i] = g{count - 1}(ns[i]);\n}}")
    return "\n".join(lines) + "\n", ["warning: independent iterations each do substantial CPU work"]


def deep_nesting(depth=700):
    """Statements nested deeper than the scanner's depth limit (512)."""
    opening = "".join("if (n > %d) { " % i for i in range(depth))
    closing = "} " * depth
    source = (HEADER + "long nest(int fd, int n) {\n  long s = 0;\n  " + opening +
              "s += recv(fd, nullptr, 0, 0); " + closing + "\n  return s;\n}\n"
              "void top(const int *fds, long *out, int n) {\n"
              "  for (int i = 0; i < n; ++i)\n    out[i] = nest(fds[i], i);\n}\n")
    # The blocking call is past the depth limit: the scan stops there, so
    # the loop is not reported (the estimate is incomplete, not wrong).
    return source, []


def deep_loops(depth=60):
    """Loops nested sixty deep: trip-count products must stay finite."""
    source = HEADER + "double deep(double *a, int n) {\n  double s = 0;\n"
    for i in range(depth):
        source += "  " * (i + 1) + f"for (int i{i} = 0; i{i} < n; ++i{i})\n"
    source += "  " * (depth + 1) + "s += a[i0] * 1.5;\n  return s;\n}\n"
    source += ("void top(double **rows, double *out, int n) {\n"
               "  for (int r = 0; r < n; ++r)\n    out[r] = deep(rows[r], n);\n}\n")
    return source, ["warning: independent iterations each do substantial CPU work"]


def large_function(statements=20000):
    """One function of twenty thousand statements, many of them calls."""
    body = []
    for i in range(statements):
        if i % 5 == 0:
            body.append(f"  s += (long)recv(fds[{i % 7}], nullptr, 0, 0);")
        elif i % 5 == 1:
            body.append(f"  s += v[{i % 13}] * {i};")
        else:
            body.append(f"  s ^= s << {i % 11};")
    source = (HEADER + "long big(const int *fds, const long *v) {\n  long s = 0;\n" +
              "\n".join(body) + "\n  return s;\n}\n"
              "void top(const int **fds, const long *v, long *out, int n) {\n"
              "  for (int i = 0; i < n; ++i)\n    out[i] = big(fds[i], v);\n}\n")
    return source, ["warning: independent iterations each block on network I/O"]


def heavy_templates(depth=400, width=6):
    """Recursive class and function templates: hundreds of instantiations,
    each with a loop, all reaching std::sort at the bottom."""
    source = HEADER + """
template <int N> struct Work {
  static long run(std::vector<long> &v) {
    long s = 0;
    for (int k = 0; k < %d; ++k)
      s += Work<N - 1>::run(v) + k;
    return s;
  }
};
template <> struct Work<0> {
  static long run(std::vector<long> &v) {
    std::sort(v.begin(), v.end());
    return v.front();
  }
};
template <class T, int N> T fold(std::vector<T> &v) {
  if constexpr (N == 0) {
    std::sort(v.begin(), v.end());
    return v.front();
  } else {
    return fold<T, N - 1>(v) + T(N);
  }
}
void top(std::vector<std::vector<long>> &batches, long *out) {
  for (size_t i = 0; i < batches.size(); ++i)
    out[i] = Work<%d>::run(batches[i]) + fold<long, %d>(batches[i]);
}
""" % (width, depth, depth)
    return source, ["warning: independent iterations each do substantial CPU work"]


CASES = [
    ("call-chain", call_chain),
    ("recursive-cycle", recursive_cycle),
    ("self-recursion-fan", self_recursion_fan),
    ("deep-nesting", deep_nesting),
    ("deep-loops", deep_loops),
    ("large-function", large_function),
    ("heavy-templates", heavy_templates),
]


def measure(command):
    """Runs the command; returns (seconds, peak RSS in MiB, exit status, output).
    The child is reaped with wait4, which gives that child's own peak RSS."""
    start = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    output = process.stdout.read().decode("utf-8", "replace")
    process.stdout.close()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024.0, process.returncode, output


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clang-tidy", required=True)
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--max-time-ratio", type=float, default=4.0)
    parser.add_argument("--slack", type=float, default=5.0)
    parser.add_argument("--max-memory-ratio", type=float, default=2.0)
    parser.add_argument("--memory-slack", type=float, default=256.0)
    parser.add_argument("--only")
    args = parser.parse_args()

    failed = ran = 0
    with tempfile.TemporaryDirectory(prefix="concur-bounds-") as scratch:
        for name, generate in CASES:
            if args.only and name != args.only:
                continue
            ran += 1
            source_text, expected = generate()
            source = os.path.join(scratch, name + ".cpp")
            with open(source, "w", encoding="utf-8") as out:
                out.write(source_text)
            def command(checks):
                return [args.clang_tidy, "--load=" + args.plugin, "--checks=" + checks,
                        "--quiet", source, "--", "-x", "c++", "-std=c++20",
                        "-nostdinc++", "-isystem", MOCK, "-fbracket-depth=2048"]
            base_time, base_mem, _, _ = measure(command("-*,readability-else-after-return"))
            time_, mem, status, output = measure(command("-*,concur-*"))
            failures = []
            if status < 0 or "Stack dump" in output or "PLEASE submit" in output:
                failures.append(f"crashed (status {status})")
            for fragment in expected:
                if fragment not in output:
                    failures.append("missing: " + fragment)
            time_bound = args.max_time_ratio * base_time + args.slack
            mem_bound = args.max_memory_ratio * base_mem + args.memory_slack
            if time_ > time_bound:
                failures.append(f"took {time_:.2f} s, bound {time_bound:.2f} s")
            if mem > mem_bound:
                failures.append(f"peak {mem:.0f} MiB, bound {mem_bound:.0f} MiB")
            summary = (f"{name}: {len(source_text) // 1024} KiB source; concur "
                       f"{time_:.2f} s / {mem:.0f} MiB, baseline {base_time:.2f} s / "
                       f"{base_mem:.0f} MiB")
            if failures:
                failed += 1
                print(output[-4000:])
                for failure in failures:
                    print(f"FAIL: {summary}: {failure}")
            else:
                print(f"PASS: {summary}")
    print(f"{ran - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
