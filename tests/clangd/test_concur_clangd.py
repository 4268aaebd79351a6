"""End-to-end tests of concur-clangd as a language server.

Each test copies a small project from Inputs/ into a temporary directory,
writes its compile_commands.json (absolute paths, the mock headers of
tests/checks/Inputs/mock) and its .clangd, starts the built concur-clangd over
stdio, and talks to it through lsp_client.LspClient like an editor: initialize,
didOpen, didChange, codeAction, shutdown. The assertions name concur's
diagnostic codes, exact ranges, messages, the evidence notes (LSP
relatedInformation) and the quick-fix edits.

Run: test_concur_clangd.py --clangd build/bin/concur-clangd [unittest args]
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import unittest
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lsp_client import LspClient, apply_text_edits  # noqa: E402

HERE = Path(__file__).resolve().parent
MOCK_HEADERS = HERE.parent / "checks" / "Inputs" / "mock"
CLANGD = None  # set from the command line
CONCUR_VERSION = None
CLANG_RESOURCE_DIR = None
ADVISE = None

CONCUR_CLANGD_CONFIG = """\
Diagnostics:
  ClangTidy:
    Add: [concur-*]
    FastCheckFilter: Loose
"""


def position_of(text, needle, occurrence=1):
    """LSP position of the `occurrence`-th `needle` in `text`."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index)
    character = index - (text.rfind("\n", 0, index) + 1)
    return {"line": line, "character": character}


def range_of(text, needle, occurrence=1):
    start = position_of(text, needle, occurrence)
    return {"start": start,
            "end": {"line": start["line"], "character": start["character"] + len(needle)}}


def token_range(text, context, token):
    """Range of `token` inside the first occurrence of `context`."""
    start = position_of(text, context)
    start["character"] += context.index(token)
    return {"start": start,
            "end": {"line": start["line"], "character": start["character"] + len(token)}}


def concur_diagnostics(params):
    return sorted((d for d in params["diagnostics"]
                   if str(d.get("code", "")).startswith("concur-")),
                  key=lambda d: (d["range"]["start"]["line"], d["range"]["start"]["character"]))


class Project:
    """A throw-away project directory with compile_commands.json and .clangd."""

    def __init__(self, inputs, clangd_config=CONCUR_CLANGD_CONFIG, extra_flags=()):
        self.root = Path(tempfile.mkdtemp(prefix="concur-clangd-test-"))
        shutil.copytree(HERE / "Inputs" / inputs, self.root, dirs_exist_ok=True)
        if clangd_config is not None:
            (self.root / ".clangd").write_text(clangd_config)
        commands = []
        for source in sorted(self.root.rglob("*.cpp")):
            commands.append({
                "directory": str(self.root),
                "file": str(source),
                "arguments": ["clang++", "-std=c++20", "-nostdinc++", "-isystem",
                              str(MOCK_HEADERS), *extra_flags, "-c", str(source)],
            })
        for source in sorted(self.root.rglob("*.c")):
            commands.append({
                "directory": str(self.root),
                "file": str(source),
                "arguments": ["clang", "-std=c11", "-isystem", str(MOCK_HEADERS),
                              *extra_flags, "-c", str(source)],
            })
        (self.root / "compile_commands.json").write_text(json.dumps(commands, indent=2))

    def path(self, name):
        return self.root / name

    def text(self, name):
        return self.path(name).read_text()

    def uri(self, name):
        return self.path(name).as_uri()

    def remove(self):
        shutil.rmtree(self.root, ignore_errors=True)


def open_in_server(test, project, name):
    """Starts concur-clangd in `project`, with a private HOME so that no user
    configuration applies, opens `name` and waits for its diagnostics.
    Returns (client, diagnostics params); the client closes with `test`."""
    home = project.root / ".home"
    home.mkdir(exist_ok=True)
    env = dict(os.environ, XDG_CONFIG_HOME=str(home), HOME=str(home))
    client = LspClient([CLANGD, "--log=verbose", "--background-index=false"],
                       cwd=project.root, env=env, stderr_path=str(home / "clangd.log"))
    test.addCleanup(client.close)
    client.initialize(project.root)
    client.did_open(project.path(name), project.text(name))
    return client, client.wait_for_diagnostics(project.uri(name))


