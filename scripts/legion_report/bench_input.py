"""A scripts/bench run directory, read into one shape whatever the comparison's schema.

The directory (docs/comparison.md, docs/reports.md): `<framework>.<k>.json` (one legion-bench
process each), `comparison.json` (legion-compare: schema legion-compare/1 today,
legion-compare/2 once issue 14 lands), `comparison.txt`, the micro benchmarks' Google
Benchmark JSON (`microbench.json`, `stats.json`, `bridge.json`, `stress.json`), `targets.txt`,
and from issue 14 on a `run.json` manifest. Every field of schema 2 is read when present and
left None when not, so the report works before and after that change; nothing here computes a
statistic."""
import re
from pathlib import Path

from . import jsonfile
from .errors import InputError

SCHEMAS = ("legion-compare/1", "legion-compare/2")
VERDICTS = ("slower", "faster", "equivalent", "inconclusive")
REGIME_ORDER = ("cold_start", "construction", "hot", "concurrency")
MICRO_NAMES = ("microbench", "stats", "bridge", "stress")
PROCESS_FILE = re.compile(r"^(?P<framework>.+)\.(?P<k>\d+)\.json$")
_GBENCH_SUFFIX = re.compile(
    r"^(real_time|manual_time|process_time|threads:.*|repeats:.*|iterations:.*|min_time:.*"
    r"|min_warmup_time:.*)$")


def display_name(benchmark: str) -> str:
    """The benchmark without the components Google Benchmark appends (as legion-compare splits
    names): 'simple_task/cold_start/iterations:1/repeats:1/manual_time' -> 'simple_task/cold_start'."""
    parts = benchmark.split("/")
    while len(parts) > 1 and _GBENCH_SUFFIX.match(parts[-1]):
        parts.pop()
    return "/".join(parts)


def regime_rank(regime: str) -> int:
    return REGIME_ORDER.index(regime) if regime in REGIME_ORDER else len(REGIME_ORDER)


def is_gbench(doc) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("benchmarks"), list) and \
        isinstance(doc.get("context"), dict)


def _num(value):
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def normalize_verdict(text):
    """(verdict, text): schema 2's four verdicts as they are; schema 1's wording mapped onto
    them ('equivalent within 20%' -> equivalent, 'no significant difference' -> inconclusive:
    schema 1 never claimed more than that)."""
    if not isinstance(text, str):
        return None, None
    if text in VERDICTS:
        return text, text
    if text.startswith("equivalent"):
        return "equivalent", text
    if text.startswith("inconclusive") or text == "no significant difference":
        return "inconclusive", text
    if text in ("higher", "lower"):  # a counter metric's direction (legion-stats)
        return ("slower" if text == "higher" else "faster"), text
    return "inconclusive", text


def _side(raw):
    if not isinstance(raw, dict):
        return None
    reps = raw.get("repetitions")
    return {
        "mean_ns": _num(raw.get("mean_ns")),
        "median_ns": _num(raw.get("median_ns")),
        "processes": raw.get("processes") if isinstance(raw.get("processes"), int) else None,
        "repetitions": reps if isinstance(reps, list) else ([reps] if isinstance(reps, int) else []),
        "counters": raw.get("counters") if isinstance(raw.get("counters"), dict) else {},
        "labels": raw.get("labels") if isinstance(raw.get("labels"), list) else [],
        # schema 2 (issue 14): CPU time and per-iteration percentiles per side
        "cpu_ns": _num(raw.get("cpu_ns")),
        "iter_p50_ns": _num(raw.get("iter_p50_ns")),
        "iter_p95_ns": _num(raw.get("iter_p95_ns")),
    }


