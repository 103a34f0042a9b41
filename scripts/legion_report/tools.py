"""The project's statistics tools, run as processes: legion-stats and legion-compare are the one
source of statistics (stats/); the report computes none itself. Binaries come from
$LEGION_BIN_DIR, else build/release/bin of this source tree."""
import json
import os
import subprocess
import tempfile
from pathlib import Path

from .errors import InputError, ToolError

ROOT = Path(__file__).resolve().parents[2]


def bin_dir() -> Path:
    return Path(os.environ.get("LEGION_BIN_DIR") or ROOT / "build" / "release" / "bin")


def executable(name: str) -> Path:
    path = bin_dir() / name
    if not os.access(path, os.X_OK):
        raise ToolError(f"{name} not found in {bin_dir()} (build it: cmake --build build/release "
                        f"--target {name}, or set LEGION_BIN_DIR)")
    return path


_help_cache = {}


def supports(name: str, option: str) -> bool:
    """Whether the tool's --help lists the option: legion-compare/2 dropped --seed (nothing
    random any more), legion-compare/1 takes it; the report works with both."""
    if name not in _help_cache:
        proc = subprocess.run([str(executable(name)), "--help"], capture_output=True, text=True,
                              timeout=60)
        _help_cache[name] = proc.stdout + proc.stderr
    return option in _help_cache[name]


def run_json(name: str, args: list, bad_input_is_input_error: bool = True):
    """Runs a tool that prints JSON on stdout; its one-line error becomes ours."""
    cmd = [str(executable(name))] + [str(a) for a in args]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        raise ToolError(f"{name} took more than 600 s") from None
    if proc.returncode not in (0, 1):  # legion-stats check exits 1 when a target fails
        line = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        if proc.returncode == 2 and bad_input_is_input_error:
            raise InputError(line)
        raise ToolError(f"{name} failed: {line}")
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise ToolError(f"{name} printed no JSON (arguments: {' '.join(cmd[1:])[:200]})") from None


def _write_csv(path: Path, groups: dict) -> dict:
    """Writes `name,value` rows; names are g0, g1, ... (a key may hold any character)."""
    names = {}
    with open(path, "w") as f:
        f.write("name,value\n")
        for i, (key, values) in enumerate(groups.items()):
            names[f"g{i}"] = key
            for v in values:
                f.write(f"g{i},{v!r}\n")
    return names


def summaries(groups: dict, level: float = 0.95) -> dict:
    """{key: legion-stats summary (n, mean, ci{lower, upper}, ...)} of each group of values."""
    groups = {k: v for k, v in groups.items() if v}
    if not groups:
        return {}
    with tempfile.TemporaryDirectory(prefix="legion-report-") as tmp:
        names = _write_csv(Path(tmp) / "groups.csv", groups)
        doc = run_json("legion-stats", ["--format", "json", "--level", level, "summary",
                                        Path(tmp) / "groups.csv"], bad_input_is_input_error=False)
    return {names[b["name"]]: b for b in doc.get("benchmarks", []) if b.get("name") in names}


def compare_samples(a: dict, b: dict) -> dict:
    """{key: legion-stats compare pair (ratio B/A, ratio_ci, verdict, ...)} for keys in both."""
    keys = [k for k in a if k in b and len(a[k]) >= 2 and len(b[k]) >= 2]
    if not keys:
        return {}
    with tempfile.TemporaryDirectory(prefix="legion-report-") as tmp:
        na = _write_csv(Path(tmp) / "a.csv", {k: a[k] for k in keys})
        _write_csv(Path(tmp) / "b.csv", {k: b[k] for k in keys})
        doc = run_json("legion-stats", ["--format", "json", "compare", Path(tmp) / "a.csv",
                                        Path(tmp) / "b.csv"],
                       bad_input_is_input_error=False)
    return {na[p["name"]]: p for p in doc.get("pairs", []) if p.get("name") in na}


def compare_files(a: Path, b: Path) -> dict:
    """legion-stats compare of two Google Benchmark files (one process each)."""
    return run_json("legion-stats", ["--format", "json", "compare", a, b])


def check_targets(targets: Path, results: Path) -> dict:
    return run_json("legion-stats", ["--format", "json", "check", "--targets", targets, results])


def compare_runs(base_files: list, cand_files: list, seed: int) -> dict:
    """legion-compare of one framework's processes in an earlier run (baseline) against this
    run's: copies of the files with context.framework set to `baseline-run` / `this-run`, since
    legion-compare groups processes by that field. Returns comparison.json's document."""
    with tempfile.TemporaryDirectory(prefix="legion-report-") as tmp:
        files, sources = [], {}
        for label, paths in (("baseline-run", base_files), ("this-run", cand_files)):
            for k, src in enumerate(paths, 1):
                try:
                    doc = json.loads(Path(src).read_text())
                except (OSError, json.JSONDecodeError) as e:
                    raise InputError(f"{src}: cannot read as JSON: {e}") from None
                if not isinstance(doc, dict) or not isinstance(doc.get("context"), dict):
                    raise InputError(f"{src}: not legion-bench output (no 'context')")
                doc["context"]["framework"] = label
                dst = Path(tmp) / f"{label}.{k}.json"
                dst.write_text(json.dumps(doc))
                files.append(dst)
                sources[str(dst)] = str(src)
        out = Path(tmp) / "comparison.json"
        seed_args = ["--seed", str(seed)] if supports("legion-compare", "--seed") else []
        cmd = [str(executable("legion-compare")), "--baseline", "baseline-run", *seed_args,
               "--json", str(out)] + [str(f) for f in files]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        if proc.returncode != 0:
            line = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
            for dst, src in sources.items():  # name the run's files, not our copies
                line = line.replace(dst, src)
            raise InputError(f"baseline comparison: {line}")
        return json.loads(out.read_text())
