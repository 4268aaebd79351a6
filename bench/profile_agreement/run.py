#!/usr/bin/env python3
"""How often the static class matches what a run measures, on the bundled
examples' before/after programs.

  python3 bench/profile_agreement/run.py --build build --fp-build build-fp

BUILD has concur-profile and concur-advise; FP_BUILD is a build of the
examples with frame pointers (CMAKE_C_FLAGS and CMAKE_CXX_FLAGS
"-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer", ANALYSIS=OFF). Each
program runs under concur-profile with the inputs its test uses (the network
ones against the local example server; no outside network), then
concur-advise --profile joins the run with the static analysis of its
source (at 10000 on-CPU samples a second: the examples run for about 0.1 s).
Functions of the example's own source with a confident measurement
(confidence >= 0.8) are compared: a table of every function, then the
agreement per static class. The after programs' spread over threads is the
largest number of threads that ran one of their functions.
"""

import argparse
import collections
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, deadline=10):
    end = time.monotonic() + deadline
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=5)
        except ConnectionRefusedError:
            if time.monotonic() > end:
                raise
            time.sleep(0.05)


def profile_server(profile, binary, out):
    """Profiles an echo server while 20 clients, one after the other, send
    64 KiB each in 4 KiB pieces, 2 ms apart, and read the echo."""
    port = free_port()
    proc = subprocess.Popen([*profile, "-o", out, "--", binary, str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for client in range(20):
            with (wait_for_port(port) if client == 0
                  else socket.create_connection(("127.0.0.1", port), timeout=5)) as s:
                received = 0
                for _ in range(16):
                    s.sendall(b"x" * 4096)
                    time.sleep(0.002)
                s.shutdown(socket.SHUT_WR)
                while True:
                    data = s.recv(65536)
                    if not data:
                        break
                    received += len(data)
    finally:
        # The server is the profiler's child: end it, the profile is written.
        children = open(f"/proc/{proc.pid}/task/{proc.pid}/children").read().split()
        for child in children:
            os.kill(int(child), signal.SIGTERM)
        proc.communicate(timeout=30)


def profile_downloads(profile, server, binary, out):
    srv = subprocess.Popen([server, "--http", "0"], stdout=subprocess.PIPE, text=True)
    try:
        port = int(srv.stdout.readline().split()[1])
        urls = [f"http://127.0.0.1:{port}/bytes/{1000 * i + 7}" for i in range(40)]
        subprocess.run([*profile, "-o", out, "--", binary, *urls], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=dict(os.environ, CONCUR_DOWNLOADS_LIMIT="8"))
    finally:
        srv.kill()
        srv.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--fp-build", required=True)
    parser.add_argument("--min-confidence", type=float, default=0.8)
    parser.add_argument("--frequency", default="10000",
                        help="on-CPU rate (the examples run for 0.1 s; default 10000)")
    parser.add_argument("--wait-frequency", default="1000")
    args = parser.parse_args()
    build, fp = os.path.abspath(args.build), os.path.abspath(args.fp_build)
    profile = os.path.join(build, "bin", "concur-profile")
    rates = ["--frequency", args.frequency, "--wait-frequency", args.wait_frequency]
    advise = os.path.join(build, "bin", "concur-advise")
    ex = os.path.join(fp, "examples")
    rows, spread = [], {}
    with tempfile.TemporaryDirectory() as scratch:
        fileio_inputs = [os.path.join(ex, "fileio", "inputs", f"file{n}.txt")
                         for n in range(0, 41, 5)] + [os.path.join(ex, "fileio", "inputs",
                                                                   "missing.txt")]
        for example in ("batch", "fileio", "numeric", "legacy_records", "downloads", "server"):
            for variant in ("before", "after"):
                binary = os.path.join(ex, example, f"example_{example}_{variant}")
                out = os.path.join(scratch, f"{example}_{variant}.json")
                env = dict(os.environ, CONCUR_EXAMPLE_CACHE=os.path.join(scratch, "cache"))
                if example == "server":
                    profile_server([profile, *rates], binary, out)
                elif example == "downloads":
                    profile_downloads([profile, *rates], os.path.join(ex, "server",
                                                            "example_server_after"),
                                      binary, out)
                else:
                    extra = fileio_inputs if example == "fileio" else []
                    subprocess.run([profile, *rates, "-o", out, "--", binary, *extra], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                with open(out) as f:
                    measured = json.load(f)
                source = os.path.join(ROOT, "examples", example, f"{variant}.cpp")
                spread[(example, variant)] = max(
                    (fn["on_cpu_threads"] for fn in measured["functions"]
                     if fn["file"].startswith(os.path.join(ROOT, "examples"))), default=0)
                report_path = os.path.join(scratch, "advice.json")
                subprocess.run([advise, "-p", fp, source, "--summaries",
                                os.path.join(scratch, "s.db"), "--quiet", "--progress",
                                "none", "--format", "json", "-o", report_path,
                                "--profile", out, "--fail-on", "none"], check=True)
                with open(report_path) as f:
                    report = json.load(f)
                for fn in report["functions"]:
                    m = fn["measured"]
                    if fn["file"] != source or not m:
                        continue
                    reasons = m["off_cpu_by_reason"]
                    top = max(reasons, key=reasons.get) if reasons else ""
                    rows.append((example, variant, fn["qualified_name"], fn["class"], m["class"],
                                 m["on_cpu_ms"], m["off_cpu_ms"], top, m["confidence"]))
    print("| example | program | function | static | measured | confidence | on-CPU ms "
          "| off-CPU ms | waits mostly in |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        mark = "" if r[3] == r[4] else " **≠**"
        print(f"| {r[0]} | {r[1]} | `{r[2]}` | {r[3]} | {r[4]}{mark} | {r[8]:.2f} | "
              f"{r[5]:.1f} | {r[6]:.1f} | {r[7]} |")
    rows = [r for r in rows if r[8] >= args.min_confidence]
    print()
    print(f"Agreement over the {len(rows)} functions measured with confidence "
          f">= {args.min_confidence}:")
    print()
    print("| static class | functions | measured the same | agreement |")
    print("|---|---|---|---|")
    by_class = collections.defaultdict(lambda: [0, 0])
    for r in rows:
        by_class[r[3]][0] += 1
        by_class[r[3]][1] += r[3] == r[4]
    total = [0, 0]
    for klass in ("io", "cpu", "mixed", "trivial"):
        n, same = by_class[klass]
        total[0] += n
        total[1] += same
        if n:
            print(f"| {klass} | {n} | {same} | {100 * same / n:.0f}% |")
    if total[0]:
        print(f"| all | {total[0]} | {total[1]} | {100 * total[1] / total[0]:.0f}% |")
    print()
    print("| example | threads that ran one function, before | after |")
    print("|---|---|---|")
    for example in ("batch", "fileio", "numeric", "legacy_records", "downloads", "server"):
        print(f"| {example} | {spread[(example, 'before')]} | {spread[(example, 'after')]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
