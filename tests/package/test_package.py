#!/usr/bin/env python3
"""concur as users install it: from `cmake --install`, or from the Debian
packages that `cpack -G DEB` builds. Each test installs into a temporary
root, never into the system, and then uses the installed tree only:

  prefix    cmake --install BUILD --prefix TMP
  deb       cpack -G DEB, checks the packages' control fields and contents,
            asks apt whether they would install, unpacks them with
            dpkg-deb -x
  docs      the man page and the bash completion name every option of
            concur-advise --help, and the completion completes

`deb` also runs the CI recipes of examples/ci/ (their shell steps, with the
unpacked packages in place of the install step) on a sample project outside
the tree, and checks their SARIF log.

After installing, `prefix` and `deb` run the installed concur-advise and the
installed plugin (with clang-tidy-19) on an example, and build a project
outside the tree against the installed runtime, with find_package(concur)
and with pkg-config.

test_package.py --build BUILD --source SRC --clang-tidy CLANG_TIDY MODE
"""

import argparse
import glob
import gzip
import json
import os
import re
import shutil
import subprocess
import yaml
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ARGS = None


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def run(command, expect=0, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if expect is not None and result.returncode != expect:
        raise Failure(f"{' '.join(command)}: exit {result.returncode}, expected {expect}\n"
                      f"stdout:\n{result.stdout[-4000:]}\nstderr:\n{result.stderr[-4000:]}")
    return result


def only(pattern):
    found = glob.glob(pattern, recursive=True)
    check(len(found) == 1, f"expected one {pattern}, found {found}")
    return found[0]


# --- what an installed tree must do ------------------------------------------------

def check_tools(prefix, scratch):
    advise = os.path.join(prefix, "bin", "concur-advise")
    example = os.path.join(ARGS.source, "examples", "downloads", "before.cpp")
    result = run([advise, "--progress=none", "--format=sarif", example, "--",
                  "-std=c++20"], expect=1, cwd=scratch)
    sarif = json.loads(result.stdout)
    results = sarif["runs"][0]["results"]
    check(any(r["ruleId"] == "concur-sequential-blocking-loop" for r in results), results)
    # The checks' pages are the installed ones.
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    docs = os.path.join(prefix, "share", "doc", "concur", "checks")
    check(all(r["helpUri"].startswith("file://" + docs + "/") for r in rules),
          [r["helpUri"] for r in rules])
    check(all(os.path.exists(r["helpUri"][len("file://"):]) for r in rules), rules)

    plugin = only(os.path.join(prefix, "lib", "**", "libconcur-tidy.so"))
    result = run([ARGS.clang_tidy, "--load=" + plugin, "--checks=-*,concur-*", example,
                  "--", "-std=c++20"], expect=None, cwd=scratch)
    check("[concur-sequential-blocking-loop]" in result.stdout,
          result.stdout + result.stderr)

    result = run([os.path.join(prefix, "bin", "concur-clangd"), "--version"])
    check("with concur" in result.stdout, result.stdout)

    for page in ("concur-advise", "concur-clangd"):
        path = os.path.join(prefix, "share", "man", "man1", page + ".1.gz")
        with gzip.open(path, "rt") as f:
            text = f.read()
        rendered = run(["groff", "-man", "-Tutf8", "-ww"], input=text)
        check(rendered.stderr == "", f"{page}.1: {rendered.stderr}")
    check(os.path.exists(os.path.join(prefix, "share", "bash-completion", "completions",
                                      "concur-advise")), "bash completion")


def check_runtime(prefix, scratch):
    consumer = os.path.join(HERE, "consumer")
    build = os.path.join(scratch, "consumer-cmake")
    run(["cmake", "-S", consumer, "-B", build, "-DCMAKE_PREFIX_PATH=" + prefix,
         "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF"])
    run(["cmake", "--build", build])
    result = run([os.path.join(build, "consumer")])
    check(result.stdout == "sum=338350 squares=10\n", result.stdout)

    pc_dir = os.path.dirname(only(os.path.join(prefix, "lib", "**", "pkgconfig", "concur.pc")))
    env = dict(os.environ, PKG_CONFIG_PATH=pc_dir)
    flags = run(["pkg-config", "--cflags", "--libs", "concur"], env=env).stdout.split()
    check(any(f.startswith("-I" + prefix) for f in flags), flags)
    program = os.path.join(scratch, "consumer-pkg-config")
    run(["g++", os.path.join(consumer, "main.cpp"), "-o", program, *flags])
    result = run([program])
    check(result.stdout == "sum=338350 squares=10\n", result.stdout)


# --- the CI recipes ----------------------------------------------------------------

def shell_lines(script):
    """The commands of a recipe step (one script, or GitLab's list of
    commands), less package installation: the test machine has the
    packages, and the installed concur is on PATH."""
    if isinstance(script, list):
        return [c for c in script if not c.lstrip().startswith("apt-get")]
    return ["\n".join(l for l in script.splitlines() if not l.lstrip().startswith("apt-get"))]


def run_recipe(name, steps, prefix, scratch):
    """Runs the shell steps of one CI recipe, in order, in a copy of the
    sample project, as its jobs would (shards, then the report), and
    returns the SARIF log it wrote."""
    project = os.path.join(scratch, "sample-" + name)
    shutil.copytree(os.path.join(HERE, "sample"), project)
    env = dict(os.environ, PATH=os.path.join(prefix, "bin") + os.pathsep + os.environ["PATH"])
    for label, script, extra_env in steps:
        for command in shell_lines(script):
            result = subprocess.run(["bash", "-euc", command], cwd=project, capture_output=True,
                                    text=True, env=dict(env, **extra_env))
            check(result.returncode == 0, f"{name} recipe, {label}: {command}\n"
                  f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    with open(os.path.join(project, "concur.sarif")) as f:
        return json.load(f)


def github_steps():
    with open(os.path.join(ARGS.source, "examples", "ci", "github-actions.yml")) as f:
        workflow = yaml.safe_load(f)
    jobs = workflow["jobs"]
    check(set(jobs) == {"concur", "analyse", "merge", "recheck", "report"}, sorted(jobs))
    steps = []

    def job_steps(name, shard=None):
        for step in jobs[name]["steps"]:
            if "run" in step and step["name"] != "Install concur":
                command = step["run"]
                label = name
                if shard is not None:
                    command = command.replace("${{ matrix.shard }}", str(shard))
                    label = f"{name} {shard}"
                steps.append((f"{label}: {step['name']}", command, {}))

    for phase in ("analyse", "merge", "recheck", "report"):
        shards = jobs[phase].get("strategy", {}).get("matrix", {}).get("shard")
        for shard in shards or [None]:
            job_steps(phase, shard)
    return steps


def gitlab_steps():
    with open(os.path.join(ARGS.source, "examples", "ci", "gitlab-ci.yml")) as f:
        pipeline = yaml.safe_load(f)
    steps = []
    for name in ("concur:analyse", "concur:merge", "concur:recheck", "concur:report"):
        job = pipeline[name]
        setup = [l for l in pipeline[job["extends"]]["before_script"]
                 if "packages/concur_" not in l]
        total = job.get("parallel")
        for index in range(1, total + 1) if total else [None]:
            shard_env = {"CI_NODE_INDEX": str(index), "CI_NODE_TOTAL": str(total)} \
                if index else {}
            steps.append((f"{name} {index or ''}", setup + job["script"], shard_env))
    return steps


def check_recipes(prefix, scratch):
    for name, steps in (("github", github_steps()), ("gitlab", gitlab_steps())):
        sarif = run_recipe(name, steps, prefix, scratch)
        found = [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
                 for r in sarif["runs"][0]["results"]]
        check(any(rule == "concur-sequential-blocking-loop" and uri.endswith("main.cpp")
                  for rule, uri in found), f"{name} recipe's SARIF: {found}")


# --- the tests ---------------------------------------------------------------------

def test_prefix(scratch):
    prefix = os.path.join(scratch, "prefix")
    run(["cmake", "--install", ARGS.build, "--prefix", prefix])
    check_tools(prefix, scratch)
    check_runtime(prefix, scratch)


def test_deb(scratch):
    out = os.path.join(scratch, "packages")
    run(["cpack", "-G", "DEB", "-B", out], cwd=ARGS.build)
    tools = only(os.path.join(out, "concur_*.deb"))
    dev = only(os.path.join(out, "libconcur-dev_*.deb"))

    def field(deb, name):
        return run(["dpkg-deb", "-f", deb, name]).stdout.strip()

    depends = field(tools, "Depends")
    # clang-tidy-19 loads the plugin; dpkg-shlibdeps adds the libraries the
    # binaries link.
    for needed in ("clang-tidy-19", "libclang-cpp19", "libllvm19", "libsqlite3-0", "libc6"):
        check(needed in depends, f"concur Depends: {depends}")
    check(field(dev, "Package") == "libconcur-dev", field(dev, "Package"))
    contents = run(["dpkg-deb", "-c", dev]).stdout
    for path in ("usr/include/concur/thread_pool.hpp", "libconcur.a",
                 "cmake/concur/concurConfig.cmake", "pkgconfig/concur.pc"):
        check(path in contents, f"libconcur-dev lacks {path}:\n{contents}")
    contents = run(["dpkg-deb", "-c", tools]).stdout
    for path in ("usr/bin/concur-advise", "usr/bin/concur-clangd", "libconcur-tidy.so",
                 "usr/share/man/man1/concur-advise.1.gz",
                 "usr/share/bash-completion/completions/concur-advise",
                 "usr/share/doc/concur/checks/concur-sequential-blocking-loop.md"):
        check(path in contents, f"concur lacks {path}:\n{contents}")

    # apt resolves the dependencies from the system's package lists.
    simulated = run(["apt-get", "install", "--simulate", "-o", "Debug::NoLocking=1",
                     tools, dev], expect=None)
    check(simulated.returncode == 0,
          f"apt-get install --simulate fails:\n{simulated.stdout}\n{simulated.stderr}")

    root = os.path.join(scratch, "root")
    for deb in (tools, dev):
        run(["dpkg-deb", "-x", deb, root])
    prefix = os.path.join(root, "usr")
    # A library that links liburing (the event loop's io_uring backend) must
    # bring its development package, or -luring fails for the user.
    pc_files = glob.glob(os.path.join(prefix, "**", "pkgconfig", "concur.pc"), recursive=True)
    check(len(pc_files) == 1, f"concur.pc in libconcur-dev: {pc_files}")
    with open(pc_files[0]) as f:
        needs_uring = "-luring" in f.read()
    dev_depends = field(dev, "Depends")
    check(needs_uring == ("liburing-dev" in dev_depends),
          f"concur.pc links liburing: {needs_uring}; libconcur-dev Depends: {dev_depends}")
    check_tools(prefix, scratch)
    check_runtime(prefix, scratch)
    check_recipes(prefix, scratch)


def advise_options():
    """The options concur-advise --help lists (long and short)."""
    advise = os.path.join(ARGS.build, "bin", "concur-advise")
    text = run([advise, "--help"]).stdout
    # LLVM's generic --help-list and --help-hidden are --help's variants.
    options = {o for o in re.findall(r"^\s+(--?[a-z][a-z0-9-]*)", text, re.M)
               if not o.startswith("--help-")}
    check("--format" in options and "-p" in options, f"unexpected --help:\n{text}")
    return options


def test_docs(scratch):
    options = advise_options()
    with open(os.path.join(ARGS.source, "tool", "man", "concur-advise.1")) as f:
        page = f.read().replace("\\-", "-")
    missing = sorted(o for o in options if not re.search(r"\.B[I]? " + re.escape(o) + r"\b",
                                                          page))
    check(not missing, f"concur-advise.1 does not describe {missing}")

    completion = os.path.join(ARGS.source, "tool", "completion", "concur-advise.bash")
    with open(completion) as f:
        words = set(re.findall(r"--?[a-z][a-z0-9-]*", f.read()))
    missing = sorted(options - words)
    check(not missing, f"the bash completion lacks {missing}")

    def complete(*words):
        script = (f"shopt -s extglob; source {completion}; "
                  f"COMP_WORDS=({' '.join(repr(w) for w in words)}); "
                  f"COMP_CWORD={len(words) - 1}; COMPREPLY=(); _concur_advise; "
                  "printf '%s\\n' \"${COMPREPLY[@]}\"")
        return run(["bash", "-c", script], cwd=scratch).stdout.split()

    check(complete("concur-advise", "--format", "=", "s") == ["sarif"],
          complete("concur-advise", "--format", "=", "s"))
    check(complete("concur-advise", "--fail-on", "=", "") == ["none", "note", "warning",
                                                              "error"],
          complete("concur-advise", "--fail-on", "=", ""))
    check("--kept-memory=" in complete("concur-advise", "--ke"), complete("concur-advise",
                                                                          "--ke"))
    check(complete("concur-advise", "mer") == ["merge"], complete("concur-advise", "mer"))
    os.makedirs(os.path.join(scratch, "build"))
    for name in ("a.cpp", "b.txt"):
        open(os.path.join(scratch, name), "w").close()
    check(complete("concur-advise", "-p", "bu") == ["build"], complete("concur-advise", "-p",
                                                                        "bu"))
    check(sorted(complete("concur-advise", "")) == ["a.cpp", "build", "merge"],
          complete("concur-advise", ""))
    check(complete("concur-advise", "a.cpp", "--", "-s") == [], "flags after --")


TESTS = {name[5:]: fn for name, fn in globals().items() if name.startswith("test_")}


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--clang-tidy", required=True)
    parser.add_argument("test", choices=sorted(TESTS))
    ARGS = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="concur-package-") as scratch:
        try:
            TESTS[ARGS.test](os.path.realpath(scratch))
        except Failure as e:
            print(f"FAIL: {ARGS.test}: {e}")
            return 1
    print(f"PASS: {ARGS.test}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
