#!/usr/bin/env python3
"""End-to-end tests of concur-advise: the built binary on small multi-file
projects (tests/tool/projects/) with their own compilation databases.

Each test copies a project to a scratch directory, writes its
compile_commands.json and runs concur-advise as a user would. CTest runs one
test per invocation: test_advise.py --advise BIN [--clang-tidy T --plugin P] NAME
"""

import argparse
import hashlib
import html
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECTS = os.path.join(HERE, "projects")
ROOT = os.path.dirname(os.path.dirname(HERE))
RUNTIME_INCLUDE = os.path.join(ROOT, "runtime", "include")
ARGS = None


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class Project:
    """A copy of tests/tool/projects/NAME with a compilation database."""

    def __init__(self, name, scratch, files=None, flags=()):
        self.root = os.path.join(scratch, name)
        shutil.copytree(os.path.join(PROJECTS, name), self.root)
        self.build = os.path.join(self.root, "build")
        os.makedirs(self.build)
        self.files = files or sorted(f for f in os.listdir(self.root) if f.endswith(".cpp"))
        self.flags = list(flags)
        self.write_database()

    def path(self, name):
        return os.path.join(self.root, name)

    def write_database(self):
        entries = [{"directory": self.build, "file": self.path(f),
                    "arguments": ["clang++-19", "-std=c++20", *self.flags, "-c", self.path(f)]}
                   for f in self.files]
        with open(os.path.join(self.build, "compile_commands.json"), "w") as out:
            json.dump(entries, out, indent=1)

    def run(self, *args, expect=None, build=True, check_crash=True, timeout=600):
        command = [ARGS.advise] + (["-p", self.build] if build else []) + list(args)
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                 cwd=self.root)
        except subprocess.TimeoutExpired:
            raise Failure(f"{' '.join(command)}: still running after {timeout} s")
        if check_crash:
            check(run.returncode >= 0 and "Stack dump" not in run.stderr,
                  f"concur-advise crashed: {run.returncode}\n{run.stderr}")
        if expect is not None and run.returncode != expect:
            raise Failure(f"{' '.join(command)}: exit {run.returncode}, expected {expect}\n"
                          f"stdout:\n{run.stdout}\nstderr:\n{run.stderr}")
        return run

    def json(self, *args, expect=None, timeout=600):
        run = self.run("--format=json", "--progress=none", *args, expect=expect,
                       timeout=timeout)
        return json.loads(run.stdout), run

    def read(self, name):
        with open(self.path(name)) as f:
            return f.read()

    def edit(self, name, old, new):
        with open(self.path(name)) as f:
            text = f.read()
        check(old in text, f"{old!r} not in {name}")
        with open(self.path(name), "w") as f:
            f.write(text.replace(old, new))


def stats(run):
    """(parsed files, re-checked files) from --incremental-stats output."""
    parsed = [l.split("parsed: ")[1] for l in run.stderr.splitlines() if "  parsed: " in l]
    rechecked = [l.split("re-checked: ")[1] for l in run.stderr.splitlines()
                 if "  re-checked: " in l]
    return [os.path.basename(p) for p in parsed], [os.path.basename(p) for p in rechecked]


def blocking_loop(report):
    return [f for f in report["findings"] if f["check"] == "concur-sequential-blocking-loop"]


# --- whole program ---------------------------------------------------------------

def test_cross_file(scratch):
    p = Project("crossfile", scratch)
    report, run = p.json(expect=1)
    found = blocking_loop(report)
    check(len(found) == 1, f"expected one blocking loop, got {report['findings']}")
    f = found[0]
    check(os.path.basename(f["file"]) == "a.cpp" and f["line"] == 9, f)
    check(f["function"] == "fetch_all" and f["model"] is not None, f)
    check("'recv'" in f["message"] and "network" in f["message"], f["message"])
    note_files = {os.path.basename(n["file"]) for n in f["notes"]}
    check("b.cpp" in note_files, f"evidence chain should reach b.cpp: {f['notes']}")
    check(any("'recv' blocks on network I/O" in n["message"] for n in f["notes"]), f["notes"])
    functions = {fn["qualified_name"]: fn for fn in report["functions"]}
    check(functions["fetch_all"]["class"] == "io", functions["fetch_all"])
    check(functions["fetch_all"]["io_kinds"] == ["network"], functions["fetch_all"])
    check(functions["checksum"]["class"] in ("cpu", "trivial"), functions["checksum"])
    check(functions["add"]["class"] == "trivial", functions["add"])
    check(functions["add"]["model"] == "sequential", functions["add"])
    # fetch_all's own body holds the blocking loop (its finding's row); running
    # calls of net_read concurrently is a decision of its own, and a function
    # without an opportunity inside is sequential in itself.
    check(functions["fetch_all"]["model"] == f["model"], functions["fetch_all"])
    check(functions["net_read"]["model"] == "sequential" and
          functions["net_read"]["callers_model"] not in (None, "sequential"),
          functions["net_read"])
    chain = functions["fetch_all"]["evidence"][0]
    check(chain["callee"] == "recv" and chain["via"] == ["fetch_page", "net_read"], chain)


def profile_classes(report):
    """The class concur-function-profile gives each function in its unit."""
    classes = {}
    for f in report["findings"]:
        m = re.match(r"'(\w+)' is (\w+) ", f["message"])
        if f["check"] == "concur-function-profile" and m:
            classes[m.group(1)] = m.group(2)
    return classes


def test_would_block_across_files(scratch):
    # net_send (net.cpp) returns send's result; packet_flush (packet.cpp)
    # handles EAGAIN on it, so publish waits for nothing under its lock, while
    # publish_unchecked, which never looks for EAGAIN, does.
    p = Project("wouldblock", scratch)
    report, _ = p.json(expect=1)
    under_lock = [f for f in report["findings"] if f["check"] == "concur-blocking-under-lock"]
    check([f["function"] for f in under_lock] == ["publish_unchecked"], report["findings"])
    check("'net_send'" in under_lock[0]["message"], under_lock[0]["message"])
    functions = {fn["qualified_name"]: fn for fn in report["functions"]}
    check(functions["net_send"]["class"] == "io", functions["net_send"])
    check(functions["packet_flush"]["class"] != "io", functions["packet_flush"])