class ServerTestCase(unittest.TestCase):
    """Starts concur-clangd on a project; stops it and checks it exited cleanly."""

    inputs = "service"
    clangd_config = CONCUR_CLANGD_CONFIG

    def setUp(self):
        self.project = Project(self.inputs, self.clangd_config)
        home = self.project.root / ".home"
        home.mkdir()
        # No user-level clangd config may change what the test sees.
        env = dict(os.environ, XDG_CONFIG_HOME=str(home), HOME=str(home))
        self.client = LspClient(
            [CLANGD, "--log=verbose", "--background-index=false", "-j=1"],
            cwd=self.project.root, env=env,
            stderr_path=str(self.project.root / ".home" / "clangd.log"))
        self.init_result = self.client.initialize(self.project.root)

    def tearDown(self):
        status = self.client.shutdown()
        log = self.client.stderr_tail(200)
        self.project.remove()
        self.assertEqual(status, 0, f"concur-clangd exited with {status}; {log}")

    def open_and_wait(self, name, text=None, version=1):
        text = self.project.text(name) if text is None else text
        self.client.did_open(self.project.path(name), text, version)
        return self.client.wait_for_diagnostics(
            self.project.uri(name), lambda p: p.get("version") == version)


# clangd capitalises notes and appends " (fix available)" to the message of a
# diagnostic that has a fix-it; everything else is the check's own text.
ASYNCIO_NOTE = "Row 'asyncio' (decision step 2): blocking call on the event loop"
SLEEP_FOR = "std::this_thread::sleep_for"
FIX_AVAILABLE = " (fix available)"


def blocking_message(callee, kind, coroutine, via=None, fix=False):
    via_text = f" ('{via}')" if via else ""
    return (f"'{callee}' blocks on {kind} I/O{via_text} inside coroutine '{coroutine}'; "
            "use its asynchronous form or run_in_executor (row: asyncio)"
            + (FIX_AVAILABLE if fix else ""))


