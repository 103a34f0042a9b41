#!/usr/bin/env python3
"""A run with an API key in its environment leaves no copy of it in any file it writes
(docs/validation.md, "Secrets"). Every tool runs with OPENAI_API_KEY (and the key variable the
workflow names) set to a unique marker, in a fresh directory that is also the working
directory; afterwards every file under it - results, stores, exports, reports, the tools'
stdout and stderr logs - is read as bytes and must not contain the marker, nor its base64.

The run: a workflow on the simulated model with a store (`legion run --store --out`), the same
workflow on an OpenAI-compatible server (legion-simserver) that receives the key, as durable
workflow tasks on that server (submit --workflow, a worker with debug JSON logs, export), and
once on a server that is not there (the error path); the task store (submit, worker, verify,
export);
legion-stress with its report (scripts/report: HTML, JSON, PDF); legion-bench and
legion-stats on its output; the end-to-end cycle test for a few cycles.

Usage: secrets_test.py --bin DIR --source DIR. Exit 0: no copy; 1: a copy (the files are
listed) or a step failed.
"""
import argparse
import base64
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, type=Path)
    parser.add_argument("--source", required=True, type=Path)
    options = parser.parse_args()
    bin_dir, source = options.bin.resolve(), options.source.resolve()
    marker = "sk-legion-secret-" + secrets.token_hex(16)
    work = Path(tempfile.mkdtemp(prefix="secrets-"))
    env = dict(os.environ, OPENAI_API_KEY=marker, LEGION_EXAMPLE_API_KEY=marker,
               LEGION_BIN_DIR=str(bin_dir), PYTHONDONTWRITEBYTECODE="1")
    logs = work / "logs"
    logs.mkdir()
    failed = []

    def run(name, argv, expect=0, timeout=300):
        with open(logs / f"{name}.out", "wb") as out, open(logs / f"{name}.err", "wb") as err:
            code = subprocess.run([str(a) for a in argv], env=env, cwd=work, stdout=out,
                                  stderr=err, stdin=subprocess.DEVNULL, timeout=timeout).returncode
        if code not in (expect if isinstance(expect, tuple) else (expect,)):
            failed.append(f"{name}: exit {code}, expected {expect} "
                          f"({(logs / f'{name}.err').read_text(errors='replace')[:300]!r})")

    legion = bin_dir / "legion"
    example = source / "docs" / "examples" / "pipeline.json"
    run("run", [legion, "run", example, "--store", f"sqlite://{work}/run.db", "--out",
                work / "run.json"])

    simserver = bin_dir / "legion-simserver"
    if simserver.exists():
        server = subprocess.Popen([simserver, "--port", "0"], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, env=env, cwd=work)
        try:
            url = server.stdout.readline().decode().split()[-1]
            spec = json.loads((source / "docs" / "examples" / "pipeline-openai.json").read_text())
            spec["model"]["base_url"] = url
            spec["model"]["api_key_env"] = "OPENAI_API_KEY"
            (work / "openai.json").write_text(json.dumps(spec))
            run("run-openai", [legion, "run", work / "openai.json", "--out",
                               work / "openai-result.json"])
            # The same spec as durable workflow tasks: the payload holds the spec (the key's
            # variable name, not the key); the worker's JSON log and the export must not.
            (work / "inputs.jsonl").write_text('{"key": "k1", "input": "one"}\n'
                                               '{"key": "k2", "input": "two"}\n')
            wf_store = f"sqlite://{work}/workflow-tasks.db"
            run("submit-workflow", [legion, "submit", "--store", wf_store, "--workflow",
                                    work / "openai.json", "--inputs", work / "inputs.jsonl"])
            run("worker-workflow", [legion, "worker", "--store", wf_store, "--drain",
                                    "--log-level", "debug"])
            run("export-workflow", [legion, "export", "--store", wf_store, "--out",
                                    work / "workflow-export.json"])
            spec["model"]["base_url"] = "http://127.0.0.1:9"  # nothing listens: the error path
            spec["model"]["max_retries"] = 0
            (work / "openai-away.json").write_text(json.dumps(spec))
            run("run-openai-away", [legion, "run", work / "openai-away.json"], expect=1)
        finally:
            server.terminate()
            server.wait()

    store = f"sqlite://{work}/tasks.db"
    run("submit", [legion, "submit", "--store", store, "--count", "20",
                   "--payload", '{"fail_times": 1}'])
    run("worker", [legion, "worker", "--store", store, "--drain", "--concurrency", "2",
                   "--test-handler", "--log-level", "debug"])
    run("verify", [legion, "verify", "--store", store])
    run("export", [legion, "export", "--store", store, "--out", work / "export.json"])

    if (bin_dir / "legion-stress").exists():
        run("stress", [bin_dir / "legion-stress", "run",
                       source / "tests" / "load_tests" / "baseline.json", "--time-scale", "0.002",
                       "--quiet", "--out", work / "stress"])
    if (bin_dir / "legion-bench").exists():
        run("bench", [bin_dir / "legion-bench", "--framework=legion", "--smoke",
                      "--scenario=^simple_task", "--benchmark_min_time=0.001",
                      f"--benchmark_out={work / 'bench.json'}"])
        run("stats", [bin_dir / "legion-stats", "--format", "json", "summary",
                      work / "bench.json"])
    if (bin_dir / "legion-e2e").exists():
        # Five cycles are too few to judge the trends: 1 (a verdict failed) is as good as 0.
        run("e2e", [bin_dir / "legion-e2e", "--legion", legion, "--cycles", "5",
                    "--out", work / "e2e"], expect=(0, 1))

    needles = [marker.encode(), base64.b64encode(marker.encode())]
    copies, files = [], 0
    for path in sorted(work.rglob("*")):
        if path.is_file() and not path.is_symlink():
            files += 1
            data = path.read_bytes()
            if any(n in data for n in needles):
                copies.append(str(path.relative_to(work)))
    for problem in failed:
        print(f"FAIL {problem}")
    if copies:
        print(f"FAIL the key is in {len(copies)} file(s): {', '.join(copies)} (under {work})")
    print(f"secrets: {files} files written by the run read, {len(copies)} hold the key; "
          f"{len(failed)} step(s) failed")
    if not copies and not failed:
        subprocess.run(["rm", "-rf", str(work)], check=False)
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