def test_thresholds_everywhere(scratch):
    """A threshold set in a check option (--config) or in .concur.yaml
    classifies the linked summaries as it classifies each unit's functions."""
    profile = "concur-function-profile.Enable: true"

    def classes(p, *args):
        report, _ = p.json(*args)
        linked = {fn["qualified_name"]: fn["class"] for fn in report["functions"]}
        return linked, profile_classes(report)

    p = Project("thresholds", scratch)
    linked, unit = classes(p, "--config={CheckOptions: {%s}}" % profile)
    check(linked["twice"] == "trivial" and unit["twice"] == "trivial",
          f"by default 'twice' is trivial: linked {linked}, per unit {unit}")
    low = "SubstantialWork: 20"
    linked, unit = classes(p, "--config={CheckOptions: {%s, %s}}" % (low, profile))
    check(unit["twice"] == "cpu", f"per unit with {low}: {unit}")
    check(linked["twice"] == "cpu" and linked["mix"] == "cpu",
          f"linked with {low} (per unit: {unit}): {linked}")
    # `merge` links with the shards' --config.
    db = os.path.join(p.build, "concur-summaries.db")
    for i, (config, want) in enumerate(((None, "trivial"), (low, "cpu"))):
        merged = os.path.join(scratch, "merged-%d.db" % i)
        extra = ["--config={CheckOptions: {%s}}" % config] if config else []
        p.run("merge", db, "-o", merged, *extra, build=False, expect=0)
        report, _ = p.json("--from-db", "--summaries", merged)
        twice = [fn["class"] for fn in report["functions"] if fn["name"] == "twice"]
        check(twice == [want], f"merge with {config}: 'twice' is {twice}, expected {want}")
    if ARGS.clang_tidy:
        # The plugin, given the same option and the database, agrees.
        run = subprocess.run([ARGS.clang_tidy, "--load=" + ARGS.plugin,
                              "--checks=-*,concur-*", "--quiet", "-p", p.build,
                              "--config={CheckOptions: {%s, %s}}" % (low, profile),
                              p.path("b.cpp")],
                             capture_output=True, text=True, timeout=600)
        check("'twice' is cpu" in run.stdout,
              f"clang-tidy with {low}:\n{run.stdout}{run.stderr}")

    # The same through the project's file, and through .clang-tidy.
    p = Project("thresholds", os.path.join(scratch, "yaml"))
    with open(p.path(".concur.yaml"), "w") as f:
        f.write("version: 1\noptions:\n  substantial-work: 20\n")
    linked, unit = classes(p, "--config={CheckOptions: {%s}}" % profile)
    check(unit["twice"] == "cpu" and linked["twice"] == "cpu",
          f".concur.yaml: linked {linked}, per unit {unit}")
    p = Project("thresholds", os.path.join(scratch, "tidy"))
    with open(p.path(".clang-tidy"), "w") as f:
        f.write("CheckOptions:\n  SubstantialWork: 20\n  %s\n" % profile)
    linked, unit = classes(p)
    check(unit["twice"] == "cpu" and linked["twice"] == "cpu",
          f".clang-tidy: linked {linked}, per unit {unit}")


def test_header_code(scratch):
    """Without a header filter the checks traverse only the main file's
    declarations; the analysis still reaches the headers' code (here the only
    overrider of a virtual call), and a header filter brings the headers'
    findings back."""
    p = Project("headers", scratch)
    report, _ = p.json(expect=0)
    check(report["findings"] == [], report["findings"])
    pump = {fn["qualified_name"]: fn for fn in report["functions"]}["pump"]
    check(pump["class"] == "io", pump)
    chain = pump["evidence"][0]
    check(chain["callee"] == "recv" and
          chain["via"] == ["Source::read (virtual; assumed SocketSource::read)"], chain)
    os.remove(os.path.join(p.build, "concur-summaries.db"))
    report, _ = p.json("--header-filter=.*streams\\.h", expect=1)
    found = [(os.path.basename(f["file"]), f["line"], f["check"]) for f in report["findings"]]
    check(found == [("streams.h", 22, "concur-sequential-blocking-loop")], found)


def test_same_findings_as_clang_tidy(scratch):
    """Per file, without facts, both front ends agree; with the database (found
    in the build directory, or named by SummaryFile or .concur.yaml), the plugin
    sees the cross-file fact too, with the same text."""
    if not ARGS.clang_tidy:
        raise Failure("--clang-tidy and --plugin are needed")
    p = Project("crossfile", scratch)
    text = p.run("--progress=none", "--format=text", expect=1).stdout
    advise = sorted(l for l in text.splitlines()
                    if ": warning: " in l or ": note: " in l)
    db = os.path.join(p.build, "concur-summaries.db")

    def tidy(*extra):
        run = subprocess.run([ARGS.clang_tidy, "--load=" + ARGS.plugin,
                              "--checks=-*,concur-*", "--quiet", "-p", p.build, *extra,
                              p.path("a.cpp"), p.path("b.cpp"), p.path("c.cpp")],
                             capture_output=True, text=True, timeout=600)
        return sorted(l for l in run.stdout.splitlines()
                      if ": warning: " in l or ": note: " in l)

    os.rename(db, db + ".aside")
    without = tidy()
    os.rename(db + ".aside", db)
    check(not any("concur-sequential-blocking-loop" in l for l in without),
          f"per-file clang-tidy should not see the cross-file loop: {without}")
    # concur-advise's default database, in the compile commands' directory, is
    # found without configuration.
    check(tidy() == advise, "clang-tidy does not use the build directory's database")
    with_db = tidy("--config={CheckOptions: {SummaryFile: '%s'}}" % db)
    check(with_db == advise, "clang-tidy with SummaryFile differs from concur-advise:\n"
          + "\n".join(with_db) + "\n---\n" + "\n".join(advise))

    # The .concur.yaml `summaries` key does the same.
    with open(p.path(".concur.yaml"), "w") as f:
        f.write("version: 1\nsummaries: build/concur-summaries.db\n")
    check(tidy() == advise, "clang-tidy with .concur.yaml summaries differs")


def test_incremental(scratch):
    p = Project("crossfile", scratch)
    first = p.run("-j1", "--incremental-stats", "--progress=none", "--format=json",
                  expect=1)
    # b.cpp, which a.cpp calls into, is analysed first: a.cpp's checks see its
    # facts and a.cpp is not checked a second time. (With -j2, a.cpp may start
    # before b.cpp is done, rather than leave a worker idle.)
    check(stats(first) == (["a.cpp", "b.cpp", "c.cpp"], []), stats(first))
    second = p.run("--incremental-stats", "--progress=none", "--format=json", expect=1)
    check(stats(second) == ([], []), f"second run parsed {stats(second)}")
    check(json.loads(second.stdout) == json.loads(first.stdout), "reports differ")

    # Touching a file (same content) parses nothing.
    os.utime(p.path("b.cpp"), (time.time() + 5, time.time() + 5))
    check(stats(p.run("--incremental-stats", "--progress=none", expect=1)) == ([], []), "touch")

    # An edit that changes no summary re-parses only that file.
    with open(p.path("b.cpp"), "a") as f:
        f.write("// a trailing comment\n")
    run = p.run("--incremental-stats", "--progress=none", expect=1)
    check(stats(run) == (["b.cpp"], []), f"after a comment: {stats(run)}")

    # A header edit re-parses the units that include it.
    with open(p.path("net.h"), "a") as f:
        f.write("// another comment\n")
    run = p.run("--incremental-stats", "--progress=none", expect=1)
    check(stats(run) == (["a.cpp", "b.cpp"], []), f"after a header edit: {stats(run)}")

    # An edit that changes what b.cpp's helper does re-checks its user a.cpp
    # (not re-parsed for its own sake) and the finding goes away.
    p.edit("b.cpp", "return recv(fd, buf, sizeof buf, 0);", "return buf[0] + fd;")
    report, run = p.json("--incremental-stats", expect=0)
    check(stats(run) == (["b.cpp"], ["a.cpp"]), f"after a semantic edit: {stats(run)}")
    check(not blocking_loop(report), report["findings"])