class DiagnosticsAndQuickFixTest(ServerTestCase):
    """didOpen gives the concur diagnostics with their evidence; codeAction
    gives the knowledge base's fix-it as a quick fix that repairs the code."""

    def test_version_names_concur(self):
        info = self.init_result["serverInfo"]
        self.assertEqual(info["name"], "clangd")
        self.assertIn("clangd version 19", info["version"])

    def test_diagnostics_codes_ranges_messages_and_notes(self):
        text = self.project.text("server.cpp")
        params = self.open_and_wait("server.cpp")
        uri = self.project.uri("server.cpp")
        found = concur_diagnostics(params)
        summary = [(d["code"], d["range"], d["message"]) for d in found]
        self.assertEqual(summary, [
            ("concur-blocking-call-in-coroutine", range_of(text, SLEEP_FOR),
             blocking_message(SLEEP_FOR, "sleep", "heartbeat", fix=True)),
            ("concur-blocking-call-in-coroutine", range_of(text, "recv"),
             blocking_message("recv", "network", "serve")),
            ("concur-blocking-call-in-coroutine", range_of(text, "retry_step", 2),
             blocking_message("retry_step", "sleep", "serve", via="usleep")),
        ], json.dumps(params, indent=1))
        for diagnostic in found:
            self.assertEqual(diagnostic["source"], "clang-tidy")
            self.assertEqual(diagnostic["severity"], 2)  # warning

        # The evidence chain arrives as related information, in order, each
        # note at the place it names. The row note goes on with the row's
        # runtime and trade-offs (data of the selection table).
        def related(diagnostic):
            notes = diagnostic.get("relatedInformation", [])
            self.assertIn("use concur::event_loop, concur::task", notes[0]["message"])
            return [(r["location"]["uri"], r["location"]["range"]["start"],
                     r["message"][:len(ASYNCIO_NOTE)] if r["message"].startswith("Row ")
                     else r["message"]) for r in notes]

        sleep_at = position_of(text, SLEEP_FOR)
        self.assertEqual(related(found[0]), [
            (uri, sleep_at, ASYNCIO_NOTE),
            (uri, sleep_at, f"'{SLEEP_FOR}' blocks on sleep I/O"),
            (uri, sleep_at, f"Asynchronous form of '{SLEEP_FOR}': "
                            "co_await concur::sleep_for on the event loop, or a timer"),
        ])
        recv_at = position_of(text, "recv")
        self.assertEqual(related(found[1]), [
            (uri, recv_at, ASYNCIO_NOTE),
            (uri, recv_at, "'recv' blocks on network I/O"),
            (uri, recv_at, "Asynchronous form of 'recv': a non-blocking socket on an event "
                           "loop (co_await concur::tcp_connect, concur::tcp_listener::accept, "
                           "concur::tcp_stream::read_some/write_all)"),
        ])
        call_at = position_of(text, "retry_step", 2)
        self.assertEqual(related(found[2]), [
            (uri, call_at, ASYNCIO_NOTE),
            (uri, call_at, "'retry_step' is called here"),
            (uri, position_of(text, "pause_briefly", 2), "'pause_briefly' is called here"),
            (uri, position_of(text, "usleep"), "'usleep' blocks on sleep I/O"),
            (uri, call_at, "Asynchronous form of 'usleep': "
                           "co_await concur::sleep_for on the event loop, or a timer"),
        ])

    def code_actions(self, uri, diagnostic):
        return self.client.request("textDocument/codeAction", {
            "textDocument": {"uri": uri},
            "range": diagnostic["range"],
            "context": {"diagnostics": [diagnostic], "only": ["quickfix"]},
        })

    def test_quick_fix_replaces_blocking_sleep(self):
        text = self.project.text("server.cpp")
        uri = self.project.uri("server.cpp")
        sleep_diagnostic, recv_diagnostic, _ = concur_diagnostics(
            self.open_and_wait("server.cpp"))

        actions = self.code_actions(uri, sleep_diagnostic)
        self.assertEqual(len(actions), 1, json.dumps(actions, indent=1))
        action = actions[0]
        self.assertEqual(action["kind"], "quickfix")
        self.assertEqual(action["title"],
                         f"change '{SLEEP_FOR}' to 'co_await concur::sleep_for'")
        self.assertEqual([(d["code"], d["range"], d["message"]) for d in action["diagnostics"]],
                         [(sleep_diagnostic["code"], sleep_diagnostic["range"],
                           sleep_diagnostic["message"])])
        self.assertTrue(action.get("isPreferred"))
        edits = action["edit"]["changes"][uri]
        self.assertEqual(edits, [{"range": range_of(text, SLEEP_FOR),
                                  "newText": "co_await concur::sleep_for"}])
        fixed = apply_text_edits(text, edits)
        self.assertIn("  co_await concur::sleep_for(std::chrono::milliseconds(100));\n",
                      fixed)

        # A blocking call without a mechanical asynchronous form has no fix.
        self.assertEqual(self.code_actions(uri, recv_diagnostic), [])

        # The fixed text is accepted: the diagnostic goes, the others stay.
        self.client.did_change(self.project.path("server.cpp"), fixed, 2)
        params = self.client.wait_for_diagnostics(uri, lambda p: p.get("version") == 2)
        self.assertEqual([d["message"] for d in concur_diagnostics(params)], [
            blocking_message("recv", "network", "serve"),
            blocking_message("retry_step", "sleep", "serve", via="usleep"),
        ])
        self.assertEqual([d for d in params["diagnostics"] if d.get("severity") == 1], [],
                         "the quick fix must leave code that compiles")


