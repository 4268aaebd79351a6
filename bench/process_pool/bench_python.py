"""Python's process pools on the workloads of bench_process_pool.cpp.

Prints "<metric> <system> <value> <unit>" lines, like the C++ side:
concurrent.futures.ProcessPoolExecutor ("py-executor") and
multiprocessing.Pool ("py-pool"), with Python's default start method on
Linux (fork, before 3.14) unless --start-method says otherwise.
"""
import argparse
import multiprocessing
import os
import signal
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool


def empty_task():
    return 0


def square(x):
    return x * x


def touch_pages(data):
    # One byte per 4 KiB page, as the C++ task does.
    return sum(data[::4096])


def kill_self():
    os.kill(os.getpid(), signal.SIGKILL)


def report(metric, system, value, unit):
    print(f"{metric} {system} {value:.3f} {unit}", flush=True)


WARM_UP_TASKS = 1000  # as bench_process_pool.cpp: the scheduler places fresh threads first


def roundtrip(ctx, tasks):
    with ProcessPoolExecutor(1, mp_context=ctx) as ex:
        for _ in range(WARM_UP_TASKS):
            ex.submit(empty_task).result()
        start = time.perf_counter()
        for _ in range(tasks):
            ex.submit(empty_task).result()
        report("roundtrip", "py-executor", (time.perf_counter() - start) / tasks * 1e6, "us/task")
    with ctx.Pool(1) as pool:
        for _ in range(WARM_UP_TASKS):
            pool.apply(empty_task)
        start = time.perf_counter()
        for _ in range(tasks):
            pool.apply(empty_task)
        report("roundtrip", "py-pool", (time.perf_counter() - start) / tasks * 1e6, "us/task")


def chunk_for(items, workers):
    return max(1, (items + 4 * workers - 1) // (4 * workers))


def map_throughput(ctx, items):
    inputs = list(range(items))
    chunk = chunk_for(items, 2)
    with ProcessPoolExecutor(2, mp_context=ctx) as ex:
        ex.submit(empty_task).result()
        start = time.perf_counter()
        results = list(ex.map(square, inputs, chunksize=chunk))
        report("map", "py-executor", (time.perf_counter() - start) / items * 1e6, "us/item")
        assert results[-1] == square(items - 1)
    with ctx.Pool(2) as pool:
        pool.apply(empty_task)
        start = time.perf_counter()
        results = pool.map(square, inputs, chunksize=chunk)
        report("map", "py-pool", (time.perf_counter() - start) / items * 1e6, "us/item")
        assert results[-1] == square(items - 1)


def handoff(ctx, tasks):
    data = bytes(range(256)) * (64 * 1024 * 1024 // 256)
    expected = touch_pages(data)
    with ProcessPoolExecutor(2, mp_context=ctx) as ex:
        ex.submit(empty_task).result()
        samples = []
        for _ in range(tasks):
            start = time.perf_counter()
            assert ex.submit(touch_pages, data).result() == expected
            samples.append((time.perf_counter() - start) * 1e3)
        report("handoff", "py-executor", statistics.median(samples), "ms/task")
    with ctx.Pool(2) as pool:
        pool.apply(empty_task)
        samples = []
        for _ in range(tasks):
            start = time.perf_counter()
            assert pool.apply(touch_pages, (data,)) == expected
            samples.append((time.perf_counter() - start) * 1e3)
        report("handoff", "py-pool", statistics.median(samples), "ms/task")


def start_stop(ctx, rounds):
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        with ProcessPoolExecutor(2, mp_context=ctx) as ex:
            ex.submit(empty_task).result()
        samples.append((time.perf_counter() - start) * 1e3)
    report("startstop", "py-executor", statistics.median(samples), "ms")
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        pool = ctx.Pool(2)
        pool.apply(empty_task)
        pool.close()
        pool.join()
        samples.append((time.perf_counter() - start) * 1e3)
    report("startstop", "py-pool", statistics.median(samples), "ms")


def replace(ctx, rounds):
    # ProcessPoolExecutor cannot replace a dead worker: the whole executor
    # breaks (BrokenProcessPool on every pending future) and must be rebuilt.
    samples = []
    ex = ProcessPoolExecutor(1, mp_context=ctx)
    ex.submit(empty_task).result()
    for _ in range(rounds):
        start = time.perf_counter()
        try:
            ex.submit(kill_self).result()
            raise AssertionError("no BrokenProcessPool")
        except BrokenProcessPool:
            pass
        ex.shutdown(wait=True)
        ex = ProcessPoolExecutor(1, mp_context=ctx)
        ex.submit(empty_task).result()
        samples.append((time.perf_counter() - start) * 1e3)
    ex.shutdown()
    report("replace", "py-executor", statistics.median(samples), "ms")
    # multiprocessing.Pool replaces the worker but never reports the lost
    # task (its result would hang forever): measure until the replacement
    # has answered the next task.
    samples = []
    with ctx.Pool(1) as pool:
        pool.apply(empty_task)
        for _ in range(rounds):
            start = time.perf_counter()
            pool.apply_async(kill_self)
            pool.apply(empty_task)
            samples.append((time.perf_counter() - start) * 1e3)
    report("replace", "py-pool", statistics.median(samples), "ms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--start-method", default=None)
    parser.add_argument("--only-roundtrip", action="store_true")
    args = parser.parse_args()
    ctx = multiprocessing.get_context(args.start_method)

    def scaled(n):
        return max(3, int(n * args.scale))

    print(f"# python {sys.version.split()[0]}, start method {ctx.get_start_method()}", flush=True)
    roundtrip(ctx, scaled(5000))
    if args.only_roundtrip:
        return
    map_throughput(ctx, scaled(200000))
    handoff(ctx, scaled(10))
    start_stop(ctx, scaled(10))
    replace(ctx, scaled(10))


if __name__ == "__main__":
    main()