def kept(run):
    """How many re-checked units were checked on the AST kept from their parse."""
    return int(re.search(r"re-checked \((\d+) on a kept AST\)", run.stderr).group(1))


def test_cold_run_through_a_cycle(scratch):
    # Units that call each other cannot both be analysed after the other:
    # the first one's checks ran without the other's facts, so it is checked
    # again, on the AST kept from its parse, and both loops are found to block.
    p = Project("cycle", scratch)
    report, run = p.json("--incremental-stats", expect=1)
    parsed, rechecked = stats(run)
    check(parsed == ["a.cpp", "b.cpp"] and len(rechecked) >= 1, stats(run))
    check(kept(run) == len(rechecked), run.stderr)
    files = sorted(os.path.basename(f["file"]) for f in blocking_loop(report))
    check(files == ["a.cpp", "b.cpp"], report["findings"])
    # The re-checks saw the final facts: an unchanged run has nothing to do.
    _, run = p.json("--incremental-stats", expect=1)
    check(stats(run) == ([], []), stats(run))
    # Without keeping ASTs the same units are parsed again: the same report.
    os.remove(os.path.join(p.build, "concur-summaries.db"))
    again, run = p.json("--incremental-stats", "--kept-memory=0", expect=1)
    check(stats(run) == (parsed, rechecked) and kept(run) == 0, run.stderr)
    check(again == report, "re-checking on a kept AST and after parsing again differ")


def test_file_compiled_twice(scratch):
    # A file with two compile commands is analysed under both; it is not kept
    # (its outcome covers both parses), and the run ends.
    p = Project("cycle", scratch, files=["a.cpp", "b.cpp", "b.cpp"])
    report, run = p.json("--incremental-stats", "-j1", expect=1, timeout=120)
    files = sorted(os.path.basename(f["file"]) for f in blocking_loop(report))
    check(files == ["a.cpp", "b.cpp"], report["findings"])


def test_parallel_and_progress(scratch):
    p = Project("crossfile", scratch)
    one, _ = p.json("-j1", expect=1)
    os.remove(os.path.join(p.build, "concur-summaries.db"))
    run = p.run("-j2", "--format=json", "--progress=lines", expect=1)
    check(json.loads(run.stdout) == one, "-j2 and -j1 differ")
    check("concur-advise: analysing 3/3 (100%)" in run.stderr, run.stderr)


def test_shard_and_merge(scratch):
    p = Project("crossfile", scratch)
    single, _ = p.json(expect=1)
    shard_dbs = []
    for i in (1, 2):
        db = os.path.join(scratch, f"shard{i}.db")
        shard_dbs.append(db)
        p.run(f"--shard={i}/2", "--summaries", db, "--progress=none", "--format=json")
    merged = os.path.join(scratch, "all.db")
    run = subprocess.run([ARGS.advise, "merge", *shard_dbs, "-o", merged],
                         capture_output=True, text=True, timeout=300)
    check(run.returncode == 0, run.stderr)
    # The report from the merged database, refreshed by one run that
    # re-checks (not re-parses) the units that used facts from other shards.
    refreshed, run = p.json("--summaries", merged, "--incremental-stats", expect=1)
    check(stats(run)[0] == [], f"merge + run re-parsed {stats(run)}")
    check(refreshed == single, "shard + merge differs from one run:\n"
          + json.dumps(refreshed, indent=1) + "\n" + json.dumps(single, indent=1))
    from_db = p.run("--from-db", "--summaries", merged, "--format=json", build=False,
                    expect=1)
    check(json.loads(from_db.stdout) == single, "--from-db differs")
    # Shards are deterministic and disjoint.
    units = []
    for db in shard_dbs:
        units += [r[0] for r in sqlite3.connect(db).execute("SELECT file FROM units")]
    check(sorted(units) == sorted(p.path(f) for f in p.files), units)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def advise_tool(*args, expect=None, timeout=300):
    """concur-advise without -p (merge, --from-db), from the scratch directory."""
    run = subprocess.run([ARGS.advise, *args], capture_output=True, text=True,
                         timeout=timeout)
    check(run.returncode >= 0 and "Stack dump" not in run.stderr,
          f"concur-advise crashed: {run.returncode}\n{run.stderr}")
    if expect is not None and run.returncode != expect:
        raise Failure(f"concur-advise {' '.join(args)}: exit {run.returncode}, "
                      f"expected {expect}\n{run.stderr}")
    return run


def two_phase(p, scratch, n):
    """Phase 1 (N shards), merge, phase 2 (N shards), final merge: the paths
    of the shard, merged, re-checked and final databases."""
    shard_dbs = [os.path.join(scratch, f"shard-{i}.db") for i in range(1, n + 1)]
    for i, db in enumerate(shard_dbs, 1):
        p.run(f"--shard={i}/{n}", "--summaries", db, "--progress=none", "--fail-on=none",
              "--quiet", expect=0)
    merged = os.path.join(scratch, "all.db")
    advise_tool("merge", *shard_dbs, "-o", merged, expect=0)
    recheck_dbs = [os.path.join(scratch, f"recheck-{i}.db") for i in range(1, n + 1)]
    for i, db in enumerate(recheck_dbs, 1):
        p.run(f"--shard={i}/{n}", "--summaries", merged, "--recheck-into", db,
              "--progress=none", expect=0)
    final = os.path.join(scratch, "final.db")
    advise_tool("merge", merged, *recheck_dbs, "-o", final, expect=0)
    return shard_dbs, merged, recheck_dbs, final