class CLanguageTest(ServerTestCase):
    """A C file gets the row's C implementation in its row note (the
    selection table's `c` column), not concur's C++ runtime."""

    inputs = "clanguage"

    def test_row_note_is_in_the_language_of_the_code(self):
        with open(HERE.parent.parent / "checks" / "data" / "selection-table.yaml") as f:
            table = yaml.safe_load(f)
        asyncio = next(r for r in table["rows"] if r["id"] == "asyncio")
        params = self.open_and_wait("fetch.c")
        found = [d for d in concur_diagnostics(params)
                 if d["code"] == "concur-sequential-blocking-loop"]
        self.assertEqual(len(found), 1, json.dumps(params, indent=1))
        self.assertIn("(row: asyncio)", found[0]["message"])
        notes = [r["message"] for r in found[0].get("relatedInformation", [])
                 if r["message"].startswith("Row ")]
        self.assertEqual(len(notes), 1, found[0])
        self.assertIn("use " + asyncio["c"]["runtime"], notes[0])
        self.assertNotIn("concur::", notes[0])


class DidChangeTest(ServerTestCase):
    """Edits (didChange) re-run the checks: diagnostics move, go and come."""

    def change(self, text, version):
        self.client.did_change(self.project.path("server.cpp"), text, version)
        return concur_diagnostics(self.client.wait_for_diagnostics(
            self.project.uri("server.cpp"), lambda p: p.get("version") == version))

    def test_diagnostics_follow_edits(self):
        text = self.project.text("server.cpp")
        self.assertEqual(len(concur_diagnostics(self.open_and_wait("server.cpp"))), 3)

        # 1. Removing the socket read: its diagnostic goes; the line below moves up.
        without_recv = text.replace("  long n = recv(fd, buf, sizeof buf, 0);\n",
                                    "  long n = sizeof buf + fd;\n")
        found = self.change(without_recv, 2)
        self.assertEqual([(d["range"], d["message"]) for d in found], [
            (range_of(without_recv, SLEEP_FOR),
             blocking_message(SLEEP_FOR, "sleep", "heartbeat", fix=True)),
            (range_of(without_recv, "retry_step", 2),
             blocking_message("retry_step", "sleep", "serve", via="usleep")),
        ])

        # 2. A new blocking call in a coroutine that had none.
        with_sleep = without_recv.replace(
            "concur::task<void> tick() {\n",
            "concur::task<void> tick() {\n  sleep(1);\n")
        found = self.change(with_sleep, 3)
        self.assertEqual([(d["range"], d["message"]) for d in found], [
            (range_of(with_sleep, SLEEP_FOR),
             blocking_message(SLEEP_FOR, "sleep", "heartbeat", fix=True)),
            (range_of(with_sleep, "retry_step", 2),
             blocking_message("retry_step", "sleep", "serve", via="usleep")),
            (token_range(with_sleep, "  sleep(1);", "sleep"),
             blocking_message("sleep", "sleep", "tick")),
        ])

        # 3. A helper that stops blocking clears the diagnostic at its caller
        # in another function: the analysis follows the edit through callees.
        quiet_helper = with_sleep.replace("void pause_briefly() { usleep(5000); }",
                                          "void pause_briefly() {}")
        found = self.change(quiet_helper, 4)
        self.assertEqual([d["message"] for d in found], [
            blocking_message(SLEEP_FOR, "sleep", "heartbeat", fix=True),
            blocking_message("sleep", "sleep", "tick"),
        ])

        # 4. Unparsable text: clangd reports the error, concur stays quiet about
        # what it cannot see, and the server keeps answering.
        broken = quiet_helper.replace("co_return n;", "co_return n")
        self.client.did_change(self.project.path("server.cpp"), broken, 5)
        params = self.client.wait_for_diagnostics(
            self.project.uri("server.cpp"), lambda p: p.get("version") == 5)
        errors = [d for d in params["diagnostics"] if d.get("severity") == 1]
        self.assertTrue(errors, json.dumps(params, indent=1))
        symbols = self.client.request("textDocument/documentSymbol", {
            "textDocument": {"uri": self.project.uri("server.cpp")}})
        self.assertIn("heartbeat", [s["name"] for s in symbols])


