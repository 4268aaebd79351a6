#!/usr/bin/env python3
"""Test of an examples/c/ROW pair: runs before and after on the same input
and checks that they print the same, correct result.

  threading        backs up 30 files made in the scratch folder; every copy
                   must equal its file
  asyncio, mixed   downloads from examples/server's HTTP mode (started on a
                   free port) plus one refused URL; the sizes (and, for
                   mixed, the digests of the small bodies) are computed here
  futures, multiprocessing, joblib
                   the programs' own data; the result is computed here too

check_c_example.py ROW --before BIN --after BIN --server BIN --scratch DIR
"""

import argparse
import math
import os
import re
import shutil
import subprocess
import sys

MASK = (1 << 64) - 1
FNV_OFFSET, FNV_PRIME = 14695981039346656037, 1099511628211


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def run(binary, *args, status=0):
    result = subprocess.run([binary, *args], capture_output=True, text=True, timeout=100)
    check(result.returncode == status,
          f"{os.path.basename(binary)} exited {result.returncode}, expected {status}\n"
          f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result.stdout


def same(before, after, expected):
    check(before == expected, f"before printed:\n{before}\nexpected:\n{expected}")
    check(after == before, f"after printed:\n{after}\nbefore printed:\n{before}")


# --- threading: file copies ---------------------------------------------------------

def test_threading(args):
    inputs = os.path.join(args.scratch, "inputs")
    os.makedirs(inputs)
    paths = []
    for i in range(30):
        path = os.path.join(inputs, f"log{i}.txt")
        with open(path, "wb") as f:
            f.write(bytes((i * 31 + j * 7) % 251 for j in range(7919 * i + 13)))
        paths.append(path)
    outputs = {}
    for name in ("before", "after"):
        folder = os.path.join(args.scratch, name)
        os.makedirs(folder)
        outputs[name] = run(getattr(args, name), folder, *paths)
        check(outputs[name] == f"{len(paths)} files backed up to {folder}\n",
              f"{name} printed {outputs[name]!r}")
        for path in paths:
            copy = os.path.join(folder, os.path.basename(path) + ".bak")
            check(os.path.isfile(copy), f"{name} made no {copy}")
            with open(path, "rb") as a, open(copy, "rb") as b:
                check(a.read() == b.read(), f"{name}: {copy} differs from {path}")
    return f"{len(paths)} files backed up alike"


# --- asyncio and mixed: downloads -----------------------------------------------------

class Server:
    """examples/server in HTTP mode: GET /bytes/N answers N bytes 'x'."""

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


REFUSED = "http://127.0.0.1:1/bytes/10"  # nothing listens on port 1


def slow_digest(data, rounds=2000):
    digest = FNV_OFFSET
    for r in range(rounds):
        for byte in data:
            digest = ((digest ^ byte ^ r) * FNV_PRIME) & MASK
    return digest


def downloads(args, sizes, line_of):
    server = Server(args.server)
    try:
        urls = [server.url(size) for size in sizes] + [REFUSED]
        expected = "".join(line_of(url, size) for url, size in zip(urls, sizes))
        expected += f"{REFUSED}: failed\n"
        # The refused URL makes both exit with 1.
        same(run(args.before, *urls, status=1), run(args.after, *urls, status=1), expected)
    finally:
        server.close()


def test_asyncio(args):
    sizes = [1000 * i + 7 for i in range(40)]
    downloads(args, sizes, lambda url, size: f"{url}: {size} bytes\n")
    return f"{len(sizes)} downloads and a refused one, same output"


def test_mixed(args):
    sizes = [5, 700] + [20000 * i + 3 for i in range(1, 11)]
    # The digests of big bodies are not recomputed here (too slow in Python):
    # they must differ from each other, and after must print before's.
    computed = {size: slow_digest(b"x" * size) for size in sizes if size < 1000}

    server = Server(args.server)
    try:
        urls = [server.url(size) for size in sizes] + [REFUSED]
        before = run(args.before, *urls, status=1)
        after = run(args.after, *urls, status=1)
        lines = before.splitlines()
        check(len(lines) == len(urls), f"before printed:\n{before}")
        digests = set()
        for line, url, size in zip(lines, urls, sizes):
            prefix = f"{url}: {size} bytes, digest "
            check(line.startswith(prefix), f"before printed {line!r}, expected {prefix}...")
            digest = line[len(prefix):]
            if size in computed:
                check(digest == f"{computed[size]:016x}",
                      f"before printed {line!r}, expected the digest {computed[size]:016x}")
            digests.add(digest)
        check(len(digests) == len(sizes), f"equal digests for different bodies:\n{before}")
        check(lines[-1] == f"{REFUSED}: failed", f"before printed {lines[-1]!r}")
        check(after == before, f"after printed:\n{after}\nbefore printed:\n{before}")
    finally:
        server.close()
    return f"{len(sizes)} downloads digested and a refused one, same output"


# --- futures: record summaries -------------------------------------------------------

def test_futures(args):
    records, values_per_record = 2000, 400
    combined, first_median = 0, None
    for i in range(records):
        values = sorted((i * 7919 + j * 104729) % 100003 for j in range(values_per_record))
        fingerprint = 0
        for value in values:
            fingerprint = (fingerprint * FNV_PRIME + value) & MASK
        combined ^= (fingerprint + i) & MASK
        if first_median is None:
            first_median = values[len(values) // 2]
    expected = (f"{records} summaries, first median {first_median}, "
                f"combined fingerprint {combined:016x}\n")
    same(run(args.before), run(args.after), expected)
    return f"{records} summaries alike"


# --- multiprocessing: word statistics ------------------------------------------------

def make_document(seed, words):
    out = bytearray()
    for w in range(words):
        seed = (seed * 1664525 + 1013904223) & 0xFFFFFFFF
        length = 1 + (seed >> 28) % 9
        for c in range(length):
            out.append(ord("a") + (seed >> (c * 3 % 24)) % 26)
        out.append(ord("\n") if w % 12 == 11 else ord(",") if w % 5 == 4 else ord(" "))
    return bytes(out)


def test_multiprocessing(args):
    documents, words_per_document = 400, 5000
    total, longest, combined = 0, 0, 0
    for i in range(documents):
        text = make_document(i + 1, words_per_document)
        words = text.replace(b",", b" ").replace(b".", b" ").split()
        digest = FNV_OFFSET
        for byte in b"".join(words):
            digest = ((digest ^ byte) * FNV_PRIME) & MASK
        total += len(words)
        longest = max([longest] + [len(word) for word in words])
        combined ^= digest
    expected = (f"{documents} documents, {total} words, longest {longest} letters, "
                f"digest {combined:016x}\n")
    same(run(args.before), run(args.after), expected)
    return f"{documents} documents alike"


# --- joblib: gradients -------------------------------------------------------------

def test_joblib(args):
    features, samples = 256, 4096
    weights = [0.01 * math.cos(i) for i in range(features)]
    firsts = []
    for s in range(samples):
        sample = [math.sin(s * features + i) for i in range(features)]
        dot = 0.0
        for w, x in zip(weights, sample):
            dot += w * x
        error = 1.0 / (1.0 + math.exp(-dot)) - s % 2
        firsts.append(error * sample[0])
    mean = 0.0
    for first in firsts:
        mean += first / samples
    before, after = run(args.before), run(args.after)
    check(after == before, f"after printed:\n{after}\nbefore printed:\n{before}")
    printed = re.fullmatch(r"(\d+) gradients, sample 1's starts with (\S+), "
                           r"mean of the first components (\S+)\n", before)
    check(printed and int(printed.group(1)) == samples, f"before printed {before!r}")
    got_second, got_mean = float(printed.group(2)), float(printed.group(3))
    check(abs(got_second - firsts[1]) < 1e-8 and abs(got_mean - mean) < 1e-8,
          f"before printed {before!r}, expected {firsts[1]:.9f} and {mean:.9f}")
    return f"{samples} gradients alike"


TESTS = {name[5:]: fn for name, fn in globals().items() if name.startswith("test_")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("row", choices=sorted(TESTS))
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", required=True)
    parser.add_argument("--server", required=True)
    parser.add_argument("--scratch", required=True)
    args = parser.parse_args()
    shutil.rmtree(args.scratch, ignore_errors=True)
    os.makedirs(args.scratch)
    try:
        message = TESTS[args.row](args)
    except (Failure, subprocess.TimeoutExpired) as e:
        print(f"FAIL: {args.row}: {e}")
        return 1
    print(f"PASS: {args.row}: {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
