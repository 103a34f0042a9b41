"""Headless Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe: no port, no
websocket library): prints the report to PDF and, for the tests, opens the page and records
every network request, console message and exception.

Started as the machine notes require (Debian's `chromium`, root, a closed network): headless,
no sandbox, no GPU, no background networking or component updates, a fresh profile."""
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .errors import ToolError

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
         "--disable-extensions", "--disable-default-apps", "--mute-audio",
         "--remote-debugging-pipe"]


def find() -> str:
    env = os.environ.get("LEGION_CHROMIUM")
    if env:
        return env
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise ToolError("no Chromium found for the PDF: install Debian's chromium (scripts/setup "
                    "does), set LEGION_CHROMIUM, or pass --no-pdf")


class Browser:
    """One Chromium process; use as a context manager."""

    def __init__(self, timeout: float = 90.0):
        self.timeout = timeout
        self.tmp = tempfile.mkdtemp(prefix="legion-report-chromium-")
        to_chrome_r, self._w = os.pipe()
        self._r, from_chrome_w = os.pipe()

        def fds():  # Chromium reads commands on fd 3 and writes replies on fd 4
            # Copies above 9 first, so neither end is overwritten by the other's dup2; then
            # clear close-on-exec explicitly (a dup2 onto the same number keeps the flag).
            a = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self._err_path = Path(self.tmp) / "stderr"
        try:
            with open(self._err_path, "w") as stderr:
                self.proc = subprocess.Popen(
                    [find()] + FLAGS + [f"--user-data-dir={Path(self.tmp) / 'profile'}",
                                        "about:blank"],
                    close_fds=False, preexec_fn=fds, stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL, stderr=stderr)
        except OSError as e:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise ToolError(f"cannot start Chromium: {e}") from None
        finally:
            os.close(to_chrome_r)
            os.close(from_chrome_w)
        self._buf = b""
        self._id = 0
        self.events = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            if self.proc.poll() is None:
                try:
                    self.send("Browser.close", timeout=5)
                except (ToolError, OSError):
                    pass
                try:
                    self.proc.wait(5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(5)
        finally:
            for fd in (self._r, self._w):
                try:
                    os.close(fd)
                except OSError:
                    pass
            shutil.rmtree(self.tmp, ignore_errors=True)

    def _died(self):
        lines = []
        try:
            lines = [l for l in self._err_path.read_text(errors="replace").splitlines() if l.strip()]
        except OSError:
            pass
        return ToolError(f"Chromium stopped (status {self.proc.poll()})" +
                         (f": {lines[-1][:200]}" if lines else ""))

    def _recv(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self._r], [], [], left)
            if not ready:
                raise TimeoutError
            chunk = os.read(self._r, 1 << 20)
            if not chunk:
                raise self._died()
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None, timeout=None):
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        try:
            os.write(self._w, json.dumps(msg).encode() + b"\0")
        except BrokenPipeError:
            raise self._died() from None
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            try:
                reply = self._recv(max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                raise ToolError(f"Chromium did not answer {method} within "
                                f"{timeout or self.timeout:.0f} s") from None
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise ToolError(f"Chromium: {method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method, timeout=None):
        """The first event `method` (already received or arriving within the timeout)."""
        for e in self.events:
            if e.get("method") == method:
                return e
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            try:
                e = self._recv(max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                raise ToolError(f"Chromium: no {method} within {timeout or self.timeout:.0f} s") from None
            self.events.append(e)
            if e.get("method") == method:
                return e

    def drain(self, quiet_for=0.3):
        """Collects events until none arrived for `quiet_for` seconds."""
        while True:
            try:
                self.events.append(self._recv(quiet_for))
            except TimeoutError:
                return

    def open(self, path: Path):
        """A new tab showing the file; returns its session id once the page has loaded."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(f"{domain}.enable", session=session)
        self.send("Page.navigate", {"url": Path(path).resolve().as_uri()}, session=session)
        self.wait_for("Page.loadEventFired")
        return session


FOOTER = ('<div style="font-family: DejaVu Sans, sans-serif; font-size: 7px; color: #666; '
          'width: 100%; padding: 0 14mm; display: flex; justify-content: space-between;">'
          '<span>{title}</span><span><span class="pageNumber"></span> / '
          '<span class="totalPages"></span></span></div>')


def print_pdf(html: Path, pdf: Path, title: str):
    """Prints the page to an A4 PDF with page numbers in the footer."""
    from markupsafe import escape
    with Browser() as b:
        session = b.open(html)
        result = b.send("Page.printToPDF", {
            "printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": True,
            "headerTemplate": "<span></span>",
            "footerTemplate": FOOTER.format(title=escape(title)),
            "marginTop": 0.6, "marginBottom": 0.7, "marginLeft": 0.6, "marginRight": 0.6,
        }, session=session, timeout=300)
    pdf.write_bytes(base64.b64decode(result["data"]))


def inspect(html: Path, expression: str | None = None) -> dict:
    """Opens the page and reports what a person's browser would have done: the URLs it asked
    for (other than the page itself and data: URLs), console errors, uncaught exceptions, log
    errors, dialogs opened, and the value of `expression` evaluated in the page."""
    with Browser() as b:
        session = b.open(html)
        b.drain()
        for e in list(b.events):  # an alert() would block the page: close it, it is reported
            if e.get("method") == "Page.javascriptDialogOpening":
                b.send("Page.handleJavaScriptDialog", {"accept": True}, session=session)
        value = None
        if expression:
            r = b.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                       session=session)
            value = r.get("result", {}).get("value")
        b.drain(0.2)
        page = Path(html).resolve().as_uri()
        out = {"requests": [], "console_errors": [], "exceptions": [], "log_errors": [],
               "dialogs": [], "value": value}
        for e in b.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Network.requestWillBeSent":
                url = p.get("request", {}).get("url", "")
                if url != page and not url.startswith("data:"):
                    out["requests"].append(url)
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out["console_errors"].append(" ".join(str(a.get("value", a.get("description")))
                                                      for a in p.get("args", [])))
            elif m == "Runtime.exceptionThrown":
                out["exceptions"].append(p.get("exceptionDetails", {}).get("text", "exception"))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out["log_errors"].append(p["entry"].get("text", ""))
            elif m == "Page.javascriptDialogOpening":
                out["dialogs"].append(p.get("message", ""))
        return out