class ConfigTest(unittest.TestCase):
    """What the project's configuration files do to the server."""

    def run_server(self, clangd_config, concur_yaml=None):
        """Opens server.cpp; returns (project, client, diagnostics params)."""
        project = Project("service", clangd_config)
        self.addCleanup(project.remove)
        if concur_yaml is not None:
            project.path(".concur.yaml").write_text(concur_yaml)
        client, params = open_in_server(self, project, "server.cpp")
        return project, client, params

    def finish(self, client):
        log = client.stderr_tail(200)
        self.assertEqual(client.shutdown(), 0, log)

    def test_strict_filter_drops_concur_checks(self):
        # Why docs/clangd.md and examples/.clangd say FastCheckFilter: Loose:
        # clangd's default filter runs only checks on its list of fast checks.
        for config in ("Diagnostics:\n  ClangTidy:\n    Add: [concur-*]\n",
                       "Diagnostics:\n  ClangTidy:\n    Add: [concur-*]\n"
                       "    FastCheckFilter: Strict\n"):
            with self.subTest(config=config):
                _, client, params = self.run_server(config)
                self.assertEqual(concur_diagnostics(params), [])
                self.finish(client)
        _, client, params = self.run_server(
            "Diagnostics:\n  ClangTidy:\n    Add: [concur-*]\n    FastCheckFilter: None\n")
        self.assertEqual(len(concur_diagnostics(params)), 3)
        self.finish(client)

    def test_checks_off_without_clangd_config(self):
        _, client, params = self.run_server(None)
        self.assertEqual(concur_diagnostics(params), [])
        self.finish(client)

    def test_shipped_example_config_enables_checks(self):
        example = (HERE.parent.parent / "examples" / ".clangd").read_text()
        _, client, params = self.run_server(example)
        self.assertEqual(len(concur_diagnostics(params)), 3)
        self.finish(client)

    def test_malformed_concur_yaml_is_one_diagnostic(self):
        project, client, params = self.run_server(
            CONCUR_CLANGD_CONFIG, concur_yaml="version: 1\noptions: [not, a, map\n")
        errors = [d for d in params["diagnostics"]
                  if str(d.get("code", "")).startswith("concur-") and d["severity"] == 1]
        self.assertEqual(len(errors), 1, json.dumps(params, indent=1))
        self.assertEqual(errors[0]["range"]["start"], {"line": 0, "character": 0})
        self.assertIn(".concur.yaml", errors[0]["message"])
        # The checks still run with the built-in data, and clangd still works.
        warnings = [d for d in concur_diagnostics(params) if d["severity"] == 2]
        self.assertEqual(len(warnings), 3)
        hover = client.request("textDocument/hover", {
            "textDocument": {"uri": project.uri("server.cpp")},
            "position": position_of(project.text("server.cpp"), "retry_step", 2)})
        self.assertIn("retry_step", hover["contents"]["value"])
        self.finish(client)

    def test_concur_yaml_knowledge_reaches_the_editor(self):
        project, client, params = self.run_server(
            CONCUR_CLANGD_CONFIG,
            concur_yaml="version: 1\nknowledge-base:\n  - names: ['pause_briefly']\n"
                        "    io: database\n")
        text = project.text("server.cpp")
        retry = [d for d in concur_diagnostics(params)
                 if d["range"] == range_of(text, "retry_step", 2)]
        self.assertEqual([d["message"] for d in retry], [
            blocking_message("retry_step", "database", "serve", via="pause_briefly")])
        self.finish(client)

    def test_concur_yaml_edits_apply_without_restart(self):
        project, client, params = self.run_server(CONCUR_CLANGD_CONFIG)
        text = project.text("server.cpp")
        path, uri = project.path("server.cpp"), project.uri("server.cpp")
        retry_range = range_of(text, "retry_step", 2)

        def retry_messages(version):
            # An edit, as after typing: clangd rebuilds only changed inputs.
            client.did_change(path, text + f"// edit {version}\n", version)
            params = client.wait_for_diagnostics(uri, lambda p: p.get("version") == version)
            return ([d["message"] for d in concur_diagnostics(params)
                     if d["range"] == retry_range],
                    [d["message"] for d in concur_diagnostics(params) if d["severity"] == 1])

        self.assertEqual(retry_messages(2), (
            [blocking_message("retry_step", "sleep", "serve", via="usleep")], []))
        # Created while the server runs.
        project.path(".concur.yaml").write_text(
            "version: 1\nknowledge-base:\n  - names: ['pause_briefly']\n    io: database\n")
        self.assertEqual(retry_messages(3), (
            [blocking_message("retry_step", "database", "serve", via="pause_briefly")], []))
        # Broken: one error, the checks go on with the built-in data.
        project.path(".concur.yaml").write_text("version: 1\nknowledge-base: [\n")
        messages, errors = retry_messages(4)
        self.assertEqual(messages, [blocking_message("retry_step", "sleep", "serve",
                                                     via="usleep")])
        self.assertEqual(len(errors), 1)
        self.assertIn(".concur.yaml", errors[0])
        # Deleted.
        project.path(".concur.yaml").unlink()
        self.assertEqual(retry_messages(5), (
            [blocking_message("retry_step", "sleep", "serve", via="usleep")], []))
        self.finish(client)