def _row(raw, path, index, level):
    where = f"comparisons[{index}]"
    for key in ("benchmark", "framework", "status"):
        jsonfile.need(raw, key, str, path, where)
    stats = raw.get("stats") if isinstance(raw.get("stats"), dict) else None
    row = {
        "benchmark": raw["benchmark"],
        "name": display_name(raw["benchmark"]),
        "scenario": raw.get("scenario") or raw["benchmark"].split("/")[0],
        "regime": raw.get("regime") or "",
        "framework": raw["framework"],
        "status": raw["status"],
        "reason": raw.get("reason"),
        "flags": [f for f in raw.get("flags") or [] if isinstance(f, str)],
        "baseline": _side(raw.get("baseline")),
        "candidate": _side(raw.get("candidate")),
        "ci_method": raw.get("ci_method"),
        "figures": raw.get("figures") if isinstance(raw.get("figures"), list) else [],
        "derived": raw.get("derived") if isinstance(raw.get("derived"), list) else [],
        "ratio": None, "lower": None, "upper": None, "level": None,
        "verdict": None, "verdict_text": None, "p_holm": None, "mw_p_holm": None,
        "needs_processes": None, "mde": None, "rel_half_width": None, "precise": None,
        "notes": [],
        # A/A controls: the same C++ code in every framework's process (contract A).
        "aa_control": (raw.get("scenario") or raw["benchmark"].split("/")[0]) == "harness",
    }
    if stats is not None:
        ci = stats.get("ratio_ci") if isinstance(stats.get("ratio_ci"), dict) else {}
        row.update({
            "ratio": _num(stats.get("ratio")),
            "lower": _num(ci.get("lower")),
            "upper": _num(ci.get("upper")),
            "level": _num(ci.get("level")) or level,
            "p_holm": _num(stats.get("welch_p_holm")),
            "mw_p_holm": _num(stats.get("mann_whitney_p_holm")),
            "needs_processes": stats.get("needs_processes") if isinstance(
                stats.get("needs_processes"), int) else None,
            "mde": _num(stats.get("mde")),
            "rel_half_width": _num(stats.get("rel_half_width")),
            "precise": stats.get("precise") if isinstance(stats.get("precise"), bool) else None,
            "notes": [n for n in stats.get("notes") or [] if isinstance(n, str)],
        })
        if stats.get("ci_method") and not row["ci_method"]:
            row["ci_method"] = stats["ci_method"]
        verdict, text = normalize_verdict(stats.get("verdict"))
        row["verdict"] = verdict
        row["verdict_text"] = stats.get("verdict_text") if isinstance(
            stats.get("verdict_text"), str) else text
    return row


def _geomean(raw, path, index):
    jsonfile.need(raw, "framework", str, path, f"geometric_means[{index}]")
    ci = raw.get("ci") if isinstance(raw.get("ci"), dict) else {}
    return {
        "framework": raw["framework"],
        "regime": raw.get("regime") or "",
        "ratio": _num(raw.get("ratio")),
        "lower": _num(ci.get("lower")),
        "upper": _num(ci.get("upper")),
        "level": _num(ci.get("level")),
        "benchmarks": raw.get("benchmarks"),
        "scenarios": raw.get("scenarios"),
        "excluded": raw.get("excluded") or [],
        "method": raw.get("method"),
    }


def machine_of(context: dict, manifest: dict | None) -> dict:
    """The machine the run had: contract A's `context.machine` / the manifest's fingerprint when
    present, otherwise what Google Benchmark's context says."""
    fp = None
    for source in ((manifest or {}).get("machine"), context.get("machine")):
        if isinstance(source, dict):
            fp = source
            break
    caches = context.get("caches") if isinstance(context.get("caches"), list) else []
    def cache(level):
        sizes = [c.get("size") for c in caches if isinstance(c, dict) and c.get("level") == level
                 and c.get("type") in ("Unified", "Data")]
        return sizes[0] if sizes else None
    fp = fp or {}
    return {
        "id": fp.get("id"),
        "cpu_model": fp.get("cpu_model"),
        "logical_cpus": fp.get("logical_cpus") or context.get("num_cpus"),
        "mhz_per_cpu": context.get("mhz_per_cpu"),
        "l2_bytes": fp.get("l2_bytes") or cache(2),
        "l3_bytes": fp.get("l3_bytes") or cache(3),
        "governor": fp.get("governor") or context.get("cpu_governor"),
        "kernel": fp.get("kernel"),
        "memory_bytes": fp.get("memory_bytes"),
        "virtualization": fp.get("virtualization"),
        "host_name": context.get("host_name"),
    }


def _process_files(directory: Path):
    """{framework: [Path, ...]} of the legion-bench process files in the directory."""
    out = {}
    for p in sorted(directory.glob("*.json")):
        m = PROCESS_FILE.match(p.name)
        if m:
            out.setdefault(m.group("framework"), []).append(p)
    return out


def _micro_files(directory: Path):
    out = {}
    for name in MICRO_NAMES:
        p = directory / f"{name}.json"
        if p.is_file():
            doc = jsonfile.load(p, "micro-benchmark JSON")
            if not is_gbench(doc):
                raise InputError(f"{p}: not Google Benchmark JSON (no 'context' and 'benchmarks')")
            out[name] = {"path": p, "context": doc["context"], "benchmarks": len(doc["benchmarks"])}
    return out


def looks_like_bench(directory: Path) -> bool:
    return (directory / "comparison.json").is_file() or (directory / "run.json").is_file() or \
        any((directory / f"{n}.json").is_file() for n in MICRO_NAMES)