def test_shard_two_phase(scratch):
    """Both phases sharded: each shard re-checks its own units against the
    merged database; the final merge reports what a single run reports, byte
    for byte, on a project whose units call into each other across shards."""
    p = Project("shards", scratch)
    single = {}
    for form in ("json", "sarif"):
        single[form] = os.path.join(scratch, f"single.{form}")
        p.run(f"--format={form}", "-o", single[form], "--progress=none", expect=1)
    os.remove(os.path.join(p.build, "concur-summaries.db"))
    report = json.load(open(single["json"]))
    check(len(blocking_loop(report)) >= 3, f"too few cross-shard findings: {report['findings']}")

    n = 3
    shard_dbs = [os.path.join(scratch, f"shard-{i}.db") for i in range(1, n + 1)]
    for i, db in enumerate(shard_dbs, 1):
        p.run(f"--shard={i}/{n}", "--summaries", db, "--progress=none", "--fail-on=none",
              expect=0)
    merged = os.path.join(scratch, "all.db")
    run = advise_tool("merge", *shard_dbs, "-o", merged, expect=0)
    check(re.search(r"; \d+ units used facts from other shards", run.stderr), run.stderr)
    merged_sha = sha(merged)

    # Phase 2: each shard parses nothing of its own accord and re-checks
    # only its own units; the merged database is only read.
    rechecked, recheck_dbs = [], []
    for i in range(1, n + 1):
        db = os.path.join(scratch, f"recheck-{i}.db")
        recheck_dbs.append(db)
        run = p.run(f"--shard={i}/{n}", "--summaries", merged, "--recheck-into", db,
                    "--incremental-stats", "--progress=none", expect=0)
        parsed, mine = stats(run)
        check(parsed == [], f"phase 2 shard {i} parsed {parsed}")
        own = sorted(p.files)[i - 1::n]
        check(set(mine) <= set(own), f"shard {i} re-checked {mine}, not only its own {own}")
        check(re.search(rf"re-checked {len(mine)} of {len(own)} units", run.stderr), run.stderr)
        rechecked += mine
    check(len(rechecked) >= n, f"too few units re-checked: {rechecked}")
    check(sha(merged) == merged_sha, "phase 2 changed the merged database")

    final = os.path.join(scratch, "final.db")
    run = advise_tool("merge", merged, *recheck_dbs, "-o", final, expect=0)
    check(f"{len(rechecked)} of {len(p.files)} units re-checked" in run.stderr, run.stderr)
    for form in ("json", "sarif"):
        out = os.path.join(scratch, f"sharded.{form}")
        run = advise_tool("--from-db", "--summaries", final, f"--format={form}", "-o", out,
                          expect=1)
        check("predate" not in run.stderr, run.stderr)
        with open(single[form], "rb") as a, open(out, "rb") as b:
            check(a.read() == b.read(), f"{form}: two-phase sharded report differs from "
                  f"a single run's (diff {single[form]} {out})")
    # The final database serves incremental runs as a single run's would.
    _, run = p.json("--summaries", final, "--incremental-stats", expect=1)
    check(stats(run) == ([], []), f"a run over the final database did {stats(run)}")
    # The one-phase recipe still works from the same merged database.
    refreshed, _ = p.json("--summaries", merged, expect=1)
    check(refreshed == report, "one-phase refresh differs from one run")
    # More shards than units: the empty shards re-check nothing.
    eight = os.path.join(scratch, "eight")
    os.makedirs(eight)
    _, _, recheck8, final8 = two_phase(p, eight, 8)
    check(sqlite3.connect(recheck8[-1]).execute("SELECT count(*) FROM units").fetchone()[0]
          == 0, "an empty shard re-checked units")
    out8 = os.path.join(eight, "sharded.json")
    advise_tool("--from-db", "--summaries", final8, "--format=json", "-o", out8, expect=1)
    with open(single["json"], "rb") as a, open(out8, "rb") as b:
        check(a.read() == b.read(), "8 shards of 6 units: the report differs")


def test_shard_bad_inputs(scratch):
    p = Project("shards", scratch)
    shard_dbs, merged, recheck_dbs, final = two_phase(p, scratch, 3)
    out = os.path.join(scratch, "out.db")

    def fails(args, message, runner=advise_tool):
        run = runner(*args, expect=2)
        check(message in run.stderr, f"expected {message!r} in:\n{run.stderr}")
        check(not os.path.exists(out), f"{out} left behind by a failed run")

    # Phase 1: a shard missing, given twice, or of another run.
    fails(["merge", *shard_dbs[:2], "-o", out], "shard 3/3 is missing")
    twice = os.path.join(scratch, "shard-1-again.db")
    shutil.copy(shard_dbs[0], twice)
    fails(["merge", shard_dbs[0], twice, *shard_dbs[1:], "-o", out], "are both shard 1/3")
    other = Project("cycle", scratch)
    foreign = os.path.join(scratch, "foreign.db")
    other.run("--shard=3/3", "--summaries", foreign, "--fail-on=none", "--progress=none",
              expect=0)
    fails(["merge", *shard_dbs[:2], foreign, "-o", out], "come from different projects")
    four = os.path.join(scratch, "four.db")
    p.run("--shard=4/4", "--summaries", four, "--fail-on=none", "--progress=none", expect=0)
    fails(["merge", *shard_dbs, four, "-o", out], "give the shards of one run")
    # A shard written by another version of concur-advise.
    old = os.path.join(scratch, "old-shard-2.db")
    shutil.copy(shard_dbs[1], old)
    con = sqlite3.connect(old)
    con.execute("UPDATE meta SET value = 'concur-advise 0.0.1/1' WHERE key = 'analysis-version'")
    con.commit()
    con.close()
    fails(["merge", shard_dbs[0], old, shard_dbs[2], "-o", out],
          "was written by another version of concur-advise")
    fails(["merge", shard_dbs[0], os.path.join(scratch, "nowhere.db"), "-o", out],
          "does not exist")

    # Phase 2 against a database that lacks the shard's units, or after an edit.
    fails(["--shard=2/3", "--summaries", shard_dbs[0], "--recheck-into", out],
          "are not in the summaries database", runner=p.run)
    fails(["--summaries", old, "--recheck-into", out], "another version", runner=p.run)
    fails(["--summaries", merged, "--recheck-into", out, "--format=json"],
          "writes no report", runner=p.run)
    fails(["--summaries", merged, "--recheck-into", merged + ".x", "-o", "r.json"],
          "cannot be used with -o", runner=p.run)
    fails(["--from-db", "--summaries", recheck_dbs[0]], "holds only the findings",
          runner=lambda *a, **k: advise_tool(*a, **k))
    fails(["--summaries", recheck_dbs[0]], "holds only the findings", runner=p.run)
    saved = p.read("c.cpp")
    p.edit("c.cpp", "return recv(fd, buf, sizeof buf, 0);", "return fd;")
    fails(["--shard=3/3", "--summaries", merged, "--recheck-into", out],
          "changed since the shards analysed them", runner=p.run)
    with open(p.path("c.cpp"), "w") as f:
        f.write(saved)

    # Final merge: a re-checked shard missing, against another merge, or with
    # no merged database.
    fails(["merge", merged, *recheck_dbs[:2], "-o", out], "re-checked shard 3/3 is missing")
    fails(["merge", *recheck_dbs, "-o", out], "got 0 databases that are not re-checked")
    fails(["merge", merged, shard_dbs[0], *recheck_dbs, "-o", out],
          "got 2 databases that are not re-checked")
    # The same project checked out elsewhere is another project.
    elsewhere = os.path.join(scratch, "elsewhere")
    os.makedirs(elsewhere)
    _, merged2, _, _ = two_phase(Project("shards", elsewhere), elsewhere, 3)
    fails(["merge", merged2, *recheck_dbs, "-o", out], "come from different projects")
    # Re-checked against other facts (a merge of other shard databases).
    changed = os.path.join(scratch, "changed.db")
    shutil.copy(merged, changed)
    con = sqlite3.connect(changed)
    con.execute("DELETE FROM linked WHERE rowid IN (SELECT rowid FROM linked LIMIT 1)")
    con.commit()
    con.close()
    fails(["merge", changed, *recheck_dbs, "-o", out], "was re-checked against another database")
    # The good inputs still merge.
    advise_tool("merge", merged, *recheck_dbs, "-o", out, expect=0)


