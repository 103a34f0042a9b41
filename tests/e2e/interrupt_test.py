#!/usr/bin/env python3
"""An interrupted legion-e2e loses nothing it measured (docs/validation.md, "End to end").

Twice: SIGTERM to legion-e2e alone, and SIGINT to its whole process group (Ctrl-C in a
terminal, which stops its workers too, so the cycle under way fails and is dropped). Each
time it starts `legion-e2e --cycles 100000` (tasks of the worker's built-in handler, 1 ms
each), waits until OUT/cycles.jsonl holds at least 3 rows and e2e.json says "running", sends
the signal, and checks: the exit status is 1 (an interrupted run is no pass), stdout says it
was interrupted, e2e.json is complete ("interrupted": true, "cycles_done" = the rows of
cycles.jsonl = the rows of e2e.json, the same rows, a final ledger with every task of the
cycles done and nothing duplicated, the trends fitted) and the long-lived worker stopped
(exit 0).

Usage: interrupt_test.py --legion-e2e PATH --legion PATH --out DIR. Exit 0: all held; 1: not.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path


def rows_of(path):
    if not path.exists():
        return []
    lines = path.read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def wait_for_unfinished(legion, db, deadline):
    while time.monotonic() < deadline:
        status = subprocess.run(
            [str(legion), "status", "--store", f"sqlite://{db}", "--json"],
            capture_output=True,
            text=True,
            check=False,
        )
        if status.returncode == 0:
            counts = json.loads(status.stdout)
            if counts.get("queued", 0) + counts.get("leased", 0) + counts.get("failed", 0) > 0:
                return
        time.sleep(0.01)


def interrupt(options, out, group):
    shutil.rmtree(out, ignore_errors=True)
    command = [
        str(options.legion_e2e),
        "--legion",
        str(options.legion),
        "--cycles",
        "100000",
        "--task-sleep-ms",
        "1",
        "--out",
        str(out),
    ]
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=group
    )
    deadline = time.monotonic() + 120
    while len(rows_of(out / "cycles.jsonl")) < 3:
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            stdout, stderr = child.communicate()
            print(f"FAIL: no 3 cycles written (exit {child.returncode}): {stdout} {stderr}")
            return 1
        time.sleep(0.05)
    running = json.loads((out / "e2e.json").read_text())
    if group:
        # Cut a cycle while it has tasks unfinished (the killed victim's leases, the ones not
        # yet drained), so the final ledger has pending tasks: the run must still report.
        wait_for_unfinished(options.legion, out / "e2e.db", time.monotonic() + 30)
        os.killpg(child.pid, signal.SIGINT)
    else:
        child.send_signal(signal.SIGTERM)
    try:
        stdout, stderr = child.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        child.kill()
        print("FAIL: legion-e2e did not stop within 120 s of SIGTERM")
        return 1
    report = json.loads((out / "e2e.json").read_text())
    rows = rows_of(out / "cycles.jsonl")
    done = report.get("cycles_done")
    tasks = report["settings"]["tasks_per_cycle"]
    # A run that died instead of reporting leaves e2e.json as it was while running: every
    # check below reads it with .get, so that is a named failure with legion-e2e's output.
    ledger = report.get("final_ledger", {})
    checks = {
        "e2e.json said running while it ran": running.get("status") == "running",
        "exit status 1": child.returncode == 1,
        "stdout says interrupted": "interrupted after" in stdout,
        "e2e.json says interrupted": report.get("status") == "interrupted"
        and report.get("interrupted") is True,
        "cycles_done = rows of cycles.jsonl = rows of e2e.json": done is not None
        and done >= 3
        and done == len(rows) == len(report.get("cycles", [])),
        "the same rows in both files": rows == report.get("cycles"),
        # Every task of the cycles done; a dropped cycle's tasks may be done or pending
        # (verify counts pending as lost), never duplicated.
        "a final ledger of the cycles done": done is not None
        and ledger.get("done", -1) >= done * tasks
        and ledger.get("lost") == ledger.get("pending")
        and ledger.get("duplicated") == 0
        and ledger.get("unexpected") == 0,
        "the long-lived worker stopped with exit 0": report.get("long_lived_worker_exit") == 0,
        "the trends fitted": any(t["name"] == "cycle_time" for t in report.get("trends", [])),
        "no pass": report.get("pass") is False,
    }
    failed = [name for name, ok in checks.items() if not ok]
    for name in failed:
        print(f"FAIL: {name}")
    if failed:
        print(stdout, stderr, sep="\n")
        return 1
    how = "SIGINT to the process group" if group else "SIGTERM"
    print(f"pass ({how}): interrupted after {done} cycles, every row kept")
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--legion-e2e", required=True, type=Path)
    parser.add_argument("--legion", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    options = parser.parse_args()
    status = interrupt(options, options.out / "term", group=False)
    return status or interrupt(options, options.out / "group-int", group=True)


if __name__ == "__main__":
    sys.exit(main())
