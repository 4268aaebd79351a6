#!/usr/bin/env python3
"""Test of examples/from-python and docs/from-python.md.

  PROGRAM  runs every snippet of PROGRAM.cpp (the HTTP ones against
           examples/server's HTTP mode, started on a free port) and checks
           what it prints; checks that the doc shows each of its snippets
           word for word, and names no snippet the file lacks.
  doc      checks that every C++ block of the doc is a snippet of one of
           the programs (a comment <!-- snippet: FILE#NAME --> before it), so
           no C++ in the doc goes uncompiled.

A snippet is the text between "// snippet: NAME" and "// end snippet".

check_from_python.py --server BIN --doc DOC --source DIR
                     --program NAME=BIN ... (PROGRAM | doc)
"""

import argparse
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

SNIPPET = re.compile(r"^// snippet: (\w+)\n(.*?)^// end snippet\n", re.M | re.S)
DOC_BLOCK = re.compile(r"<!-- snippet: ([\w-]+\.cpp)#(\w+) -->\s*\n```cpp\n(.*?)```", re.S)


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def snippets(path):
    with open(path, encoding="utf-8") as f:
        return {m.group(1): m.group(2) for m in SNIPPET.finditer(f.read())}


def doc_blocks(doc):
    with open(doc, encoding="utf-8") as f:
        text = f.read()
    return text, [(m.group(1), m.group(2), m.group(3)) for m in DOC_BLOCK.finditer(text)]


# --- running the snippets ------------------------------------------------------------

