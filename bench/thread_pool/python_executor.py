#!/usr/bin/env python3
"""Python's concurrent.futures.ThreadPoolExecutor on the cases of
bench_thread_pool.cpp, same thread count, best of ROUNDS rounds. Prints
"case<TAB>seconds per operation" lines for bench_thread_pool --python.

Usage: python_executor.py ROUNDS THREADS [--quick]"""
import sys
import time
from concurrent.futures import ThreadPoolExecutor, wait


def empty():
    pass


def ident(i):
    return i


def tiny(x):
    return x * 3 + 1


def main():
    rounds = int(sys.argv[1])
    threads = int(sys.argv[2])
    quick = "--quick" in sys.argv
    tasks = 2000 if quick else 20000
    ops = 500 if quick else 5000
    items = list(range(10000 if quick else 100000))
    best = {}

    def record(name, value):
        best[name] = min(best.get(name, value), value)

    with ThreadPoolExecutor(max_workers=threads) as ex:
        ex.submit(empty).result()  # start the workers outside the timing
        for _ in range(rounds):
            start = time.perf_counter()
            futures = [ex.submit(empty) for _ in range(tasks)]
            wait(futures)
            record("empty task, 1 producer", (time.perf_counter() - start) / tasks)

            start = time.perf_counter()
            for i in range(ops):
                ex.submit(ident, i).result()
            record("submit->get latency", (time.perf_counter() - start) / ops)

            start = time.perf_counter()
            out = list(ex.map(tiny, items))
            assert out[-1] == items[-1] * 3 + 1
            record("map 1e6 tiny items (per item)", (time.perf_counter() - start) / len(items))
    for name, value in best.items():
        print(f"{name}\t{value:.9g}")


if __name__ == "__main__":
    main()
