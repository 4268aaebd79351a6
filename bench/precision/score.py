#!/usr/bin/env python3
"""Strict precision of concur-advise on real projects, from judged findings.

Reads DIR/<name>.json (bench/precision/run.sh) for each project of
DIR/projects.list, and the verdicts in bench/precision/judged/<name>.tsv:

    fingerprint  file:line  check  row  verdict  reason

(file relative to the project's source root; verdict right, wrong or
debatable; '#' starts a comment line). A verdict is matched to a finding by
fingerprint and location, then by fingerprint alone (the line moved), so a
fingerprint reported twice in one function needs one line per location.
Prints, per project and per check: findings, judged, right / wrong /
debatable, strict precision (right / judged), then the findings not judged
yet and the verdicts whose finding is no longer reported.

A finding with a new fingerprint whose location, check and row equal those
of a verdict that no longer matches anything is most likely the same finding
reworded (another callee in the evidence, another lock named). It is still
counted as not judged (its message is what is judged, and it changed), but
it is listed as "matched by location (message changed)" next to the old
verdict, and that verdict is not listed as no longer reported.

Function classes: bench/precision/judged-functions/<name>.tsv:

    function  file:line  class-given  correct-class  verdict  reason

(function: its qualified name). Scored against the class the current report
gives (found by qualified name and file): accurate when it equals the
correct class.

Usage: bench/precision/score.py [--dir DIR] [--project NAME ...]
       [--unjudged all|N|0] [--stub] [--sample N --seed S]
  --stub          print the unjudged findings as TSV lines to fill in (a
                  finding matched by location carries the old verdict and
                  reason as a ninth column, "was: VERDICT: REASON")
  --sample N      with --stub: a random sample of N per project and check
"""

import argparse
import collections
import json
import os
import random
import signal
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VERDICTS = ("right", "wrong", "debatable")


def read_tsv(path, columns):
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if len(cells) < columns:
                sys.exit(f"{path}:{number}: {len(cells)} columns, expected {columns}")
            rows.append(cells + [f"{path}:{number}"])
    return rows


def projects(workdir):
    listing = os.path.join(workdir, "projects.list")
    if not os.path.exists(listing):
        sys.exit(f"score.py: no {listing}: run get_projects.sh and run.sh")
    result = []
    with open(listing) as f:
        for line in f:
            if line.strip():
                name, src, _ = line.strip().split("=", 2)
                result.append((name, src))
    return result


def rel(src, path):
    path = os.path.normpath(path)
    return os.path.relpath(path, src) if path.startswith(src + os.sep) else path


def row_of(finding):
    return finding.get("model") or "-"


def match(findings, judged):
    """{finding index: verdict row}, [verdict rows matching no finding],
    {finding index: verdict row matched by location only}.

    The third map pairs a finding that nothing judged with a verdict that
    matches no finding when both have the same location, check and row: the
    same finding with a reworded message. It does not count as judged."""
    by_key = collections.defaultdict(list)
    by_fp = collections.defaultdict(list)
    for i, f in enumerate(findings):
        by_key[(f["fingerprint"], f["loc"])].append(i)
        by_fp[f["fingerprint"]].append(i)
    taken, stale, rest = {}, [], []
    for j in judged:
        free = [i for i in by_key.get((j[0], j[1]), []) if i not in taken]
        if free:
            taken[free[0]] = j
        else:
            rest.append(j)
    for j in rest:
        free = [i for i in by_fp.get(j[0], []) if i not in taken]
        if free:
            taken[free[0]] = j
        else:
            stale.append(j)
    by_place = collections.defaultdict(list)
    for i, f in enumerate(findings):
        if i not in taken:
            by_place[(f["loc"], f["check"], row_of(f))].append(i)
    relocated, still = {}, []
    for j in stale:
        free = [i for i in by_place.get((j[1], j[2], j[3]), []) if i not in relocated]
        if free:
            relocated[free[0]] = j
        else:
            still.append(j)
    return taken, still, relocated


def pct(right, judged):
    return f"{100 * right / judged:5.1f}%" if judged else "    -"


class Tally:
    def __init__(self):
        self.findings = 0
        self.judged = 0
        self.verdicts = collections.Counter()

    def line(self, label, width):
        v = self.verdicts
        return (f"  {label:<{width}} {self.findings:8} {self.judged:7} {v['right']:6} "
                f"{v['wrong']:6} {v['debatable']:6}  {pct(v['right'], self.judged)}")


