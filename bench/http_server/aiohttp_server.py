"""The Python side of bench/http_server (run.sh drives it): aiohttp.web on
127.0.0.1:PORT (0: any) answering GET /hello with a coroutine handler (and
GET /blocking with a plain function through run_in_executor, which is what
FastAPI does for a plain def endpoint). Prints "listening PORT".

The guides' framework, FastAPI, is not packaged for Debian; aiohttp.web
(Debian's python3-aiohttp) is the asyncio web server that is. Default
asyncio event loop, one process, access log off.

  aiohttp_server.py PORT
"""
import asyncio
import sys

from aiohttp import web


async def hello(request):
    return web.Response(text="Hello, world!")


def blocking_hello():
    return "Hello, world!"


async def blocking(request):
    text = await asyncio.get_running_loop().run_in_executor(None, blocking_hello)
    return web.Response(text=text)


async def main(port):
    app = web.Application()
    app.router.add_get("/hello", hello)
    app.router.add_get("/blocking", blocking)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=4096)
    await site.start()
    print("listening", site._server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