# --- outputs ----------------------------------------------------------------------

FUNCTION_KEYS = {"name", "qualified_name", "file", "line", "column", "class", "io_kinds",
                 "numeric", "thread_safe", "confidence", "model", "callers_model",
                 "measured", "evidence", "work",
                 "blocking", "work_growth", "blocking_growth"}
FINDING_KEYS = {"check", "severity", "file", "line", "column", "function", "model",
                "message", "notes", "fixes", "fingerprint"}


def test_json_schema(scratch):
    p = Project("crossfile", scratch)
    report, _ = p.json(expect=1)
    check(report["schema"] == "concur-advise/2", report.get("schema"))
    check(set(report) == {"schema", "units", "functions", "findings", "failed_units"},
          sorted(report))
    check(report["units"] == 3, report["units"])
    for fn in report["functions"]:
        check(set(fn) == FUNCTION_KEYS, sorted(fn))
        check(os.path.isabs(fn["file"]), fn["file"])
        check(fn["class"] in ("io", "cpu", "mixed", "trivial"), fn["class"])
        check(isinstance(fn["numeric"], bool) and isinstance(fn["thread_safe"], bool), fn)
        check(0 <= fn["confidence"] <= 1, fn)
        term = r"(?:[0-9.e+]+ )?n(?:\^[23])?|[0-9.e+]+"
        for key in ("work_growth", "blocking_growth"):
            check(re.fullmatch(f"(?:{term})(?: \\+ (?:{term}))*", fn[key]), fn[key])
        for e in fn["evidence"]:
            check({"callee", "kind", "file", "line", "via"} <= set(e), e)
    for f in report["findings"]:
        check(set(f) == FINDING_KEYS, sorted(f))
        check(f["severity"] in ("error", "warning", "remark"), f)
        for n in f["notes"]:
            check(set(n) == {"file", "line", "column", "message"}, n)
    names = [fn["qualified_name"] for fn in report["functions"]]
    check(names == ["banner", "fetch_all", "add", "net_read", "fetch_page", "checksum",
                    "square"], f"functions not sorted by file and line: {names}")


def test_macro_functions(scratch):
    """Functions named through macros are listed, and their findings name them."""
    p = Project("macros", scratch)
    report, _ = p.json(expect=1)
    names = sorted(fn["qualified_name"] for fn in report["functions"])
    check(names == ["drain_all", "mod_status_read"], names)
    loops = [f for f in report["findings"] if f["check"] == "concur-sequential-blocking-loop"]
    check(len(loops) == 1 and loops[0]["function"] == "drain_all", report["findings"])


def test_text(scratch):
    p = Project("crossfile", scratch)
    run = p.run("--format=text", "--progress=none", expect=1)
    lines = run.stdout.splitlines()
    warning = [l for l in lines if ": warning: " in l]
    check(len(warning) == 1 and warning[0].startswith(p.path("a.cpp") + ":9:3: warning: "),
          run.stdout)
    check(warning[0].endswith("[concur-sequential-blocking-loop]"), warning[0])
    check(any(l.startswith(p.path("b.cpp")) and ": note: " in l for l in lines), run.stdout)
    check("for (int i = 0; i < n; ++i)" in run.stdout, "no source line")
    check("1 findings in 3 units" in run.stderr, run.stderr)


def test_markdown(scratch):
    p = Project("crossfile", scratch)
    out = p.run("--format=markdown", expect=1).stdout
    check(out.startswith("### concur-advise\n"), out)
    check("| a.cpp:9 | concur-sequential-blocking-loop |" in out, out)