class CrossFileTest(unittest.TestCase):
    """A summaries database from concur-advise gives the editor cross-file
    facts: service.cpp's coroutine calls fetch_block, defined in net.cpp,
    which blocks on recv two calls down. service.cpp alone cannot tell."""

    def setUp(self):
        self.project = Project("crossfile")
        self.addCleanup(self.project.remove)
        self.text = self.project.text("service.cpp")

    def advise(self, *args):
        import subprocess
        self.assertIsNotNone(ADVISE, "run with --advise")
        run = subprocess.run([ADVISE, "-p", str(self.project.root), "--progress", "none",
                              *args], cwd=self.project.root, capture_output=True, text=True,
                             timeout=600)
        # 1: findings reported (net.cpp has none, service.cpp one with the facts).
        self.assertIn(run.returncode, (0, 1), run.stdout + run.stderr)

    def open_service(self):
        return open_in_server(self, self.project, "service.cpp")

    def finish(self, client):
        log = client.stderr_tail(200)
        self.assertEqual(client.shutdown(), 0, log)

    def assert_cross_file_diagnostic(self, params):
        found = concur_diagnostics(params)
        self.assertEqual([(d["code"], d["range"], d["message"]) for d in found], [
            ("concur-blocking-call-in-coroutine", range_of(self.text, "fetch_block"),
             blocking_message("fetch_block", "network", "serve", via="recv")),
        ], json.dumps(params, indent=1))
        # The evidence leads into net.cpp, a file the editor has not opened.
        net_text = self.project.text("net.cpp")
        net_uri = self.project.uri("net.cpp")
        related = [(r["location"]["uri"], r["location"]["range"]["start"], r["message"])
                   for r in found[0]["relatedInformation"]]
        self.assertIn((net_uri, position_of(net_text, "read_some", 2),
                       "'read_some' is called here"), related)
        self.assertIn((net_uri, position_of(net_text, "recv"), "'recv' blocks on network I/O"),
                      related)

    def test_single_file_cannot_see_the_callee(self):
        client, params = self.open_service()
        self.assertEqual(concur_diagnostics(params), [])
        self.finish(client)

    def test_summaries_named_in_concur_yaml(self):
        self.advise("--summaries", str(self.project.path("facts.db")))
        self.project.path(".concur.yaml").write_text("version: 1\nsummaries: facts.db\n")
        client, params = self.open_service()
        self.assert_cross_file_diagnostic(params)
        self.finish(client)

    def test_summaries_found_in_the_build_directory(self):
        # concur-advise's default database, next to compile_commands.json.
        self.advise()
        self.assertTrue(self.project.path("concur-summaries.db").exists())
        client, params = self.open_service()
        self.assert_cross_file_diagnostic(params)
        self.finish(client)

    def test_missing_or_corrupt_database_is_one_diagnostic(self):
        for name, content in (("absent.db", None), ("corrupt.db", b"not a database\0" * 64)):
            with self.subTest(database=name):
                if content is not None:
                    self.project.path(name).write_bytes(content)
                self.project.path(".concur.yaml").write_text(
                    f"version: 1\nsummaries: {name}\n")
                client, params = self.open_service()
                errors = [d for d in params["diagnostics"] if d["severity"] == 1]
                self.assertEqual(len(errors), 1, json.dumps(params, indent=1))
                self.assertIn(name, errors[0]["message"])
                self.assertEqual(errors[0]["range"]["start"], {"line": 0, "character": 0})
                symbols = client.request("textDocument/documentSymbol", {
                    "textDocument": {"uri": self.project.uri("service.cpp")}})
                self.assertIn("serve", [s["name"] for s in symbols])
                self.finish(client)


