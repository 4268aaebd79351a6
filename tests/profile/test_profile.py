#!/usr/bin/env python3
"""concur-profile end to end, one scenario per CTest test.

Each program under programs/ does one kind of thing (sleep, spin, block on a
pipe, wait on a condition variable, fork, spread work over threads); the
test profiles it and checks the measured class of its functions, the
reason of their waits and the schema of the file. The refused path runs
concur-profile under a seccomp filter that refuses perf_event_open (as a
container does); the unprivileged test runs it as 'nobody' when the test
runs as root.

test_profile.py --profile BIN --programs DIR SCENARIO
Exit status 77 means skipped (the reason is printed).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77
FUNCTION_KEYS = {"symbol", "mangled", "file", "line", "module", "on_cpu_ms",
                 "self_on_cpu_ms", "off_cpu_ms", "off_cpu_by_reason", "off_cpu_via",
                 "on_cpu_samples", "off_cpu_samples", "on_cpu_threads", "measured"}
TOTAL_KEYS = {"wall_ms", "on_cpu_ms", "blocked_ms", "preempted_ms", "processes",
              "threads", "lost_records", "unread_stacks"}


class Failure(Exception):
    pass


class Skip(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class Runner:
    def __init__(self, profile, programs, scratch):
        self.profile = profile
        self.programs = programs
        self.scratch = scratch

    def run(self, args, prefix=(), env=None, expect=0):
        out = os.path.join(self.scratch, "profile.json")
        proc = subprocess.run([*prefix, self.profile, "-o", out, *args],
                              capture_output=True, text=True, env=env, timeout=100)
        if proc.returncode == 3 and expect != 3:
            # This machine refuses perf events (a container's seccomp
            # profile, perf_event_paranoid 3): nothing can be measured here.
            raise Skip(proc.stderr.strip())
        check(proc.returncode == expect,
              f"exit status {proc.returncode}, expected {expect}:\n{proc.stderr}")
        return proc, out

    def profile_of(self, program, *args):
        proc, out = self.run(["--", os.path.join(self.programs, program), *args])
        with open(out) as f:
            report = json.load(f)
        check(report["totals"]["lost_records"] == 0, report["totals"])
        return report


def function(report, symbol):
    for fn in report["functions"]:  # a C++ symbol has its parameters
        if fn["symbol"] == symbol or fn["symbol"].startswith(symbol + "("):
            return fn
    names = [fn["symbol"] for fn in report["functions"]]
    raise Failure(f"no function '{symbol}' in the profile: {names}")


def measured(report, symbol, klass, reason=None):
    fn = function(report, symbol)
    check(fn["measured"]["class"] == klass,
          f"'{symbol}' measured {fn['measured']}, expected {klass}: {fn}")
    if reason:
        reasons = fn["off_cpu_by_reason"]
        check(reasons and max(reasons, key=reasons.get) == reason,
              f"'{symbol}' waits in {reasons}, expected mostly {reason}")
    return fn


def test_sleeps(r):
    report = r.profile_of("sleeps")
    fn = measured(report, "nap", "io", "clock_nanosleep")
    # 20 sleeps of 20 ms: the sampled waiting is about 400 ms.
    check(300 <= fn["off_cpu_ms"] <= 600, fn)
    measured(report, "main", "io", "clock_nanosleep")
    check(fn["file"] == os.path.join(os.path.dirname(__file__), "programs", "sleeps.c")
          and fn["line"] == 4, fn)


def test_spins(r):
    report = r.profile_of("spins")
    fn = measured(report, "crunch", "cpu")
    check(fn["off_cpu_ms"] == 0 and fn["on_cpu_samples"] >= 20, fn)
    # main calls crunch, which has no frame of its own at -O1: main is
    # still on the stack of its samples.
    check(function(report, "main")["on_cpu_samples"] >= fn["on_cpu_samples"] * 0.9,
          function(report, "main"))
    t = report["totals"]
    check(t["on_cpu_ms"] > 50 and t["blocked_ms"] < t["on_cpu_ms"], t)


def test_pipe_reader(r):
    report = r.profile_of("pipe_reader")
    measured(report, "drain", "io", "read")
    check(report["totals"]["processes"] == 2, report["totals"])


def test_condvar(r):
    report = r.profile_of("condvar")
    fn = measured(report, "wait_for_all", "io", "futex")
    # What the program called to wait, not the futex wrapper under it.
    check(max(fn["off_cpu_via"], key=fn["off_cpu_via"].get) == "pthread_cond_wait", fn)
    measured(report, "pthread_cond_wait", "io", "futex")
    measured(report, "producer", "io", "clock_nanosleep")
    check(report["totals"]["threads"] == 2, report["totals"])


def test_forks(r):
    report = r.profile_of("forks")
    measured(report, "wait_child", "io", "wait4")
    measured(report, "child_work", "cpu")
    check(report["totals"]["processes"] == 2, report["totals"])


def test_threads(r):
    report = r.profile_of("threads")
    fn = measured(report, "slice", "cpu")
    check(fn["on_cpu_threads"] >= 2, f"the work ran on one thread: {fn}")
    measured(report, "main", "io", "futex")  # it only joins the workers
    check(report["totals"]["threads"] == 5, report["totals"])


def test_schema(r):
    report = r.profile_of("forks")
    check(report["schema"] == "concur-profile/1", report["schema"])
    check(set(report) == {"schema", "command", "exit_status", "frequency_hz",
                          "wait_frequency_hz", "context_switches", "thresholds", "totals",
                          "functions"}, sorted(report))
    # Without --switches the totals are the samples' and preemption is unknown.
    check(report["context_switches"] is False and report["totals"]["preempted_ms"] is None,
          report["totals"])
    check(report["command"] == [os.path.join(r.programs, "forks")], report["command"])
    check(report["frequency_hz"] == 1000 and report["wait_frequency_hz"] == 200, report)
    check(set(report["totals"]) == TOTAL_KEYS, sorted(report["totals"]))
    check(set(report["thresholds"]) == {"substantial_work_ns", "substantial_blocking_ns",
                                        "mixed_ratio"}, report["thresholds"])
    totals = [fn["on_cpu_ms"] + fn["off_cpu_ms"] for fn in report["functions"]]
    check(totals == sorted(totals, reverse=True), "functions not sorted by time")
    for fn in report["functions"]:
        check(set(fn) == FUNCTION_KEYS, sorted(fn))
        check(fn["measured"]["class"] in ("io", "cpu", "mixed", "trivial"), fn)
        check(0 <= fn["measured"]["confidence"] <= 0.95, fn)
        check(abs(sum(fn["off_cpu_by_reason"].values()) - fn["off_cpu_ms"]) < 0.01, fn)
        check(abs(sum(fn["off_cpu_via"].values()) - fn["off_cpu_ms"]) < 0.01, fn)
        check(fn["self_on_cpu_ms"] <= fn["on_cpu_ms"] + 0.001, fn)
    fn = function(report, "child_work")
    check(os.path.isabs(fn["file"]) and fn["file"].endswith("forks.c"), fn)
    check(fn["module"] == os.path.join(r.programs, "forks"), fn)
    # A different rate is recorded as given.
    proc, out = r.run(["--frequency", "250", "--", os.path.join(r.programs, "spins")])
    with open(out) as f:
        check(json.load(f)["frequency_hz"] == 250, "rate not recorded")


def test_switches(r):
    """--switches: exact totals from the context-switch records."""
    proc, out = r.run(["--switches", "--", os.path.join(r.programs, "condvar")])
    with open(out) as f:
        report = json.load(f)
    t = report["totals"]
    check(report["context_switches"] is True and isinstance(t["preempted_ms"], float), t)
    # Two threads, each waiting about 400 ms in all.
    check(600 <= t["blocked_ms"] <= 1200 and t["on_cpu_ms"] < 100, t)
    measured(report, "wait_for_all", "io", "futex")
    check("preempted" in proc.stderr, proc.stderr)


def test_examples(r):
    """The examples' programs: the CPU ones measure cpu, the sequential
    server waits in recv, the after program spreads its work over threads.
    They run for about 0.1 s, hence the high rate."""
    rate = ["--frequency", "10000", "--wait-frequency", "1000"]
    for program, fn in [("example_batch_before", "summarise"),
                        ("example_numeric_before", "sample_gradient")]:
        proc, out = r.run([*rate, "--", os.path.join(r.programs, program)])
        with open(out) as f:
            measured(json.load(f), fn, "cpu")
    proc, out = r.run([*rate, "--", os.path.join(r.programs, "example_batch_after")])
    with open(out) as f:
        spread = function(json.load(f), "summarise")
    check(spread["measured"]["class"] == "cpu" and spread["on_cpu_threads"] >= 2,
          f"after: the work did not spread over threads: {spread}")
    # The sequential echo server, with clients one after the other.
    import socket
    import signal
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = os.path.join(r.scratch, "server.json")
    server = subprocess.Popen([r.profile, *rate, "-o", out, "--",
                               os.path.join(r.programs, "example_server_before"), str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for client in range(10):
            deadline = time.monotonic() + 10
            while True:
                try:
                    s = socket.create_connection(("127.0.0.1", port), timeout=5)
                    break
                except ConnectionRefusedError:
                    check(time.monotonic() < deadline, "the server did not start")
                    time.sleep(0.05)
            with s:
                for _ in range(8):
                    s.sendall(b"x" * 1024)
                    time.sleep(0.005)
                s.shutdown(socket.SHUT_WR)
                while s.recv(65536):
                    pass
    finally:
        with open(f"/proc/{server.pid}/task/{server.pid}/children") as f:
            for child in f.read().split():
                os.kill(int(child), signal.SIGTERM)
        server.communicate(timeout=30)
    with open(out) as f:
        measured(json.load(f), "serve_client", "io", "recvfrom")


def test_exit_status(r):
    proc, out = r.run(["--", "sh", "-c", "exit 7"], expect=7)
    with open(out) as f:
        check(json.load(f)["exit_status"] == 7, "exit status not recorded")
    proc, out = r.run(["--", "sh", "-c", "kill -TERM $$"], expect=128 + 15)


def test_bad_usage(r):
    for args, status, words in [
            ([], 2, "no command"),
            (["--frequency", "0", "--", "true"], 2, "--frequency"),
            (["--wait-frequency", "x", "--", "true"], 2, "--wait-frequency"),
            (["--bogus", "--", "true"], 2, "unknown option"),
            (["--", os.path.join(r.scratch, "no-such-program")], 127, "cannot run")]:
        proc, out = r.run(args, expect=status)
        check(words in proc.stderr, f"{args}: {proc.stderr}")
        check(not os.path.exists(out), f"{args}: a profile was written")
    proc = subprocess.run([r.profile, "-o", "/nonexistent/dir/p.json", "--", "true"],
                          capture_output=True, text=True)
    check(proc.returncode == 2 and "cannot write" in proc.stderr, proc.stderr)


def test_refused(r):
    deny = os.path.join(r.programs, "deny_perf")
    program = os.path.join(r.programs, "sleeps")
    for errno_name, words in [("EPERM", "seccomp"), ("EACCES", "perf_event_paranoid"),
                              ("ENOSYS", "seccomp")]:
        proc, out = r.run(["--", program], prefix=[deny, errno_name], expect=3)
        check(proc.stderr.startswith("concur-profile: perf events are not available"),
              proc.stderr)
        check(errno_name in proc.stderr and words in proc.stderr, proc.stderr)
        check(not os.path.exists(out), "a profile was written")


def test_unprivileged(r):
    if os.geteuid() != 0:
        # Already unprivileged: the other tests ran as this user.
        test_sleeps(r)
        return
    setpriv = shutil.which("setpriv")
    if not setpriv:
        raise Skip("setpriv (util-linux) is missing: cannot run as 'nobody'")
    # Copies the user can read, in a folder it can write.
    home = tempfile.mkdtemp(prefix="concur-profile-nobody-")
    os.chmod(home, 0o777)
    for name in ("sleeps", "spins"):
        shutil.copy(os.path.join(r.programs, name), home)
    profile = shutil.copy(r.profile, home)
    out = os.path.join(home, "p.json")
    prefix = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups",
              "--reset-env"]
    try:
        for name, fn, klass in [("sleeps", "nap", "io"), ("spins", "crunch", "cpu")]:
            proc = subprocess.run([*prefix, profile, "-o", out, "--",
                                   os.path.join(home, name)],
                                  capture_output=True, text=True, timeout=100)
            if proc.returncode == 3:
                raise Skip(f"perf events refused to nobody: {proc.stderr.strip()}")
            check(proc.returncode == 0, f"as nobody: {proc.returncode}\n{proc.stderr}")
            with open(out) as f:
                report = json.load(f)
            measured(report, fn, klass)
            check(os.stat(out).st_uid != 0, "the profile was not written by nobody")
    finally:
        shutil.rmtree(home, ignore_errors=True)


def advise(r, *args, expect=None, fmt="json"):
    """concur-advise on forks.c; the report, parsed when it is JSON."""
    out = os.path.join(r.scratch, "advice." + fmt)
    programs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs")
    proc = subprocess.run([r.advise, os.path.join(programs, "forks.c"),
                           "--summaries", os.path.join(r.scratch, "s.db"), "--quiet",
                           "--progress", "none", "--format", fmt, "-o", out, *args,
                           "--", "-O1"], capture_output=True, text=True, timeout=300)
    if expect is not None:
        check(proc.returncode == expect, f"concur-advise exit {proc.returncode}:\n{proc.stderr}")
        return proc, None
    check(proc.returncode in (0, 1), f"concur-advise exit {proc.returncode}:\n{proc.stderr}")
    with open(out) as f:
        return proc, json.load(f) if fmt in ("json", "sarif") else f.read()


def test_advise_join(r):
    """concur-advise --profile: measured classes beside the static ones."""
    r.profile_of("forks")
    profile = os.path.join(r.scratch, "profile.json")
    _, plain = advise(r)
    check(all(fn["measured"] is None for fn in plain["functions"]), "measured without --profile")
    _, report = advise(r, "--profile", profile)
    by_name = {fn["qualified_name"]: fn for fn in report["functions"]}
    for name, klass in [("child_work", "cpu"), ("wait_child", "io")]:
        m = by_name[name]["measured"]
        check(m and m["class"] == klass and m["static_class"] == by_name[name]["class"]
              and m["joined_by"] == "file:line" and not m["overrides"], by_name[name])
    check(by_name["wait_child"]["measured"]["off_cpu_by_reason"].get("wait4", 0) > 100,
          by_name["wait_child"])
    check(not any(f["check"] == "concur-profile-disagrees" for f in report["findings"]),
          "disagreements reported without --profile-findings")
    # main waits for its child (static io); the forked child runs child_work
    # under the same main, so the run measures it mixed.
    main = by_name["main"]
    check(main["class"] == "io" and main["measured"]["class"] == "mixed", main)
    _, found = advise(r, "--profile", profile, "--profile-findings")
    remarks = [f for f in found["findings"] if f["check"] == "concur-profile-disagrees"]
    check(len(remarks) == 1 and remarks[0]["function"] == "main"
          and remarks[0]["severity"] == "remark"
          and "static class of 'main': io; measured in the run: mixed" in remarks[0]["message"]
          and "wait4" in remarks[0]["message"], remarks)
    check(not remarks[0]["notes"], remarks[0])
    # SARIF: a finding carries what the run measured for its function.
    _, sarif = advise(r, "--profile", profile, "--profile-findings", fmt="sarif")
    results = sarif["runs"][0]["results"]
    disagrees = [x for x in results if x["ruleId"] == "concur-profile-disagrees"]
    check(len(disagrees) == 1, results)
    measured = disagrees[0].get("properties", {}).get("measured", {})
    check(measured.get("class") == "mixed" and measured.get("static_class") == "io"
          and measured.get("off_cpu_by_reason", {}).get("wait4", 0) > 100, disagrees[0])
    _, over = advise(r, "--profile", profile, "--profile-findings", "--profile-overrides")
    main = {fn["qualified_name"]: fn for fn in over["functions"]}["main"]
    check(main["class"] == "mixed" and main["measured"]["overrides"]
          and main["callers_model"] == "mixed", main)
    remark = [f for f in over["findings"] if f["check"] == "concur-profile-disagrees"][0]
    check(any("--profile-overrides" in n["message"] for n in remark["notes"]), remark)
    # The HTML report: static and measured side by side, disagreements first.
    _, html = advise(r, "--profile", profile, fmt="html")
    table = html[html.index('<table id="measured">'):]
    table = table[:table.index("</table>")]
    rows = table.split("<tr")[2:]  # after the header
    check(len(rows) == 3 and 'class="disagrees"' in rows[0] and ">main<" in rows[0]
          and not any("disagrees" in row for row in rows[1:]), table)
    # Without the file and line (no debug info), by the qualified name.
    by_name = os.path.join(r.scratch, "by_name.json")
    with open(by_name, "w") as f:
        json.dump({"schema": "concur-profile/1", "functions": [
            {"symbol": "child_work(long)", "file": "", "line": 0, "on_cpu_ms": 1.0,
             "off_cpu_ms": 300.0, "off_cpu_by_reason": {"read": 300.0},
             "off_cpu_via": {"fread": 300.0},
             "on_cpu_samples": 1, "off_cpu_samples": 60,
             "measured": {"class": "io", "confidence": 0.87}}]}, f)
    _, named = advise(r, "--profile", by_name, "--profile-findings")
    fn = {fn["qualified_name"]: fn for fn in named["functions"]}["child_work"]
    check(fn["measured"]["joined_by"] == "name" and fn["measured"]["class"] == "io"
          and fn["class"] == "cpu", fn)
    remark = [f for f in named["findings"] if f["check"] == "concur-profile-disagrees"]
    check(len(remark) == 1 and "static class of 'child_work': cpu; measured in the run: io, "
          "1.0 ms on-CPU, 300.0 ms off-CPU (100% of its time blocked in read via fread) "
          "(confidence 0.87)" in remark[0]["message"], remark)
    # Bad input: a clear error and exit 2.
    bad = os.path.join(r.scratch, "bad.json")
    with open(bad, "w") as f:
        f.write('{"schema": "concur-advise/2"}')
    proc, _ = advise(r, "--profile", bad, expect=2)
    check("not a concur-profile/1 file" in proc.stderr, proc.stderr)
    proc, _ = advise(r, "--profile", os.path.join(r.scratch, "missing.json"), expect=2)
    check("cannot read the profile" in proc.stderr, proc.stderr)
    proc, _ = advise(r, "--profile-overrides", expect=2)
    check("needs --profile" in proc.stderr, proc.stderr)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", required=True)
    parser.add_argument("--programs", required=True)
    parser.add_argument("--advise")
    parser.add_argument("scenario")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        runner = Runner(os.path.abspath(args.profile), os.path.abspath(args.programs),
                        scratch)
        runner.advise = args.advise
        try:
            globals()["test_" + args.scenario](runner)
        except Skip as skip:
            print(f"skipped: {skip}")
            return SKIP
        except Failure as failure:
            print(f"FAIL {args.scenario}: {failure}")
            return 1
    print(f"ok {args.scenario}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
