#!/usr/bin/env python3
"""Python's multiprocessing.Queue, the comparator of bench_process_queue.

One producer process puts N items of SIZE bytes (a bytes object), one
consumer process gets them; the parent times from starting both processes
to joining them. Prints one line per size:

  queue-<size> py-mp-queue <items per second> items/s

and the sets per second of one child process writing a Manager().dict():

  dict-set py-manager-dict <sets per second> sets/s
"""

import argparse
import multiprocessing
import time


def producer(queue, count, size):
    item = b"x" * size
    for _ in range(count):
        queue.put(item)
    queue.put(None)


def consumer(queue):
    while queue.get() is not None:
        pass


def measure(count, size, maxsize):
    queue = multiprocessing.Queue(maxsize)
    processes = [multiprocessing.Process(target=producer, args=(queue, count, size)),
                 multiprocessing.Process(target=consumer, args=(queue,))]
    start = time.perf_counter()
    for p in processes:
        p.start()
    for p in processes:
        p.join()
    return count / (time.perf_counter() - start)


def writer(d, count):
    for i in range(count):
        d[i % 1000] = i


def measure_dict(count):
    with multiprocessing.Manager() as manager:
        d = manager.dict()
        child = multiprocessing.Process(target=writer, args=(d, count))
        start = time.perf_counter()
        child.start()
        child.join()
        return count / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    multiprocessing.set_start_method("fork")
    for size, count in ((64, 200_000), (65536, 20_000)):
        count = max(1000, int(count * args.scale))
        best = max(measure(count, size, 1024) for _ in range(2))
        print(f"queue-{size} py-mp-queue {best:.0f} items/s", flush=True)
    sets = max(1000, int(20_000 * args.scale))
    best = max(measure_dict(sets) for _ in range(2))
    print(f"dict-set py-manager-dict {best:.0f} sets/s", flush=True)


if __name__ == "__main__":
    main()
