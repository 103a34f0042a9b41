"""Generated code as LEGION's code runner treats it: the first fenced block of a reply, run
with the virtualenv's python (sys.executable is the C++ binary in the embedded interpreter)
in a scratch directory; the feedback is the trimmed stdout, or an error line.

The code gets the environment LEGION's sandbox gives it (PATH, HOME, TMPDIR, LANG), never the
process's own, which may hold credentials; it is otherwise a plain subprocess, without the
sandbox's isolation (docs/sandbox.md)."""

from __future__ import annotations

# Running the model's code in a subprocess is the scenario (code_generation_execution).
import subprocess  # nosec B404
import tempfile

TIMEOUT_S = 10.0
WHITESPACE = " \t\r\n"


def first_fenced_block(reply: str) -> str | None:
    """The body of the first ``` block: from the line after the opening fence to the closing one."""
    start = reply.find("```")
    if start < 0:
        return None
    body = reply.find("\n", start)
    if body < 0:
        return None
    end = reply.find("```", body + 1)
    return None if end < 0 else reply[body + 1 : end]


def scrubbed_environment(scratch: str) -> dict[str, str]:
    """The only variables generated code sees: LEGION's sandbox's set."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": scratch,
        "TMPDIR": scratch,
        "LANG": "C.UTF-8",
    }


def run_python(python: str, code: str, prefix: str = "legion-") -> str:
    """The feedback for `code`: its trimmed stdout, or "error: the code failed (...): stderr"."""
    with tempfile.TemporaryDirectory(prefix=prefix) as scratch:
        try:
            # The code is untrusted by design: a list argv (no shell), -I -S, a scrubbed
            # environment, a scratch directory and a timeout, as the module says.
            done = subprocess.run(  # nosec B603
                [python, "-I", "-S", "-c", code],
                cwd=scratch,
                capture_output=True,
                timeout=TIMEOUT_S,
                env=scrubbed_environment(scratch),
            )
        except subprocess.TimeoutExpired as timeout:
            return _failure("timed out", timeout.stderr or b"")
    if done.returncode < 0:
        return _failure(f"killed by signal {-done.returncode}", done.stderr)
    if done.returncode != 0:
        return _failure(f"exit {done.returncode}", done.stderr)
    return done.stdout.decode("utf-8", "replace").strip(WHITESPACE)


def _failure(why: str, stderr: bytes) -> str:
    return f"error: the code failed ({why}): {stderr.decode('utf-8', 'replace').strip(WHITESPACE)}"