def header(width):
    return (f"  {'':<{width}} {'findings':>8} {'judged':>7} {'right':>6} {'wrong':>6} "
            f"{'debat.':>6}  precision")


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet under | head
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default="/tmp/concur-precision")
    parser.add_argument("--judged", default=os.path.join(HERE, "judged"))
    parser.add_argument("--judged-functions", default=os.path.join(HERE, "judged-functions"))
    parser.add_argument("--project", action="append")
    parser.add_argument("--unjudged", default="20",
                        help="unjudged findings listed per project: all, N, or 0")
    parser.add_argument("--stub", action="store_true")
    parser.add_argument("--sample", type=int)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()

    per_check = collections.defaultdict(Tally)
    total = Tally()
    fn_total = collections.Counter()
    fn_errors = collections.Counter()
    relocated_total = 0
    out = []
    width = 36
    for name, src in projects(args.dir):
        if args.project and name not in args.project:
            continue
        report_path = os.path.join(args.dir, name + ".json")
        if not os.path.exists(report_path):
            out.append(f"== {name}: no report {report_path}")
            continue
        with open(report_path) as f:
            report = json.load(f)
        findings = report["findings"]
        for fd in findings:
            fd["rel"] = rel(src, fd["file"])
            fd["loc"] = f"{fd['rel']}:{fd['line']}"
        judged = read_tsv(os.path.join(args.judged, name + ".tsv"), 6)
        for j in judged:
            if j[4] not in VERDICTS:
                sys.exit(f"{j[-1]}: verdict '{j[4]}' is not one of {', '.join(VERDICTS)}")
        taken, stale, relocated = match(findings, judged)

        if args.stub:
            unjudged = [i for i in range(len(findings)) if i not in taken]
            if args.sample:
                rng = random.Random(f"{args.seed}-{name}")
                groups = collections.defaultdict(list)
                for i in unjudged:
                    groups[findings[i]["check"]].append(i)
                unjudged = sorted(i for g in groups.values()
                                  for i in rng.sample(g, min(args.sample, len(g))))
            for i in unjudged:
                fd = findings[i]
                cells = [fd["fingerprint"], fd["loc"], fd["check"], row_of(fd), "", "",
                         fd.get("function") or "-", fd["message"]]
                if i in relocated:
                    cells.append(f"was: {relocated[i][4]}: {relocated[i][5]}")
                print("\t".join(cells))
            continue

        checks = collections.defaultdict(Tally)
        for i, fd in enumerate(findings):
            for t in (checks[fd["check"]], per_check[fd["check"]], total):
                t.findings += 1
                if i in taken:
                    t.judged += 1
                    t.verdicts[taken[i][4]] += 1
        proj = Tally()
        for t in checks.values():
            proj.findings += t.findings
            proj.judged += t.judged
            proj.verdicts.update(t.verdicts)
        out.append(f"== {name}")
        out.append(header(width))
        for check in sorted(checks):
            out.append(checks[check].line(check, width))
        out.append(proj.line("all checks", width))

        # Function classes.
        functions = collections.defaultdict(list)
        for fn in report["functions"]:
            functions[(fn.get("qualified_name") or fn.get("name"),
                       rel(src, fn["file"]))].append(fn)
        fjudged = read_tsv(os.path.join(args.judged_functions, name + ".tsv"), 6)
        right = missing = 0
        for j in fjudged:
            file = j[1].rsplit(":", 1)[0]
            found = functions.get((j[0], file))
            if not found:
                missing += 1
                continue
            given = found[0]["class"]
            ok = given == j[3]
            right += ok
            if not ok:
                fn_errors[f"{j[3]} given as {given}"] += 1
        fn_total["judged"] += len(fjudged) - missing
        fn_total["right"] += right
        fn_total["missing"] += missing
        if fjudged:
            out.append(f"  function classes: {right} of {len(fjudged) - missing} judged right "
                       f"({pct(right, len(fjudged) - missing).strip()})"
                       + (f"; {missing} judged functions no longer reported" if missing else ""))

        unjudged = [i for i in range(len(findings)) if i not in taken]
        limit = len(unjudged) if args.unjudged == "all" else int(args.unjudged)
        if unjudged:
            out.append(f"  not judged yet: {len(unjudged)}" + (":" if limit else ""))
            for i in unjudged[:limit]:
                fd = findings[i]
                out.append(f"    {fd['fingerprint']} {fd['loc']} {fd['check']} "
                           f"({fd.get('function') or '-'})")
            if len(unjudged) > limit > 0:
                out.append(f"    ... {len(unjudged) - limit} more (--unjudged all)")
        if relocated:
            out.append(f"  of these, matched by location (message changed), "
                       f"re-read and judge anew: {len(relocated)}" + (":" if limit else ""))
            for i in sorted(relocated)[:limit]:
                fd, j = findings[i], relocated[i]
                out.append(f"    {fd['fingerprint']} {fd['loc']} {fd['check']} "
                           f"was {j[0]}: {j[4]} ({j[-1]})")
            if len(relocated) > limit > 0:
                out.append(f"    ... {len(relocated) - limit} more (--unjudged all)")
        relocated_total += len(relocated)
        if stale:
            out.append(f"  verdicts whose finding is no longer reported: {len(stale)}")
            for j in stale:
                out.append(f"    {j[0]} {j[1]} {j[2]} ({j[-1]})")
    if args.stub:
        return 0
    out.append("== all projects")
    out.append(header(width))
    for check in sorted(per_check):
        out.append(per_check[check].line(check, width))
    out.append(total.line("all checks", width))
    if relocated_total:
        out.append(f"  not judged, matched by location (message changed): {relocated_total}")
    if fn_total["judged"] or fn_total["missing"]:
        out.append(f"  function classes: {fn_total['right']} of {fn_total['judged']} judged right "
                   f"({pct(fn_total['right'], fn_total['judged']).strip()})")
        for error, count in fn_errors.most_common():
            out.append(f"    {count:3} {error}")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
