"""Test of examples/downloads: starts examples/server's HTTP mode on a free
port, runs before and after over the same 40 local URLs, and checks that
both print the same, correct sizes in the same order.

Usage: check_downloads.py SERVER BEFORE AFTER"""
import subprocess
import sys


def main():
    server_binary, before, after = sys.argv[1:4]
    server = subprocess.Popen([server_binary, "--http", "0"], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline().split()
        if line[:1] != ["listening"]:
            sys.exit("server did not start: %r" % line)
        port = int(line[1])
        urls = ["http://127.0.0.1:%d/bytes/%d" % (port, 1000 * i + 7) for i in range(40)]
        expected = "".join("%s: %d bytes\n" % (url, 1000 * i + 7) for i, url in enumerate(urls))
        outputs = {}
        for name, binary in (("before", before), ("after", after)):
            result = subprocess.run([binary] + urls, capture_output=True, text=True, timeout=60,
                                    env={"CONCUR_DOWNLOADS_LIMIT": "8"})
            if result.returncode != 0:
                sys.exit("%s failed (%d): %s" % (name, result.returncode, result.stderr))
            outputs[name] = result.stdout
        if outputs["before"] != expected:
            sys.exit("before printed:\n" + outputs["before"])
        if outputs["after"] != outputs["before"]:
            sys.exit("after differs from before:\n" + outputs["after"])
        print("40 downloads, same output from before and after")
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    main()
