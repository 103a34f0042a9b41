"""Shared helpers of the report tests (label report): the repository's paths, running
scripts/report, and run directories made by the real legion-compare from the compare fixtures."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
BIN = Path(os.environ.get("LEGION_BIN_DIR") or ROOT / "build" / "release" / "bin")
REPORT = ROOT / "scripts" / "report"
HOSTILE_FRAMEWORK = '<script>alert("fw")</script>'
HOSTILE_SCENARIO = "<img src=x onerror=alert(1)>"


def run(cmd, env=None, timeout=600):
    full = {**os.environ, "LEGION_BIN_DIR": str(BIN), **(env or {})}
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=full,
                          timeout=timeout)


def report(*args, env=None):
    return run([REPORT, *args, "--quiet"], env=env)


def make_bench_run(directory: Path, framework="slow", scenario=None, slow_factor=1.0):
    """A scripts/bench run directory: legion and a second framework (3 processes each) from
    tests/data/compare, optionally renamed (the framework in context.framework, the
    simple_task scenario in its benchmark names) and slowed, compared by legion-compare."""
    directory.mkdir(parents=True, exist_ok=True)
    files = []
    for name in ("legion", "slow"):
        for k in (1, 2, 3):
            doc = json.loads((DATA / "compare" / f"{name}.{k}.json").read_text())
            if name == "slow":
                doc["context"]["framework"] = framework
                for b in doc["benchmarks"]:
                    if b.get("run_type") == "iteration" and b["run_name"].startswith("simple_task"):
                        b["real_time"] *= slow_factor
                        b["cpu_time"] *= slow_factor
            if scenario:
                for b in doc["benchmarks"]:
                    for key in ("name", "run_name"):
                        if b.get(key, "").startswith("simple_task/"):
                            b[key] = scenario + b[key][len("simple_task"):]
            path = directory / f"{'legion' if name == 'legion' else 'other'}.{k}.json"
            path.write_text(json.dumps(doc))
            files.append(path)
    help_text = run([BIN / "legion-compare", "--help"]).stdout
    seed = ["--seed", "42"] if "--seed" in help_text else []  # legion-compare/2 has no --seed
    out = run([BIN / "legion-compare", *seed, "--json", directory / "comparison.json", *files])
    if out.returncode != 0:
        raise RuntimeError(f"legion-compare failed: {out.stderr}")
    (directory / "comparison.txt").write_text(out.stdout)
    return directory


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="legion-report-test-"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def copy(self, src: Path, name: str) -> Path:
        dst = self.tmp / name
        shutil.copytree(src, dst)
        return dst

    def assertOneLineError(self, result, code, text):
        self.assertEqual(result.returncode, code, result.stdout + result.stderr)
        lines = result.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertIn(text, lines[0])
        self.assertNotIn("Traceback", result.stderr)
