"""Progress on stderr: a bar that redraws in place on a terminal, one line per step otherwise
(logs of scripts/bench and legion-stress), nothing with --quiet."""
import sys
import time


class Progress:
    def __init__(self, total: int, quiet: bool = False, stream=None):
        self.total = max(1, total)
        self.done_steps = 0
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.start = time.monotonic()

    def step(self, what: str):
        self.done_steps = min(self.total, self.done_steps + 1)
        if self.quiet:
            return
        if self.tty:
            width = 24
            filled = int(width * self.done_steps / self.total)
            self.stream.write(f"\r\033[K[report] [{'#' * filled}{'.' * (width - filled)}] "
                              f"{self.done_steps}/{self.total} {what[:50]}")
        else:
            self.stream.write(f"[report] {self.done_steps}/{self.total} {what}\n")
        self.stream.flush()

    def done(self):
        if not self.quiet and self.tty:
            self.stream.write("\r\033[K")
            self.stream.flush()
