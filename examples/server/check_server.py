"""Test of examples/server: starts a server binary on a free port and checks
that it serves clients concurrently: an idle client stays connected while
50 others, all open at once, each get their bytes echoed back. before.cpp,
serving one client at a time, fails it (a 5 s timeout); after.cpp passes.

Usage: check_server.py SERVER_BINARY"""
import socket
import subprocess
import sys
import time


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def connect(port, deadline):
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=5)
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def main():
    port = free_port()
    server = subprocess.Popen([sys.argv[1], str(port)], stdout=subprocess.DEVNULL)
    try:
        idle = connect(port, time.monotonic() + 10)
        clients = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(50)]
        for i, c in enumerate(clients):
            c.sendall(("client %d\n" % i).encode())
        for i, c in enumerate(clients):
            expected = ("client %d\n" % i).encode()
            got = b""
            while len(got) < len(expected):
                chunk = c.recv(len(expected) - len(got))
                if not chunk:
                    sys.exit("connection %d closed early" % i)
                got += chunk
            if got != expected:
                sys.exit("client %d got %r" % (i, got))
            c.close()
        idle.close()
        print("served 50 concurrent clients while another stayed connected")
    except socket.timeout:
        sys.exit("timed out: the server does not serve clients concurrently")
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    main()