def load(directory: Path) -> dict:
    """The run directory as one dict (see the module's docstring); InputError on bad input."""
    manifest = None
    if (directory / "run.json").is_file():
        manifest = jsonfile.load(directory / "run.json", "run manifest")
        if not isinstance(manifest, dict):
            raise InputError(f"{directory / 'run.json'}: must be a JSON object")
    comparison = None
    cpath = directory / "comparison.json"
    if cpath.is_file():
        comparison = jsonfile.load(cpath, "comparison")
        if not isinstance(comparison, dict):
            raise InputError(f"{cpath}: must be a JSON object")
        schema = jsonfile.need(comparison, "schema", str, cpath)
        if schema not in SCHEMAS:
            raise InputError(f"{cpath}: schema '{schema}' is not one this report reads "
                             f"({', '.join(SCHEMAS)})")
        jsonfile.need(comparison, "comparisons", list, cpath)
        jsonfile.need(comparison, "frameworks", list, cpath)
    micro = _micro_files(directory)
    if comparison is None and not micro:
        raise InputError(f"{directory}: no comparison.json and no micro-benchmark JSON: "
                         "not a scripts/bench run directory")

    run = {
        "kind": "bench",
        "dir": directory,
        "manifest": manifest,
        "schema": comparison.get("schema") if comparison else None,
        "micro": micro,
        "targets_txt": (directory / "targets.txt").read_text(errors="replace")
        if (directory / "targets.txt").is_file() else None,
        "process_files": _process_files(directory),
        "frameworks": [], "rows": [], "geomeans": [], "warnings": [],
        "baseline": None, "level": None, "alpha": None, "seed": None, "resamples": None,
        "equivalence_margin": None, "tests": None, "family": None, "summary": None,
        "context": {},
    }
    if comparison is None:
        first = next(iter(micro.values()))
        run["context"] = first["context"]
        run["machine"] = machine_of(run["context"], manifest)
        return run

    level = _num(comparison.get("level"))
    run.update({
        "baseline": comparison.get("baseline"),
        "level": level,
        "alpha": _num(comparison.get("alpha")),
        "seed": comparison.get("seed"),
        "resamples": comparison.get("resamples"),
        "equivalence_margin": _num(comparison.get("equivalence_margin")),
        "tests": comparison.get("tests"),
        "warnings": [w for w in comparison.get("warnings") or [] if isinstance(w, str)],
        # schema 2: how the level was made simultaneous, the A/A gate, machines, ...
        "family": comparison.get("family") if isinstance(comparison.get("family"), dict) else None,
        "summary": comparison.get("summary") if isinstance(comparison.get("summary"), dict) else None,
    })
    for i, fw in enumerate(comparison["frameworks"]):
        jsonfile.need(fw, "name", str, cpath, f"frameworks[{i}]")
        context = fw.get("context") if isinstance(fw.get("context"), dict) else {}
        files = [f for f in fw.get("files") or [] if isinstance(f, str)]
        run["frameworks"].append({
            "name": fw["name"],
            "version": fw.get("version") or context.get("framework_version") or "",
            "files": files,
            "processes": len(files),
            "context": context,
        })
    if not run["frameworks"]:
        raise InputError(f"{cpath}: 'frameworks' is empty")
    run["context"] = run["frameworks"][0]["context"]
    run["machine"] = machine_of(run["context"], manifest)
    # Which file is which framework's process: comparison.json lists them (the run directory
    # may have moved since: matched by file name); the file-name pattern is the fallback.
    listed = {}
    for fw in run["frameworks"]:
        local = [directory / Path(f).name for f in fw["files"]]
        if local and all(p.is_file() for p in local):
            listed[fw["name"]] = local
    if listed:
        run["process_files"] = listed
    run["rows"] = [_row(r, cpath, i, level) for i, r in enumerate(comparison["comparisons"])]
    run["rows"].sort(key=lambda r: (regime_rank(r["regime"]),))  # stable: keeps the tool's order
    run["geomeans"] = [_geomean(g, cpath, i)
                       for i, g in enumerate(comparison.get("geometric_means") or [])]
    return run


def process_means(run: dict) -> dict:
    """{(benchmark, framework): [mean ns of each process]} from the process files: the unit of
    replication the comparison used (legion-compare's mean of process means is their mean)."""
    out = {}
    files = run["process_files"]
    for fw in run["frameworks"]:
        paths = files.get(fw["name"], [])
        for path in paths:
            doc = jsonfile.load(path, "legion-bench process file")
            if not is_gbench(doc):
                raise InputError(f"{path}: not Google Benchmark JSON (no 'context' and 'benchmarks')")
            sums = {}
            for b in doc["benchmarks"]:
                if not isinstance(b, dict) or b.get("run_type") != "iteration" or b.get("error_occurred"):
                    continue
                t = _num(b.get("real_time"))
                if t is None:
                    continue
                scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}.get(b.get("time_unit", "ns"))
                if scale is None:
                    raise InputError(f"{path}: unknown time_unit '{b.get('time_unit')}'")
                name = b.get("run_name") or b.get("name")
                s = sums.setdefault(name, [0.0, 0])
                s[0] += t * scale
                s[1] += 1
            for name, (total, n) in sums.items():
                out.setdefault((name, fw["name"]), []).append(total / n)
    return out
