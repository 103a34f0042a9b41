"""legion-bench --endpoint against an OpenAI-compatible server: structural validation (of every
timed run too), the non-deterministic flag in the results, the reply cap (--max-tokens) sent by
every framework's own client, and the API key sent to the server but written nowhere (every
file the run writes is searched for it). The "real" server is a legion-simserver behind a small
recording proxy that keeps each request's Authorization header and body, and can stop passing
tool calls on after a number of requests (a model that stops calling its tools)."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import tempfile
import threading
import unittest
import urllib.request
from pathlib import Path

from test_openai_client import BIN_DIR, SimServer

KEY = "sk-legion-test-4f1c2a9e-SECRET-never-written"
CAP = 77  # --max-tokens: the simulated model's replies are shorter, so it changes nothing


def sent_cap(body: dict) -> int | None:
    """The reply cap a request carries: OpenAI's `max_tokens`, or its current name
    `max_completion_tokens` (langchain-openai's ChatOpenAI sends that one)."""
    return body.get("max_tokens", body.get("max_completion_tokens"))


class RecordingProxy(http.server.ThreadingHTTPServer):
    """Forwards POSTs to `upstream`, recording the Authorization header of each."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.authorizations: list[str] = []
        self.bodies: list[dict] = []
        self.tools_until: int | None = None  # from this request on, tool calls become text
        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.authorizations.append(self.headers.get("Authorization", ""))
        self.server.bodies.append(json.loads(body))
        served = len(self.server.bodies)
        request = urllib.request.Request(
            self.server.upstream + self.path,
            data=body,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request) as reply:
                status, payload = reply.status, reply.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        until = self.server.tools_until
        if status == 200 and until is not None and served > until:
            payload = without_tool_calls(payload)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


def without_tool_calls(payload: bytes) -> bytes:
    """The reply with its tool calls replaced by a plain answer."""
    reply = json.loads(payload)
    for choice in reply.get("choices", []):
        message = choice.get("message", {})
        if message.pop("tool_calls", None):
            message["content"] = "I answer without the tool."
            choice["finish_reason"] = "stop"
    return json.dumps(reply).encode()


class EndpointTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.model = SimServer()
        cls.proxy = RecordingProxy(cls.model.url)
        cls.thread = threading.Thread(target=cls.proxy.serve_forever, daemon=True)
        cls.thread.start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.proxy.shutdown()
        cls.proxy.server_close()
        cls.model.stop()

    def run_bench(
        self, framework: str, out: Path, *extra: str, min_time: str = "0.001"
    ) -> subprocess.CompletedProcess:
        env = dict(os.environ, LEGION_TEST_ENDPOINT_KEY=KEY)
        with open(out / "stdout.txt", "w") as stdout, open(out / "stderr.txt", "w") as stderr:
            return subprocess.run(
                [
                    os.path.join(BIN_DIR, "legion-bench"),
                    f"--framework={framework}",
                    f"--endpoint={self.proxy.url}",
                    "--model=some-local-model",
                    "--api-key-env=LEGION_TEST_ENDPOINT_KEY",
                    "--scenario=^simple_task$",
                    f"--benchmark_min_time={min_time}",
                    f"--benchmark_out={out / 'run.json'}",
                    "--benchmark_out_format=json",
                    *extra,
                ],
                env=env,
                stdout=stdout,
                stderr=stderr,
                timeout=600,
            )

    def check_run(self, framework: str) -> None:
        before = len(self.proxy.authorizations)
        with tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch)
            result = self.run_bench(framework, out)
            log = (out / "stderr.txt").read_text()
            self.assertEqual(result.returncode, 0, log[-2000:])
            doc = json.loads((out / "run.json").read_text())
            self.assertTrue(doc["context"]["deterministic"].startswith("false"))
            self.assertEqual(doc["context"]["transport"], "http")
            hot = next(b for b in doc["benchmarks"] if b["name"].startswith("simple_task/hot"))
            self.assertNotIn("error_occurred", hot)
            self.assertEqual(hot["model_calls"], 2)
            self.assertGreater(hot["model_ns"], 0)
            # The key went to the server with every request...
            sent = self.proxy.authorizations[before:]
            self.assertTrue(sent)
            self.assertTrue(all(a == f"Bearer {KEY}" for a in sent), sent[:3])
            # ...and into no file the run wrote (results, console output, logs).
            written = [p for p in out.rglob("*") if p.is_file()]
            self.assertGreaterEqual(len(written), 3)
            for path in written:
                self.assertNotIn(KEY.encode(), path.read_bytes(), path.name)
                self.assertNotIn(b"SECRET-never", path.read_bytes(), path.name)

    def check_cap(self, framework: str) -> None:
        """--max-tokens reaches the server in every request the framework's client sends."""
        before = len(self.proxy.bodies)
        with tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch)
            # The hot regime only, one timed run: the cap is in the requests, not the timing.
            result = self.run_bench(
                framework,
                out,
                f"--max-tokens={CAP}",
                "--request-timeout=30",
                "--benchmark_filter=/hot",
                min_time="0.000001",
            )
            log = (out / "stderr.txt").read_text() + (out / "stdout.txt").read_text()
            self.assertEqual(result.returncode, 0, log[-2000:])
            doc = json.loads((out / "run.json").read_text())
            self.assertIn(f"max_tokens {CAP}", doc["context"]["model_server"])
        sent = self.proxy.bodies[before:]
        self.assertGreaterEqual(len(sent), 2)  # the validating run and the timed one
        self.assertEqual([sent_cap(body) for body in sent], [CAP] * len(sent))

    def test_every_client_sends_the_reply_cap(self) -> None:
        for framework in ("legion", "direct", "langchain", "crewai", "autogen", "openai_agents"):
            with self.subTest(framework=framework):
                self.check_cap(framework)

    def test_no_cap_is_sent_without_max_tokens(self) -> None:
        before = len(self.proxy.bodies)
        with tempfile.TemporaryDirectory() as scratch:
            result = self.run_bench(
                "legion", Path(scratch), "--benchmark_filter=/hot", min_time="0.000001"
            )
            self.assertEqual(result.returncode, 0)
        sent = self.proxy.bodies[before:]
        self.assertTrue(sent)
        self.assertEqual([sent_cap(body) for body in sent], [None] * len(sent))

    def test_a_timed_run_without_its_tool_fails_the_row(self) -> None:
        # simple_task is two requests (the tool call, the answer): the validating run passes,
        # then the model stops calling the tool and the timed run must not be reported.
        self.proxy.tools_until = len(self.proxy.bodies) + 2
        try:
            with tempfile.TemporaryDirectory() as scratch:
                out = Path(scratch)
                result = self.run_bench(
                    "legion", out, "--benchmark_filter=/hot", min_time="0.000001"
                )
                self.assertEqual(result.returncode, 1)
                doc = json.loads((out / "run.json").read_text())
        finally:
            self.proxy.tools_until = None
        hot = next(b for b in doc["benchmarks"] if b["name"].startswith("simple_task/hot"))
        self.assertTrue(hot.get("error_occurred"))
        self.assertIn("a timed run: no tool was called", hot["error_message"])

    def test_legion_through_openai_model(self) -> None:
        self.check_run("legion")

    def test_langchain_through_chat_openai(self) -> None:
        self.check_run("langchain")

    def test_compare_warns_about_a_real_model(self) -> None:
        with tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch)
            files = []
            for k in (1, 2):
                result = self.run_bench("legion", out)
                self.assertEqual(result.returncode, 0)
                target = out / f"legion-endpoint.{k}.json"
                (out / "run.json").rename(target)
                files.append(str(target))
                inproc = out / f"legion.{k}.json"
                subprocess.run(
                    [
                        os.path.join(BIN_DIR, "legion-bench"),
                        "--framework=legion",
                        "--scenario=^simple_task$",
                        "--benchmark_min_time=0.001",
                        f"--benchmark_out={inproc}",
                        "--benchmark_out_format=json",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    check=True,
                )
                files.append(str(inproc))
            compare = subprocess.run(
                [os.path.join(BIN_DIR, "legion-compare"), "--baseline", "legion", *files],
                capture_output=True,
                text=True,
            )
            self.assertEqual(compare.returncode, 0, compare.stderr)
            self.assertIn("legion@http: not deterministic", compare.stdout)


if __name__ == "__main__":
    unittest.main()
