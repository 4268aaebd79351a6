"""bench/http_client's aiohttp client: REQUESTS GETs of URL with IN_FLIGHT at
a time (IN_FLIGHT tasks sharing one ClientSession whose connector allows
IN_FLIGHT connections), then one line "REQUESTS WALL_SECONDS CPU_SECONDS"
(CPU: user + system of this process for the requests only).

Usage: aiohttp_bench.py URL REQUESTS IN_FLIGHT"""
import asyncio
import resource
import sys
import time

import aiohttp


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def worker(session, url, count):
    total = 0
    for _ in range(count):
        async with session.get(url) as response:
            if response.status != 200:
                raise RuntimeError(f"status {response.status}")
            total += len(await response.read())
    return total


async def main(url, requests, in_flight):
    connector = aiohttp.TCPConnector(limit=in_flight)
    async with aiohttp.ClientSession(connector=connector) as session:
        counts = [requests // in_flight + (w < requests % in_flight) for w in range(in_flight)]
        return sum(await asyncio.gather(*(worker(session, url, c) for c in counts)))


if __name__ == "__main__":
    url, requests, in_flight = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    cpu_start, wall_start = cpu_seconds(), time.monotonic()
    received = asyncio.run(main(url, requests, in_flight))
    wall, cpu = time.monotonic() - wall_start, cpu_seconds() - cpu_start
    if received == 0:
        sys.exit(1)
    print(f"{requests} {wall:.6f} {cpu:.6f}")
