"""The Python asyncio side of bench/event_loop (run.sh drives it).

  asyncio_bench.py server PORT   echo server on 127.0.0.1 with asyncio's
                                 fastest API, protocols (prints "listening N")
  asyncio_bench.py streams PORT  the same with streams (StreamReader/Writer),
                                 the echo server of asyncio's documentation
  asyncio_bench.py micro         the same micro benchmarks as
                                 bench_event_loop micro, same output format
"""
import asyncio
import concurrent.futures
import sys
import time


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


async def serve(port):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, "127.0.0.1", port)
    print("listening", server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


async def echo_stream(reader, writer):
    try:
        while True:
            data = await reader.read(4096)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    writer.close()


async def serve_streams(port):
    server = await asyncio.start_server(echo_stream, "127.0.0.1", port)
    print("listening", server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


async def value_task(i):
    return i


async def sleeper(i):
    await asyncio.sleep((i % 10) / 1000)


async def producer(queue, count):
    for i in range(count):
        await queue.put(i)


def identity(x):
    return x


async def micro():
    start = time.perf_counter()
    values = await asyncio.gather(*(value_task(i) for i in range(200000)))
    assert values[199999] == 199999
    print("spawn_gather_200k %.4f" % (time.perf_counter() - start))

    start = time.perf_counter()
    await asyncio.gather(*(sleeper(i) for i in range(100000)))
    print("timers_100k %.4f" % (time.perf_counter() - start))

    start = time.perf_counter()
    queue = asyncio.Queue(64)
    p = asyncio.create_task(producer(queue, 100000))
    total = 0
    for _ in range(100000):
        total += await queue.get()
    await p
    assert total == 100000 * 99999 // 2
    print("queue_pairs_100k %.4f" % (time.perf_counter() - start))

    loop = asyncio.get_running_loop()
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        start = time.perf_counter()
        total = 0
        for i in range(10000):
            total += await loop.run_in_executor(pool, identity, i)
        assert total == 10000 * 9999 // 2
        print("run_in_executor_10k %.4f" % (time.perf_counter() - start))


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "server":
        asyncio.run(serve(int(sys.argv[2]) if len(sys.argv) > 2 else 0))
    elif len(sys.argv) >= 2 and sys.argv[1] == "streams":
        asyncio.run(serve_streams(int(sys.argv[2]) if len(sys.argv) > 2 else 0))
    elif sys.argv[1:] == ["micro"]:
        asyncio.run(micro())
    else:
        sys.exit("usage: asyncio_bench.py server|streams [PORT] | micro")