class ThresholdTest(unittest.TestCase):
    """A threshold set in .clangd's CheckOptions judges the editor's file as
    concur-advise, given the same option, judges the whole program: c.cpp's
    coroutine calls 'twice' (b.cpp), whose work is all in mix() (a.cpp),
    a little arithmetic that is substantial only under a low SubstantialWork.
    The summaries database brings b.cpp's and a.cpp's facts to the editor."""

    def run_both(self, options):
        checks = "    CheckOptions: %s\n" % options if options else ""
        project = Project("thresholds", CONCUR_CLANGD_CONFIG + checks)
        self.addCleanup(project.remove)
        import subprocess
        self.assertIsNotNone(ADVISE, "run with --advise")
        run = subprocess.run([ADVISE, "-p", str(project.root), "--progress", "none",
                              "--format", "json",
                              "--config", "{CheckOptions: %s}" % (options or "{}")],
                             cwd=project.root, capture_output=True, text=True, timeout=600)
        self.assertIn(run.returncode, (0, 1), run.stdout + run.stderr)
        report = json.loads(run.stdout)
        linked = {fn["qualified_name"]: fn["class"] for fn in report["functions"]}
        found = sorted(f["message"] for f in report["findings"]
                       if f["check"] == "concur-cpu-heavy-in-coroutine")

        client, params = open_in_server(self, project, "c.cpp")
        editor = sorted(d["message"] for d in concur_diagnostics(params)
                        if d["code"] == "concur-cpu-heavy-in-coroutine")
        self.assertEqual(client.shutdown(), 0, client.stderr_tail(200))
        return linked, found, editor

    def test_editor_and_linker_agree(self):
        linked, found, editor = self.run_both(None)
        self.assertEqual((linked["twice"], found, editor), ("trivial", [], []))
        linked, found, editor = self.run_both("{SubstantialWork: 20}")
        self.assertEqual(linked["twice"], "cpu")
        self.assertEqual(editor, [
            "'twice' does substantial CPU work (computation) inside coroutine 'handle'; "
            "offload it to a core-sized pool with run_in_executor (row: mixed)"])
        self.assertEqual(editor, found)


class NeovimTest(unittest.TestCase):
    """A real editor: Neovim's built-in LSP client attached to concur-clangd."""

    def test_neovim_receives_concur_diagnostics(self):
        import subprocess
        nvim = shutil.which("nvim")
        self.assertIsNotNone(nvim, "nvim not found (Debian package neovim)")
        project = Project("service")
        self.addCleanup(project.remove)
        home = project.root / ".home"
        home.mkdir()
        out = home / "diagnostics.txt"
        env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
                   XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"),
                   XDG_CACHE_HOME=str(home / "cache"), CONCUR_CLANGD=CLANGD,
                   CONCUR_NVIM_FILE=str(project.path("server.cpp")), CONCUR_NVIM_OUT=str(out))
        run = subprocess.run(
            [nvim, "--headless", "--clean", "-n", "-c",
             f"luafile {HERE / 'nvim_diagnostics.lua'}"],
            cwd=project.root, env=env, stdin=subprocess.DEVNULL, capture_output=True,
            text=True, timeout=300)
        received = out.read_text() if out.exists() else "(no output)"
        self.assertEqual(run.returncode, 0, f"{received}\n{run.stdout}\n{run.stderr}")
        print(received)  # what the editor received, for the test log
        text = project.text("server.cpp")

        def line(needle, occurrence, callee, kind, coroutine, via=None, fix=False):
            r = range_of(text, needle, occurrence)
            return (f"{r['start']['line']}:{r['start']['character']}-"
                    f"{r['end']['line']}:{r['end']['character']} WARN clang-tidy "
                    f"concur-blocking-call-in-coroutine "
                    + blocking_message(callee, kind, coroutine, via, fix))

        concur_lines = [l for l in received.splitlines() if " concur-" in l]
        self.assertEqual(concur_lines, [
            line(SLEEP_FOR, 1, SLEEP_FOR, "sleep", "heartbeat", fix=True),
            line("recv", 1, "recv", "network", "serve"),
            line("retry_step", 2, "retry_step", "sleep", "serve", "usleep"),
        ])