def test_sarif_structure(scratch):
    p = Project("crossfile", scratch)
    out = os.path.join(scratch, "out.sarif")
    p.run("--format=sarif", "-o", out, expect=1)
    with open(out) as f:
        log = json.load(f)
    check(log["version"] == "2.1.0", log["version"])
    run = log["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    check("concur-sequential-blocking-loop" in rules, sorted(rules))
    results = run["results"]
    check(len(results) == 1, results)
    r = results[0]
    check(r["ruleId"] == "concur-sequential-blocking-loop" and r["level"] == "warning", r)
    check(run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"], r)
    check(r["partialFingerprints"]["concurFindingHash/v1"], r)
    steps = r["codeFlows"][0]["threadFlows"][0]["locations"]
    check(len(steps) == 1 + len(r["relatedLocations"]) and len(steps) >= 3, steps)
    check(r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "fetch_all", r)


def test_sarif_validator(scratch):
    """The SARIF Multitool validates the log without errors."""
    tool = ARGS.sarif_multitool
    check(tool and os.path.exists(tool), f"Sarif.Multitool not found at {tool!r}")
    p = Project("crossfile", scratch)
    out = os.path.join(scratch, "out.sarif")
    p.run("--format=sarif", "-o", out, expect=1)
    # A fix, a failed unit and notes in one log too.
    broken = Project("broken", scratch, files=["bad.cpp", "good.cpp"])
    out2 = os.path.join(scratch, "failed.sarif")
    broken.run("--format=sarif", "-o", out2, expect=3)
    for log in (out, out2):
        env = dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1")
        run = subprocess.run([tool, "validate", "--output", log + ".validation.sarif",
                              log], capture_output=True,
                             text=True, env=env,
                             timeout=600)
        check(run.returncode == 0, f"validator failed on {log}:\n{run.stdout}\n{run.stderr}")
        with open(log + ".validation.sarif") as f:
            validation = json.load(f)
        errors = [res for r in validation["runs"] for res in r.get("results", [])
                  if res.get("level") == "error"]
        check(not errors, f"SARIF errors in {log}: {json.dumps(errors, indent=1)}")


def test_html(scratch):
    p = Project("crossfile", scratch)
    out = os.path.join(scratch, "report.html")
    p.run("--format=html", "-o", out, expect=1)
    with open(out) as f:
        page = f.read()
    check(page.startswith("<!DOCTYPE html>"), page[:40])
    check("<script>alert(1)</script>" not in page, "source text not escaped")
    check("&lt;script&gt;alert(1)&lt;/script&gt;" in page, "escaped literal missing")
    check("http://" not in page and "https://" not in page.replace(
        "https://json", ""), "the page must not load anything")
    check('id="functions"' in page and "fetch_all" in page, "functions table")


def test_html_in_chromium(scratch):
    """Headless Chromium loads the page without console errors; screenshot kept."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    check(chromium, "chromium is not installed (apt-get install chromium)")
    p = Project("crossfile", scratch)
    out = os.path.join(scratch, "report.html")
    p.run("--format=html", "-o", out, expect=1)
    shot = os.path.join(ARGS.artifacts or scratch, "concur-advise-report.png")
    run = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                          "--enable-logging=stderr", "--v=0", "--window-size=1200,1600",
                          "--screenshot=" + shot, "file://" + out],
                         capture_output=True, text=True, timeout=300)
    console = [l for l in run.stderr.splitlines() if "CONSOLE" in l and
               ("Uncaught" in l or "ERROR" in l.upper())]
    check(not console, "console errors:\n" + "\n".join(console))
    check(os.path.exists(shot) and os.path.getsize(shot) > 1000, f"no screenshot: {run.stderr}")
    print("screenshot:", shot)


# --- CI behaviour -----------------------------------------------------------------

def test_baseline(scratch):
    p = Project("crossfile", scratch)
    baseline = os.path.join(scratch, "baseline.json")
    p.run("--write-baseline", baseline, expect=1)
    run = p.run("--baseline", baseline, expect=0)
    check("1 hidden by the baseline" in run.stderr, run.stderr)
    # Lines shift above the finding and an unrelated edit elsewhere.
    p.edit("a.cpp", "#include \"net.h\"\n", "#include \"net.h\"\n\n// moved\n// down\n")
    p.edit("a.cpp", "return a + b;", "return a - b;")
    report, run = p.json("--baseline", baseline, expect=0)
    check(report["findings"] == [], report["findings"])
    # A new finding is still reported.
    p.edit("a.cpp", "int add(int a, int b)",
           "long again(const int *fds, int n) {\n  long t = 0;\n"
           "  for (int i = 0; i < n; ++i)\n    t += fetch_page(fds[i]);\n  return t;\n}\n\n"
           "int add(int a, int b)")
    report, run = p.json("--baseline", baseline, expect=1)
    check([f["function"] for f in report["findings"]] == ["again"], report["findings"])
    bad = os.path.join(scratch, "bad-baseline.json")
    with open(bad, "w") as f:
        f.write("{not json")
    run = p.run("--baseline", bad, expect=2)
    check("not valid JSON" in run.stderr, run.stderr)


def test_exit_codes(scratch):
    p = Project("crossfile", scratch)
    p.run(expect=1)
    p.run("--fail-on=none", expect=0)
    p.run("--fail-on=error", expect=0)
    p.run(p.path("c.cpp"), expect=0)  # only the clean file
    run = p.run("--format=yaml", expect=2)
    check("unknown --format" in run.stderr, run.stderr)
    p.run("--shard=3/2", expect=2)
    p.run("--no-such-option", expect=2)
    run = p.run(p.path("net.h"), expect=2)
    check("is not in the compilation database" in run.stderr, run.stderr)
    run = subprocess.run([ARGS.advise, "-p", os.path.join(scratch, "nowhere")],
                         capture_output=True, text=True)
    check(run.returncode == 2 and "does not exist" in run.stderr, run.stderr)
    empty = os.path.join(scratch, "empty-build")
    os.makedirs(empty)
    run = subprocess.run([ARGS.advise, "-p", empty], capture_output=True, text=True)
    check(run.returncode == 2 and "no compilation database" in run.stderr, run.stderr)
    with open(os.path.join(p.build, "compile_commands.json"), "w") as f:
        f.write('[{"directory": "/x", "file": ')
    run = p.run(expect=2)
    check("malformed compilation database" in run.stderr, run.stderr)
    p.write_database()
    with open(p.path(".concur.yaml"), "w") as f:
        f.write("version: 1\noptions:\n  substantial-work: [oops\n")
    run = p.run(expect=2)
    check(".concur.yaml" in run.stderr, run.stderr)
    os.remove(p.path(".concur.yaml"))
    run = p.run("--config={Checks: [", expect=2)
    check("invalid --config" in run.stderr, run.stderr)


def test_werror_build(scratch):
    """A -Werror build with a GCC-only warning option (unknown to clang) is
    analysed like any other: compiler warnings are not findings."""
    p = Project("crossfile", scratch, flags=["-Werror", "-Wshadow=local", "-Wall"])
    report, run = p.json(expect=1)
    check(report["failed_units"] == [], report["failed_units"])
    check(len(blocking_loop(report)) == 1, report["findings"])
    check(not any(f["check"].startswith("clang-diagnostic-") for f in report["findings"]),
          report["findings"])


def test_relative_paths_in_directories(scratch):
    """Units in different directories named relative to them, with includes
    found relative to them, analysed in parallel (each worker has its own
    working directory)."""
    root = os.path.join(scratch, "dirs")
    build = os.path.join(root, "build")
    os.makedirs(build)
    entries = []
    for i in range(12):
        d = os.path.join(root, f"part{i}")
        os.makedirs(d)
        with open(os.path.join(d, f"local{i}.h"), "w") as f:
            f.write(f"int local{i}(int x);\n")
        with open(os.path.join(d, f"unit{i}.cpp"), "w") as f:
            f.write(f'#include "local{i}.h"\nint local{i}(int x) {{ return x + {i}; }}\n')
        entries.append({"directory": d, "file": f"unit{i}.cpp",
                        "arguments": ["clang++-19", "-std=c++20", "-I.", "-c", f"unit{i}.cpp"]})
    with open(os.path.join(build, "compile_commands.json"), "w") as f:
        json.dump(entries, f)
    run = subprocess.run([ARGS.advise, "-p", build, "-j2", "--format=json", "--progress=none"],
                         capture_output=True, text=True, timeout=600, cwd=scratch)
    check(run.returncode == 0, f"exit {run.returncode}: {run.stderr}")
    report = json.loads(run.stdout)
    check(report["failed_units"] == [] and len(report["functions"]) == 12, report)


def test_run_from_another_directory(scratch):
    """Run from a directory other than the project's, with units and headers
    named relative to the compile directory: .clang-tidy files are looked up
    from each file's real location, so a stray .clang-tidy where the tool is
    run from (here one that would make every finding an error) is never read, and
    no configuration error is printed."""
    p = Project("crossfile", scratch)
    entries = [{"directory": p.build, "file": os.path.join("..", f),
                "arguments": ["clang++-19", "-std=c++20", "-I..", "-c", os.path.join("..", f)]}
               for f in p.files]
    with open(os.path.join(p.build, "compile_commands.json"), "w") as out:
        json.dump(entries, out)
    expected, _ = p.json(expect=1)
    os.remove(os.path.join(p.build, "concur-summaries.db"))
    # From elsewhere/sub, "../a.cpp" would name elsewhere/a.cpp: the stray
    # .clang-tidy in elsewhere/ is what a lookup from the wrong directory finds.
    elsewhere = os.path.join(scratch, "elsewhere")
    os.makedirs(os.path.join(elsewhere, "sub"))
    with open(os.path.join(elsewhere, ".clang-tidy"), "w") as f:
        f.write("Checks: '-*'\nWarningsAsErrors: '*'\n")
    run = subprocess.run([ARGS.advise, "-p", p.build, "--format=json", "--progress=none"],
                         capture_output=True, text=True, timeout=600,
                         cwd=os.path.join(elsewhere, "sub"))
    check(run.returncode == 1, f"exit {run.returncode}: {run.stderr}")
    check("configuration" not in run.stderr, run.stderr)
    report = json.loads(run.stdout)
    check(report["findings"] == expected["findings"],
          f"{report['findings']}\nexpected {expected['findings']}")


def test_failed_units(scratch):
    p = Project("broken", scratch)
    report, run = p.json(expect=3)
    failed = {os.path.basename(u["file"]): u["error"] for u in report["failed_units"]}
    check(set(failed) == {"bad.cpp", "crash.cpp"}, failed)
    check("crashed" in failed["crash.cpp"], failed)
    check("bad.cpp:2" in failed["bad.cpp"], failed)
    check("2 of 3 translation units could not be analysed" in run.stderr, run.stderr)
    names = [fn["name"] for fn in report["functions"]]
    check("good" in names, f"the other units are still reported: {names}")


def test_other_languages(scratch):
    """Databases of real projects list assembly too: those entries are skipped
    (and counted), C and C++ units are analysed, and naming an assembly file
    is a usage error."""
    p = Project("languages", scratch, files=["main.cpp"])
    entries = [
        {"directory": p.build, "file": p.path("main.cpp"),
         "arguments": ["c++", "-std=c++20", "-c", p.path("main.cpp")]},
        {"directory": p.build, "file": p.path("checksum.c"),
         "arguments": ["cc", "-c", p.path("checksum.c")]},
        {"directory": p.build, "file": p.path("start.S"),
         "arguments": ["cc", "-c", p.path("start.S")]},
        {"directory": p.build, "file": p.path("vectors.inc"),
         "arguments": ["cc", "-x", "assembler", "-c", p.path("vectors.inc")]},
    ]
    with open(os.path.join(p.build, "compile_commands.json"), "w") as out:
        json.dump(entries, out)
    report, run = p.json(expect=0)
    check(report["failed_units"] == [], report["failed_units"])
    names = sorted(fn["name"] for fn in report["functions"])
    check(names == ["checksum", "twice"], names)
    check("2 files of the compilation database not compiled as C or C++" in run.stderr,
          run.stderr)
    run = p.run(p.path("start.S"), expect=2)
    check("is not compiled as C or C++" in run.stderr, run.stderr)


def test_advice_in_the_language_of_the_code(scratch):
    """A C unit's row note names the row's C implementation (or the library
    the code already uses), a C++ unit's concur's runtime, in every format."""
    p = Project("clanguage", scratch, files=["fetch.cpp"])
    entries = [{"directory": p.build, "file": p.path(name),
                "arguments": [compiler, "-c", p.path(name)]}
               for name, compiler in (("fetch.c", "clang-19"), ("server.c", "clang-19"),
                                      ("fetch.cpp", "clang++-19"))]
    with open(os.path.join(p.build, "compile_commands.json"), "w") as out:
        json.dump(entries, out)
    table = yaml.safe_load(open(os.path.join(ROOT, "checks", "data", "selection-table.yaml")))
    row = next(r for r in table["rows"] if r["id"] == "asyncio")
    libevent = next(l for l in table["libraries"] if l["name"] == "libevent")
    expected = {"fetch.c": "use " + row["c"]["runtime"],
                "server.c": "use " + libevent["rows"]["asyncio"],
                "fetch.cpp": "use " + row["c++"]["runtime"]}

    report, _ = p.json(expect=1)
    for name, use in expected.items():
        found = [f for f in report["findings"] if f["file"].endswith("/" + name)]
        check(len(found) == 1 and found[0]["model"] == "asyncio", (name, found))
        notes = [n["message"] for n in found[0]["notes"] if n["message"].startswith("row ")]
        check(len(notes) == 1 and use in notes[0], (name, notes, use))
        check(name.endswith(".cpp") or "concur::" not in notes[0], notes[0])

    text = p.run("--format=text", "--progress=none", expect=1).stdout
    sarif_path = os.path.join(scratch, "clanguage.sarif")
    p.run("--format=sarif", "-o", sarif_path, expect=1)
    with open(sarif_path) as f:
        sarif = f.read()
    html_path = os.path.join(scratch, "clanguage.html")
    p.run("--format=html", "-o", html_path, expect=1)
    with open(html_path) as f:
        page = f.read()
    markdown = p.run("--format=markdown", expect=1).stdout
    for use in expected.values():
        check(use in text, f"text lacks {use!r}")
        check(json.dumps(use)[1:-1] in sarif, f"SARIF lacks {use!r}")
        check(html.escape(use, quote=False) in page or html.escape(use) in page,
              f"HTML lacks {use!r}")
        implementation = use[len("use "):]
        check(markdown_escape(implementation) in markdown,
              f"Markdown lacks {implementation!r}:\n{markdown}")


def markdown_escape(text):
    return "".join("\\" + c if c in "\\`*_{}[]<>()#+-!|" else c for c in text)


def test_corrupt_database(scratch):
    p = Project("crossfile", scratch)
    db = os.path.join(p.build, "concur-summaries.db")
    with open(db, "wb") as f:
        f.write(b"this is not a database" * 200)
    run = p.run(expect=1)
    check("not a valid SQLite database" in run.stderr and "rebuilt" in run.stderr, run.stderr)
    check(sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok", "db")
    # A foreign SQLite database.
    os.remove(db)
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE other(x)")
    con.commit()
    con.close()
    run = p.run(expect=1)
    check("not a concur summaries database" in run.stderr, run.stderr)
    # Reading one without a way to rebuild it is an error.
    with open(db, "wb") as f:
        f.write(b"garbage" * 500)
    run = p.run("--from-db", "--summaries", db, build=False, expect=2)
    check("not a valid SQLite database" in run.stderr, run.stderr)
    # The plugin reports it instead of using wrong facts.
    if ARGS.clang_tidy:
        tidy = subprocess.run([ARGS.clang_tidy, "--load=" + ARGS.plugin,
                               "--checks=-*,concur-*", "-p", p.build,
                               "--config={CheckOptions: {SummaryFile: '%s'}}" % db,
                               p.path("a.cpp")], capture_output=True, text=True)
        check("not a valid SQLite database" in tidy.stdout + tidy.stderr,
              tidy.stdout + tidy.stderr)


def test_concurrent_runs(scratch):
    p = Project("crossfile", scratch)
    command = [ARGS.advise, "-p", p.build, "--format=json", "--progress=none", "-j1"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    outs = [r.communicate(timeout=600) for r in runs]
    for r, (out, err) in zip(runs, outs):
        check(r.returncode == 1, f"exit {r.returncode}: {err}")
    check(json.loads(outs[0][0]) == json.loads(outs[1][0]), "concurrent runs disagree")
    db = os.path.join(p.build, "concur-summaries.db")
    check(sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok",
          "database damaged")
    again, run = p.json("--incremental-stats", expect=1)
    check(stats(run) == ([], []), f"after concurrent runs: {stats(run)}")
    check(again == json.loads(outs[0][0]), "report changed")


def test_explain_and_summary(scratch):
    p = Project("crossfile", scratch)
    run = p.run("--explain", "fetch_all", expect=1)
    out = run.stdout
    check("class: io" in out, out)
    check("fetch_page -> net_read -> recv (network)" in out, out)
    check("matches" in out and "model: " in out, out)
    check("does not match" in out or "step 1" in out, out)
    run = p.run("--explain", "no_such_function", expect=2)
    run = p.run("--summary", "--format=json", "-o", os.path.join(scratch, "x.json"),
                expect=1)
    check("per class:" in run.stdout and "io=3" in run.stdout, run.stdout)
    check("top by estimated blocking" in run.stdout and "fetch_all" in run.stdout,
          run.stdout)
    with open(os.path.join(scratch, "x.json")) as f:
        check(json.load(f)["findings"], "the report goes to the -o file")
    # Without -o, the summary is all that stdout gets.
    run = p.run("--summary", expect=1)
    check(run.stdout.startswith("concur-advise summary:") and "warning:" not in run.stdout,
          run.stdout)


# --- fixes ------------------------------------------------------------------------

def coroutine_findings(report):
    return [(os.path.basename(f["file"]), f["line"], f["column"], len(f["fixes"]))
            for f in report["findings"] if f["check"] == "concur-blocking-call-in-coroutine"]


def test_fix(scratch):
    """--fix rewrites the files exactly as the checks' fixes say, once per fix
    (a header's fix is offered by every unit that includes it), and the next run
    no longer reports what was fixed; the finding without a mechanical fix stays."""
    p = Project("fixes", scratch, flags=["-I", RUNTIME_INCLUDE])
    header = ["--header-filter=.*waits\\.h"]
    original = {name: p.read(name) for name in ("a.cpp", "b.cpp", "waits.h")}
    report, _ = p.json(*header, expect=1)
    check(coroutine_findings(report) == [("a.cpp", 10, 3, 1), ("a.cpp", 15, 3, 1),
                                         ("a.cpp", 20, 3, 0), ("waits.h", 11, 3, 1)],
          coroutine_findings(report))

    # --from-db cannot fix: its offsets were not checked against the files.
    run = p.run("--from-db", "--fix", *header, expect=2)
    check("--fix cannot be used with --from-db" in run.stderr, run.stderr)
    check({n: p.read(n) for n in original} == original, "--from-db --fix changed files")

    # A unit that does not compile: nothing is fixed (as clang-tidy without
    # --fix-errors), the run still reports and exits 3.
    with open(p.path("bad.cpp"), "w") as f:
        f.write('#include "waits.h"\nint broken( { return 0; }\n')
    p.files.append("bad.cpp")
    p.write_database()
    run = p.run("--fix", "--progress=none", *header, expect=3)
    check("no fixes applied" in run.stderr, run.stderr)
    check({n: p.read(n) for n in original} == original, "fixed despite a failed unit")
    p.files.remove("bad.cpp")
    p.write_database()

    run = p.run("--fix", "--progress=none", *header, expect=1)
    check("applied 3 fixes in 2 files" in run.stderr, run.stderr)
    check(p.read("a.cpp") == original["a.cpp"]
          .replace("  std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));",
                   "  co_await concur::sleep_for(std::chrono::milliseconds(100 * attempt));")
          .replace("  std::this_thread::sleep_until(deadline);",
                   "  co_await concur::sleep_until(deadline);"), p.read("a.cpp"))
    check(p.read("waits.h") == original["waits.h"].replace(
        "  std::this_thread::sleep_for(std::chrono::milliseconds(2));",
        "  co_await concur::sleep_for(std::chrono::milliseconds(2));"), p.read("waits.h"))
    check(p.read("b.cpp") == original["b.cpp"], "b.cpp has nothing to fix")
    compiled = subprocess.run(["clang++-19", "-std=c++20", "-fsyntax-only", "-I",
                               RUNTIME_INCLUDE, p.path("a.cpp"), p.path("b.cpp")],
                              capture_output=True, text=True, timeout=300)
    check(compiled.returncode == 0, f"the fixed code does not compile:\n{compiled.stderr}")

    # The next run sees the edited files (both units include waits.h) and
    # reports only the call without a mechanical fix.
    report, run = p.json(*header, "--incremental-stats", expect=1)
    check(stats(run)[0] == ["a.cpp", "b.cpp"], stats(run))
    check(coroutine_findings(report) == [("a.cpp", 20, 3, 0)], coroutine_findings(report))
    fixed = {n: p.read(n) for n in original}
    run = p.run("--fix", "--progress=none", *header, expect=1)
    check("applied 0 fixes in 0 files" in run.stderr, run.stderr)
    check({n: p.read(n) for n in original} == fixed, "a second --fix changed files")


def test_fixed_flags(scratch):
    """`file -- flags` mode analyses a single file like clang-tidy does."""
    p = Project("crossfile", scratch)
    run = subprocess.run([ARGS.advise, "--progress=none", "--format=json", p.path("b.cpp"),
                          "--", "-std=c++20"], capture_output=True, text=True, cwd=scratch)
    check(run.returncode == 0, run.stderr)
    report = json.loads(run.stdout)
    check([fn["name"] for fn in report["functions"]] == ["net_read", "fetch_page",
                                                        "checksum"], report["functions"])


TESTS = {name[5:]: fn for name, fn in globals().items() if name.startswith("test_")}


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--advise", required=True)
    parser.add_argument("--clang-tidy")
    parser.add_argument("--plugin")
    parser.add_argument("--sarif-multitool")
    parser.add_argument("--artifacts")
    parser.add_argument("tests", nargs="*")
    ARGS = parser.parse_args()
    names = ARGS.tests or sorted(TESTS)
    failed = 0
    for name in names:
        with tempfile.TemporaryDirectory(prefix="concur-advise-") as scratch:
            try:
                TESTS[name](os.path.realpath(scratch))
                print(f"PASS: {name}")
            except Failure as e:
                failed += 1
                print(f"FAIL: {name}: {e}")
    print(f"{len(names) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
