"""joblib's side of bench/parallel: the same work as bench_parallel.cpp.

Prints "name seconds" lines (medians) for run.sh to hand to the C++ driver.
"""
import shutil
import statistics
import sys
import tempfile
import time

import numpy as np
from joblib import Memory, Parallel, delayed


def tiny_work(x):
    return x * 2 + 1


def small(x):
    return x + 1


def large(v):
    return float(v.sum())


def median(rounds, run):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    jobs = int(sys.argv[2]) if len(sys.argv) > 2 else -1
    items = range(100000)
    parallel = Parallel(n_jobs=jobs)  # loky processes, batch_size="auto"
    parallel(delayed(tiny_work)(x) for x in range(1000))  # start the workers
    print("tiny_tasks", median(rounds, lambda: parallel(delayed(tiny_work)(x) for x in items)))

    directory = tempfile.mkdtemp(prefix="concur-bench-joblib-")
    try:
        memory = Memory(directory, verbose=0)
        cached_small = memory.cache(small)
        cached_large = memory.cache(large)
        array = np.arange(64 * 1024 * 1024 // 8, dtype=np.float64)  # 64 MiB
        cached_small(41)
        cached_large(array)
        print("cache_hit_small", median(rounds * 20, lambda: cached_small(41)))
        print("cache_hit_64mib", median(rounds, lambda: cached_large(array)))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
