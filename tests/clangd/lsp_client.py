"""A small Language Server Protocol client for concur-clangd's end-to-end tests.

It speaks LSP over the server's stdin/stdout the way an editor does: JSON-RPC
messages framed by `Content-Length` headers, requests matched to responses by
id, notifications (publishDiagnostics) collected as they arrive, and requests
from the server (workDoneProgress/create, workspace/configuration) answered,
since a server may wait for them. Nothing of clangd is mocked: the tests start
the real binary.
"""

import json
import os
import subprocess
import threading
import time
from pathlib import Path


class LspError(Exception):
    """The server answered with an error, died, or did not answer in time."""


class LspClient:
    def __init__(self, command, cwd, env=None, stderr_path=None):
        self._stderr_file = open(stderr_path, "wb") if stderr_path else subprocess.DEVNULL
        self.stderr_path = stderr_path
        self.process = subprocess.Popen(
            command, cwd=cwd, env=env, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self._stderr_file)
        self._next_id = 1
        self._lock = threading.Condition()
        self._responses = {}
        self._notifications = []
        self._reader_error = None
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    # --- framing -----------------------------------------------------------

    def _send(self, message):
        body = json.dumps(message).encode("utf-8")
        header = f"Content-Length: {len(body)}\r\n\r\n".encode("ascii")
        try:
            self.process.stdin.write(header + body)
            self.process.stdin.flush()
        except BrokenPipeError as error:
            raise LspError(f"server closed its input: {self.stderr_tail()}") from error

    def _read_message(self):
        stream = self.process.stdout
        length = None
        while True:
            line = stream.readline()
            if not line:
                return None
            line = line.rstrip(b"\r\n")
            if not line:
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        if length is None:
            raise LspError("message without Content-Length header")
        body = stream.read(length)
        if len(body) != length:
            return None
        return json.loads(body.decode("utf-8"))

    def _read_loop(self):
        try:
            while True:
                message = self._read_message()
                if message is None:
                    break
                if "id" in message and "method" in message:
                    self._answer_server_request(message)
                    continue
                with self._lock:
                    if "id" in message:
                        self._responses[message["id"]] = message
                    else:
                        self._notifications.append(message)
                    self._lock.notify_all()
        except Exception as error:  # reported to the waiting test
            self._reader_error = error
        with self._lock:
            self._lock.notify_all()

    def _answer_server_request(self, message):
        method = message["method"]
        if method == "workspace/configuration":
            result = [None for _ in message["params"].get("items", [])]
        else:
            result = None
        self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})

    # --- requests and notifications ------------------------------------------

    def notify(self, method, params):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params, timeout=60):
        request_id = self._next_id
        self._next_id += 1
        self._send({"jsonrpc": "2.0", "id": request_id, "method": method,
                    "params": params})
        response = self._wait(lambda: self._responses.pop(request_id, None),
                              timeout, f"response to {method}")
        if "error" in response:
            raise LspError(f"{method} failed: {response['error']}")
        return response.get("result")

    def _wait(self, take, timeout, what):
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                value = take()
                if value is not None:
                    return value
                if self._reader_error is not None:
                    raise LspError(f"reading from the server failed: {self._reader_error!r}")
                if self.process.poll() is not None and not self._reader.is_alive():
                    raise LspError(f"server exited with {self.process.returncode} while "
                                   f"waiting for {what}: {self.stderr_tail()}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise LspError(f"timed out waiting for {what}: {self.stderr_tail()}")
                self._lock.wait(remaining)

    def wait_for_diagnostics(self, uri, accept=lambda params: True, timeout=120):
        """The first publishDiagnostics for `uri` that `accept` takes; earlier
        ones for that document are consumed."""
        def take():
            for index, message in enumerate(self._notifications):
                if message.get("method") != "textDocument/publishDiagnostics":
                    continue
                params = message["params"]
                if params["uri"] != uri:
                    continue
                del self._notifications[index]
                if accept(params):
                    return params
                return take()
            return None
        return self._wait(take, timeout, f"diagnostics for {uri}")

    # --- session -------------------------------------------------------------

    def initialize(self, root):
        root_uri = Path(root).as_uri()
        capabilities = {
            "textDocument": {
                "publishDiagnostics": {"relatedInformation": True,
                                       "versionSupport": True,
                                       "codeDescriptionSupport": True},
                "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {
                    "valueSet": ["", "quickfix", "refactor", "source"]}}},
                "synchronization": {"didSave": True},
                "hover": {"contentFormat": ["plaintext"]},
                "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
            },
            "workspace": {"configuration": True},
            "window": {"workDoneProgress": False},
        }
        result = self.request("initialize", {
            "processId": os.getpid(), "rootUri": root_uri,
            "workspaceFolders": [{"uri": root_uri, "name": "project"}],
            "capabilities": capabilities}, timeout=60)
        self.notify("initialized", {})
        return result

    def did_open(self, path, text, version=1, language="cpp"):
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": Path(path).as_uri(), "languageId": language,
            "version": version, "text": text}})

    def did_change(self, path, text, version):
        self.notify("textDocument/didChange", {
            "textDocument": {"uri": Path(path).as_uri(), "version": version},
            "contentChanges": [{"text": text}]})

    def shutdown(self, timeout=30):
        """Ends the session like an editor; returns the server's exit status."""
        try:
            self.request("shutdown", None, timeout=timeout)
            self.notify("exit", None)
            return self.process.wait(timeout=timeout)
        finally:
            self.close()

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        if self._stderr_file is not subprocess.DEVNULL:
            self._stderr_file.close()

    def stderr_tail(self, lines=30):
        if not self.stderr_path or not os.path.exists(self.stderr_path):
            return "(no server log)"
        with open(self.stderr_path, "rb") as log:
            text = log.read().decode("utf-8", "replace")
        return "server log tail:\n" + "\n".join(text.splitlines()[-lines:])


def apply_text_edits(text, edits):
    """Applies LSP TextEdits (line/character positions, UTF-16 units; the tests'
    sources are ASCII) to `text`, last edit first."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)

    def offset(position):
        return offsets[position["line"]] + position["character"]

    for edit in sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True):
        start, end = offset(edit["range"]["start"]), offset(edit["range"]["end"])
        text = text[:start] + edit["newText"] + text[end:]
    return text