class VersionTest(unittest.TestCase):
    def test_version_says_clangd_19_with_concur(self):
        import subprocess
        version = subprocess.run([CLANGD, "--version"], capture_output=True, text=True,
                                 timeout=60)
        self.assertEqual(version.returncode, 0, version.stderr)
        lines = version.stdout.splitlines()
        self.assertRegex(lines[0], r"^.*clangd version 19\.\d+\.\d+")
        self.assertTrue(lines[1].startswith(f"with concur {CONCUR_VERSION} checks: "),
                        version.stdout)
        checks = lines[1].split(": ", 1)[1].split()
        self.assertIn("concur-blocking-call-in-coroutine", checks)
        self.assertIn("concur-sequential-blocking-loop", checks)
        self.assertEqual(checks, sorted(checks))
        self.assertTrue(lines[2].startswith("Features: "), version.stdout)
        self.assertTrue(lines[3].startswith("Platform: "), version.stdout)

    def test_builtin_headers_come_from_clangs_resource_dir(self):
        import subprocess
        work = Path(tempfile.mkdtemp(prefix="concur-clangd-test-"))
        self.addCleanup(shutil.rmtree, work, True)
        (work / "builtins.c").write_text(
            "#include <stddef.h>\n#include <stdatomic.h>\n"
            "size_t width(void) { atomic_int n = 0; return sizeof(max_align_t) + n; }\n")
        (work / "compile_flags.txt").write_text("-std=c11\n")
        env = dict(os.environ, XDG_CONFIG_HOME=str(work), HOME=str(work))
        check = subprocess.run([CLANGD, "--check=builtins.c", "--check-locations=false"],
                               cwd=work, env=env, capture_output=True, text=True, timeout=300)
        self.assertEqual(check.returncode, 0, check.stderr)
        self.assertIn(f"-resource-dir={CLANG_RESOURCE_DIR} ", check.stderr)
        self.assertIn("All checks completed, 0 errors", check.stderr)

    def test_clangd_flags_still_work(self):
        import subprocess
        help_text = subprocess.run([CLANGD, "--help"], capture_output=True, text=True,
                                   timeout=60)
        self.assertEqual(help_text.returncode, 0, help_text.stderr)
        self.assertIn("--check", help_text.stdout)
        bad = subprocess.run([CLANGD, "--no-such-flag"], capture_output=True, text=True,
                             timeout=60)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("no-such-flag", bad.stderr)


def main():
    global CLANGD, CONCUR_VERSION, CLANG_RESOURCE_DIR, ADVISE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clangd", required=True, help="the concur-clangd binary")
    parser.add_argument("--concur-version", required=True, help="concur's version")
    parser.add_argument("--advise", help="concur-advise, for the summaries tests")
    parser.add_argument("--clang-resource-dir", required=True,
                        help="the Clang resource directory concur-clangd must use")
    args, rest = parser.parse_known_args()
    CLANGD = str(Path(args.clangd).resolve())
    CONCUR_VERSION = args.concur_version
    CLANG_RESOURCE_DIR = args.clang_resource_dir
    ADVISE = str(Path(args.advise).resolve()) if args.advise else None
    if not os.access(CLANGD, os.X_OK):
        parser.error(f"{CLANGD} is not an executable")
    unittest.main(argv=[sys.argv[0], "-v", *rest])


if __name__ == "__main__":
    main()