def run(binary, *args, cwd=None, timeout=60):
    result = subprocess.run([binary, *args], capture_output=True, text=True, cwd=cwd,
                            timeout=timeout)
    check(result.returncode == 0, f"{binary} {' '.join(args)}: exit {result.returncode}\n"
          f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result.stdout


class Server:
    """examples/server in HTTP mode: GET /bytes/N answers N bytes."""

    def __init__(self, binary):
        self.process = subprocess.Popen([binary, "--http", "0"], stdout=subprocess.PIPE,
                                        text=True)
        line = self.process.stdout.readline().split()
        check(line[:1] == ["listening"], f"the HTTP server did not start: {line}")
        self.port = int(line[1])

    def url(self, size):
        return f"http://127.0.0.1:{self.port}/bytes/{size}"

    def close(self):
        self.process.kill()
        self.process.wait()


def lines(text):
    return text.splitlines()


def expect(output, wanted, ordered=True):
    got = lines(output) if ordered else sorted(lines(output))
    want = wanted if ordered else sorted(wanted)
    check(got == want, f"printed:\n{output}\nexpected:\n" + "\n".join(want))


REFUSED = "http://127.0.0.1:1/"  # nothing listens on port 1


def test_threading(binary, server):
    expect(run(binary, "threads"), [f"Thread {i} running" for i in range(5)], ordered=False)
    expect(run(binary, "lock"), ["100"])
    sizes = [1000 * i + 7 for i in range(6)]
    with tempfile.TemporaryDirectory() as scratch:
        out = run(binary, "download", *(server.url(s) for s in sizes), cwd=scratch)
        expect(out, [f"Downloaded file{i}.txt" for i in range(len(sizes))], ordered=False)
        for i, size in enumerate(sizes):
            got = os.path.getsize(os.path.join(scratch, f"file{i}.txt"))
            check(got == size, f"file{i}.txt has {got} bytes, expected {size}")
    expect(run(binary, "queue"), [f"Got: {i}" for i in range(10)])
    ticks = lines(run(binary, "timer"))
    check(3 <= len(ticks) <= 5 and all(re.fullmatch(r"Time: \d+", t) for t in ticks),
          f"timer printed {ticks}")


def test_multiprocessing(binary, server):
    expect(run(binary, "process"), ["25"])
    n = 1_000_000
    expect(run(binary, "pool_map"), [str(sum(i * i for i in range(n)))] * 4)
    # The three processes put their squares in whatever order they run.
    squares = lines(run(binary, "queue"))
    check(len(squares) == 1 and sorted(int(w) for w in squares[0].split())
          == [i * i for i in range(1, 10)], f"queue printed {squares}")
    expect(run(binary, "ipc"), [f"Got: {i}" for i in range(5)])
    expect(run(binary, "dict"), [f"{i}: {i * i}" for i in range(5)])


def test_futures(binary, server):
    start = time.monotonic()
    expect(run(binary, "thread_map"), [f"Processed {x}" for x in "ABCDE"])
    elapsed = time.monotonic() - start
    check(elapsed < 4, f"thread_map took {elapsed:.1f} s: not concurrent")
    expect(run(binary, "process_map"), [" ".join(str(i * i) for i in range(10)) + " "])
    sizes = [1000 * i + 3 for i in range(5)]
    out = run(binary, "as_completed", *(server.url(s) for s in sizes), REFUSED)
    wanted = [f"Downloaded {server.url(s)}, length: {s}" for s in sizes]
    got = lines(out)
    check(len(got) == 6, out)
    check(sorted(l for l in got if l.startswith("Downloaded")) == sorted(wanted), out)
    check(sum(l.startswith(f"Error downloading {REFUSED}: ") for l in got) == 1, out)
    expect(run(binary, "process_as_completed"),
           [f"Factorial of {n} is {float(math.factorial(n)):g}" for n in (35, 36, 37)],
           ordered=False)


def test_asyncio(binary, server):
    expect(run(binary, "hello"), ["Hello", "World"])
    start = time.monotonic()
    expect(run(binary, "gather"), ["0 2 4 6 8 "])
    check(time.monotonic() - start < 2.5, "gather: the five sleeps did not overlap")
    expect(run(binary, "create_task"), ["0 1 2 3 4 "])
    expect(run(binary, "queue"), [f"Got: {i}" for i in range(5)])
    events = lines(run(binary, "semaphore"))
    running, most = set(), 0
    for event in events:
        kind, n = event.split()
        if kind == "Start":
            running.add(n)
        else:
            check(n in running, f"End {n} before Start {n}: {events}")
            running.remove(n)
        most = max(most, len(running))
    check(len(events) == 20 and not running and most == 3,
          f"semaphore: {most} at once (expected 3): {events}")
    sizes = [2000 * i + 1 for i in range(4)]
    urls = [server.url(s) for s in sizes]
    got = lines(run(binary, "http_client", *urls, REFUSED))
    check(len(got) == 6 and got[-1] == "Total lengths: " + " ".join(map(str, sizes + [0])),
          got)
    wanted = [f"Finished fetching {u}, length: {s}" for u, s in zip(urls, sizes)]
    check(sorted(l for l in got if l.startswith("Finished")) == sorted(wanted), got)
    check(sum(l.startswith(f"Error fetching {REFUSED}: ") for l in got) == 1, got)


def test_joblib(binary, server):
    out = run(binary, "parallel")
    m = re.fullmatch(r"100 results, first (\d+\.\d)\n", out)
    # The sum of 1000 squares of uniform numbers in [0, 1) is about 333.
    check(m and 250 < float(m.group(1)) < 420, out)


def get(url, results, index):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            results[index] = (response.status, response.read().decode())
    except urllib.error.HTTPError as e:
        results[index] = (e.code, "")
    except Exception as e:  # reported by the check below
        results[index] = (None, repr(e))


def test_mixed(binary, server):
    expect(run(binary, "to_thread"), ["Done"])
    expect(run(binary, "process"), ["25"])
    process = subprocess.Popen([binary, "http_server"], stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline().split()
        check(line[:1] == ["listening"], f"http_server did not start: {line}")
        base = f"http://127.0.0.1:{line[1]}"
        paths = ["/async", "/sync", "/async", "/sync", "/missing"]
        results = [None] * len(paths)
        start = time.monotonic()
        clients = [threading.Thread(target=get, args=(base + p, results, i))
                   for i, p in enumerate(paths)]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        elapsed = time.monotonic() - start
        wanted = [(200, '{"type": "async"}'), (200, '{"type": "sync"}'),
                  (200, '{"type": "async"}'), (200, '{"type": "sync"}'), (404, "")]
        check(results == wanted, f"http_server answered {results}")
        # Four one-second handlers at once: the blocking ones did not hold the loop.
        check(elapsed < 1.9, f"http_server took {elapsed:.1f} s for four 1-second requests")
        # SIGTERM stops it gracefully: serve() returns and the program exits 0.
        process.send_signal(signal.SIGTERM)
        check(process.wait(timeout=10) == 0,
              f"http_server exited {process.returncode} after SIGTERM")
    finally:
        process.kill()
        process.wait()


# --- the doc -----------------------------------------------------------------------

def check_program_in_doc(source_dir, doc, program):
    file = program + ".cpp"
    own = snippets(os.path.join(source_dir, file))
    check(own, f"{file} has no snippets")
    _, blocks = doc_blocks(doc)
    shown = {name: text for f, name, text in blocks if f == file}
    for name, text in own.items():
        check(name in shown, f"{doc} does not show {file}#{name}")
        check(shown[name] == text, f"{doc} shows {file}#{name} differently from {file}:\n"
              f"--- doc\n{shown[name]}--- {file}\n{text}")
    extra = sorted(set(shown) - set(own))
    check(not extra, f"{doc} shows snippets {extra} that {file} does not have")


def check_doc(source_dir, doc, programs):
    text, blocks = doc_blocks(doc)
    cpp_blocks = len(re.findall(r"^```cpp$", text, re.M))
    check(cpp_blocks == len(blocks),
          f"{doc} has {cpp_blocks - len(blocks)} C++ blocks without a "
          "<!-- snippet: FILE#NAME --> line before them")
    for file, name, _ in blocks:
        check(file[:-4] in programs, f"{doc}: {file} is not one of {sorted(programs)}")
        check(name in snippets(os.path.join(source_dir, file)), f"{doc}: no {file}#{name}")
    for program in programs:
        check_program_in_doc(source_dir, doc, program)
    return len(blocks)


TESTS = {name[5:]: fn for name, fn in globals().items() if name.startswith("test_")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--doc", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--program", action="append", default=[])
    parser.add_argument("test")
    args = parser.parse_args()
    programs = dict(p.split("=", 1) for p in args.program)
    try:
        if args.test == "doc":
            count = check_doc(args.source, args.doc, programs)
            print(f"PASS: {count} C++ blocks of {args.doc}, each a snippet of a program")
            return 0
        check(args.test in TESTS and args.test in programs, f"unknown program {args.test}")
        check_program_in_doc(args.source, args.doc, args.test)
        server = Server(args.server)
        try:
            TESTS[args.test](programs[args.test], server)
        finally:
            server.close()
    except (Failure, subprocess.TimeoutExpired) as e:
        print(f"FAIL: {args.test}: {e}")
        return 1
    count = len(snippets(os.path.join(args.source, args.test + ".cpp")))
    print(f"PASS: {args.test}: {count} snippets run and shown in the doc")
    return 0


if __name__ == "__main__":
    sys.exit(main())
