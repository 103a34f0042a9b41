#!/usr/bin/env python3
"""Checks `legion worker --metrics-addr` end to end with Prometheus' own text parser.

Submits workflow tasks to a fresh SQLite store, starts a worker with --metrics-addr on a free
port, waits until it has done them, then reads /metrics with prometheus_client's parser
(text_string_to_metric_families: a malformed exposition raises) and checks the families the
operator relies on, with their types and values; /healthz and /readyz; and that SIGTERM makes
/readyz refuse and the worker exit 0. Run by ctest (label cli) with the project's .venv python:

    .venv/bin/python scripts/check_worker_metrics.py --legion build/release/bin/legion \\
        --spec docs/examples/pipeline.json

Exit 0 when every check passed; 1 with the failed checks listed otherwise.
"""

import argparse
import json
import os
import signal

# It runs the `legion` binary named on its command line (argv lists, no shell).
import subprocess  # nosec B404
import sys
import tempfile
import time
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

TASKS = 12
# The family name as the parser reports it (a counter loses its _total suffix), its type.
EXPECTED = {
    "legion_worker_tasks_claimed": "counter",
    "legion_worker_tasks_completed": "counter",
    "legion_worker_tasks_failed": "counter",
    "legion_worker_task_retries": "counter",
    "legion_worker_tasks_rejected": "counter",
    "legion_worker_tasks_released": "counter",
    "legion_worker_lease_expiries": "counter",
    "legion_worker_task_duration_seconds": "histogram",
    "legion_queue_tasks": "gauge",
    "legion_queue_count_interval_seconds": "gauge",
    "legion_model_calls": "counter",
    "legion_model_call_duration_seconds": "histogram",
    "legion_model_tokens": "counter",
    "legion_store_operation_duration_seconds": "histogram",
    "legion_worker_draining": "gauge",
    "legion_worker_info": "gauge",
    "process_resident_memory_bytes": "gauge",
    "process_cpu_seconds": "counter",
    "process_open_fds": "gauge",
    "process_start_time_seconds": "gauge",
    "legion_process_heap_bytes": "gauge",
    "legion_sqlite_memory_bytes": "gauge",
}


def fetch(url):
    try:
        # url: http:// and the loopback address the worker logged, never a file: or other scheme.
        with urllib.request.urlopen(url, timeout=5) as response:  # nosec B310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def sample(families, name, suffix="", **labels):
    for sample in families[name].samples:
        if sample.name == name + suffix and all(
            sample.labels.get(k) == v for k, v in labels.items()
        ):
            return sample.value
    raise KeyError(f"{name}{suffix} {labels}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--legion", required=True)
    parser.add_argument("--spec", required=True)
    args = parser.parse_args()
    failures = []

    def check(condition, what):
        if not condition:
            failures.append(what)

    with tempfile.TemporaryDirectory(prefix="legion-metrics-") as tmp:
        store = "sqlite://" + os.path.join(tmp, "store.db")
        inputs = os.path.join(tmp, "inputs.jsonl")
        with open(inputs, "w") as f:
            for i in range(TASKS):
                f.write(json.dumps({"key": f"m{i}", "input": f"request {i}"}) + "\n")
        subprocess.run(  # nosec B603 (our binary, argv from the command line)
            [args.legion, "submit", "--store", store, "--workflow", args.spec, "--inputs", inputs],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        log_path = os.path.join(tmp, "worker.log")
        with open(log_path, "w") as log:
            worker = subprocess.Popen(  # nosec B603 (the same)
                [
                    args.legion,
                    "worker",
                    "--store",
                    store,
                    "--metrics-addr",
                    "127.0.0.1:0",
                    "--id",
                    "metrics-check",
                ],
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        try:
            addr = None
            deadline = time.monotonic() + 20
            while addr is None and time.monotonic() < deadline:
                for line in open(log_path):
                    event = json.loads(line)
                    if event.get("event") == "metrics_listening":
                        addr = event["addr"]
                time.sleep(0.05)
            if addr is None:
                print("no metrics_listening line in the worker's log", file=sys.stderr)
                return 1
            base = f"http://{addr}"
            families = {}
            while time.monotonic() < deadline:
                status, text = fetch(base + "/metrics")
                families = {f.name: f for f in text_string_to_metric_families(text)}
                if (
                    sample(families, "legion_worker_tasks_completed", "_total") >= TASKS
                    and sample(families, "legion_queue_tasks", state="done") >= TASKS
                ):
                    break
                time.sleep(0.1)
            check(status == 200, "/metrics answered 200")
            for name, kind in EXPECTED.items():
                check(name in families, f"family {name} present")
                check(name not in families or families[name].type == kind, f"{name} is a {kind}")
            if not failures:
                check(
                    sample(families, "legion_worker_tasks_claimed", "_total") == TASKS,
                    f"claimed {TASKS}",
                )
                check(
                    sample(families, "legion_worker_tasks_completed", "_total") == TASKS,
                    f"completed {TASKS}",
                )
                check(
                    sample(families, "legion_worker_tasks_failed", "_total", next="dead") == 0,
                    "no dead letters",
                )
                # The example pipeline: two stages of two model calls each.
                check(
                    sample(families, "legion_model_calls", "_total") == 4 * TASKS,
                    f"{4 * TASKS} model calls",
                )
                check(
                    sample(families, "legion_model_call_duration_seconds", "_count") == 4 * TASKS,
                    "one latency observation per model call",
                )
                check(
                    sample(families, "legion_model_tokens", "_total", kind="prompt") > 0,
                    "prompt tokens counted",
                )
                check(
                    sample(families, "legion_queue_tasks", state="done") == TASKS,
                    "the queue gauge sees every task done",
                )
                check(
                    sample(
                        families,
                        "legion_store_operation_duration_seconds",
                        "_count",
                        operation="complete_batch",
                    )
                    >= 1,
                    "commits timed",
                )
                check(
                    sample(families, "legion_worker_task_duration_seconds", "_bucket", le="+Inf")
                    == TASKS,
                    "task durations in the +Inf bucket",
                )
                check(sample(families, "process_resident_memory_bytes") > 1e6, "RSS read")
                # 0 under ASan, whose allocator glibc's mallinfo2 does not see.
                check(sample(families, "legion_process_heap_bytes") >= 0, "malloc heap read")
                # The worker's connections hold the store's pages: SQLite's memory is > 0.
                check(sample(families, "legion_sqlite_memory_bytes") > 0, "SQLite memory read")
                check(
                    sample(families, "legion_worker_info", worker_id="metrics-check") == 1,
                    "worker id label",
                )
            check(fetch(base + "/healthz") == (200, "ok\n"), "/healthz is 200 ok")
            check(fetch(base + "/readyz") == (200, "ready\n"), "/readyz is 200 ready")
            check(fetch(base + "/nothing")[0] == 404, "unknown path is 404")
            worker.send_signal(signal.SIGTERM)
            code = worker.wait(timeout=20)
            check(code == 0, f"SIGTERM: exit 0 (got {code})")
            events = [json.loads(line)["event"] for line in open(log_path)]
            check(
                "stop_requested" in events and "worker_stopped" in events,
                "stop_requested and worker_stopped logged as JSON lines",
            )
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    for failure in failures:
        print("FAILED: " + failure, file=sys.stderr)
    print(f"{len(failures) == 0 and 'ok' or 'failed'}: {len(failures)} failed checks")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
