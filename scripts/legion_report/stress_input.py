"""A legion-stress output directory, read into one shape (docs/stress.md has the result format).

`summary.json` lists the scenarios of the run; each scenario's result is `<name>.json` next to
it. The failure-injection suite (issue 15) adds `fault`, `detect_s`, `recovery_s`, the audit's
`acknowledged` / `lost` / `duplicated` / `unexpected`, `stability_after` and a per-second
`timeline`; when they are present the scenario gets a failure timeline. What this module
accepts for them is documented in docs/reports.md ("Failure results")."""
from pathlib import Path

from . import jsonfile
from .errors import InputError

# Event kinds that open and close a fault window and mark detection when the result does not
# give the times as fields (docs/reports.md, "Failure results").
INJECT = ("inject", "injected", "injection", "fault_start")
HEAL = ("heal", "healed", "fault_end")
DETECT = ("detect", "detected", "detection")


def looks_like_stress(directory: Path) -> bool:
    return (directory / "summary.json").is_file()


def _num(value):
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _series(obj, keys):
    """Columns of a dict of equal-length arrays (None where a value is null)."""
    out = {}
    for k in keys:
        v = obj.get(k) if isinstance(obj, dict) else None
        if isinstance(v, list):
            out[k] = [_num(x) for x in v]
    return out


# Column names of the timeline, and the spellings accepted for them: issue 15's result writes
# `completed`, `errors`, `started` per one-second row (docs/stress.md on its branch).
COLUMNS = {"t_s": ("t_s",), "completed_per_s": ("completed_per_s", "completed"),
           "errors_per_s": ("errors_per_s", "errors"), "started_per_s": ("started_per_s", "started"),
           "queue_depth": ("queue_depth",), "rss_kb": ("rss_kb",)}


def _pick(rec, names):
    for n in names:
        if n in rec:
            return _num(rec[n])
    return None


def _event(e, t_default):
    """{t_s, kind, detail} from an object or from issue 15's 'kind: detail' string."""
    if isinstance(e, dict):
        t = _num(e.get("t_s", e.get("at_s", t_default)))
        kind = str(e.get("kind") or e.get("event") or e.get("name") or "event")
        return {"t_s": t, "kind": kind, "detail": str(e.get("detail") or "")}
    kind, _, detail = str(e).partition(":")
    return {"t_s": _num(t_default), "kind": kind.strip() or "event", "detail": detail.strip()}


def _timeline(raw, path):
    """The failure run's per-second timeline as columns plus events. Accepts an array of
    per-second rows (issue 15: `t_s`, `completed`, `errors`, `started`, `queue_depth`, `rss_kb`,
    `events`) or an object of equal-length arrays (`t_s`, `completed_per_s`, ...)."""
    if raw is None:
        return None
    events = []
    if isinstance(raw, list):
        cols = {k: [] for k in COLUMNS}
        for i, rec in enumerate(raw):
            if not isinstance(rec, dict):
                raise InputError(f"{path}: field 'timeline[{i}]' must be an object")
            for k, names in COLUMNS.items():
                cols[k].append(_pick(rec, names))
            events += [_event(e, rec.get("t_s")) for e in rec.get("events") or []]
        cols = {k: v for k, v in cols.items() if any(x is not None for x in v)}
    elif isinstance(raw, dict):
        cols = {}
        for k, names in COLUMNS.items():
            for n in names:
                if isinstance(raw.get(n), list):
                    cols[k] = [_num(x) for x in raw[n]]
                    break
        events = [_event(e, None) for e in raw.get("events") or []]
    else:
        raise InputError(f"{path}: field 'timeline' must be an object or an array")
    if "t_s" not in cols:
        raise InputError(f"{path}: field 'timeline.t_s' is missing")
    n = len(cols["t_s"])
    for k, v in cols.items():
        if len(v) != n:
            raise InputError(f"{path}: field 'timeline.{k}' has {len(v)} values, t_s has {n}")
    events = sorted((e for e in events if e["t_s"] is not None), key=lambda e: e["t_s"])
    return {"columns": cols, "events": events}


def _window(w, label):
    inject, heal = _num(w.get("injected_at_s")), _num(w.get("healed_at_s"))
    detect_s, recovery_s = _num(w.get("detect_s")), _num(w.get("recovery_s"))
    detected = _num(w.get("detected_at_s"))
    if detected is None and detect_s is not None and inject is not None:
        detected = inject + detect_s
    recovered = _num(w.get("recovered_at_s"))
    if recovered is None and recovery_s is not None and heal is not None:
        recovered = heal + recovery_s
    return {"label": str(w.get("type") or w.get("name") or label), "injected_at_s": inject,
            "healed_at_s": heal, "detect_s": detect_s, "detected_at_s": detected,
            "detected_by": w.get("detected_by"), "recovery_s": recovery_s,
            "recovered_at_s": recovered, "error": w.get("error")}


def _fault(raw: dict, path: Path):
    """The failure part of a result, or None for a plain load scenario. Fault windows come from
    issue 15's `faults.per_fault[]` (or `faults.schedule[]`), else from `fault` given as an
    object with the times, else from the timeline's inject/detect/heal events."""
    if "fault" not in raw:
        return None
    fault = raw["fault"]
    name = fault.get("name") if isinstance(fault, dict) else fault
    if not isinstance(name, str) or not name:
        raise InputError(f"{path}: field 'fault' must be a name or an object with 'name'")
    timeline = _timeline(raw.get("timeline"), path)
    faults = raw.get("faults") if isinstance(raw.get("faults"), dict) else {}
    listed = faults.get("per_fault") or faults.get("schedule") or []
    windows = [_window(w, name) for w in listed if isinstance(w, dict)]
    if not windows:
        src = dict(fault) if isinstance(fault, dict) else {}
        for key in ("detect_s", "recovery_s"):
            src.setdefault(key, raw.get(key))
        for e in (timeline or {}).get("events", []):
            kind = e["kind"].lower()
            for field, kinds in (("injected_at_s", INJECT), ("healed_at_s", HEAL),
                                 ("detected_at_s", DETECT)):
                if src.get(field) is None and kind in kinds:
                    src[field] = e["t_s"]
        windows = [_window(src, name)]
    rule = faults.get("rule") if isinstance(faults.get("rule"), dict) else {}
    base = rule.get("baseline") if isinstance(rule.get("baseline"), dict) else {}
    first = windows[0]
    return {
        "name": name,
        "windows": windows,
        # the first window's times, and the result's (slowest) detection and recovery
        "injected_at_s": first["injected_at_s"],
        "healed_at_s": first["healed_at_s"],
        "detected_at_s": first["detected_at_s"],
        "recovered_at_s": first["recovered_at_s"],
        "detect_s": _num(raw.get("detect_s")),
        "recovery_s": _num(raw.get("recovery_s")),
        "baseline_per_s": _num(base.get("per_s")) or _num(raw.get("baseline_throughput_per_s")),
        "recovery_fraction": _num(rule.get("recovery_fraction")) or 0.9,
        "hold_s": _num(rule.get("hold_s")) or 3,
        "acknowledged": raw.get("acknowledged"),
        "lost": raw.get("lost"),
        "duplicated": raw.get("duplicated"),
        "unexpected": raw.get("unexpected"),
        "undetected": raw.get("undetected") if isinstance(raw.get("undetected"), list) else [],
        "stability_after": raw.get("stability_after") if isinstance(
            raw.get("stability_after"), dict) else None,
        "timeline": timeline,
    }


SERIES_KEYS = ("t_s", "throughput_per_s", "error_rate", "started_per_s", "late", "latency_mean_ms",
               "latency_max_ms", "queue_depth", "bus_latency_mean_ms", "store_query_mean_ms")
RESOURCE_KEYS = ("t_s", "cpu_percent", "rss_kb", "threads", "fds", "read_bytes", "write_bytes",
                 "voluntary_switches", "involuntary_switches", "heap_kb", "cache_kb")


def _scenario(raw: dict, path: Path, listed: dict) -> dict:
    if not isinstance(raw, dict):
        raise InputError(f"{path}: must be a JSON object")
    name = jsonfile.need(raw, "scenario", str, path)
    verdicts = raw.get("verdicts")
    if not isinstance(verdicts, list):
        raise InputError(f"{path}: field 'verdicts' must be an array")
    for i, v in enumerate(verdicts):
        jsonfile.need(v, "name", str, path, f"verdicts[{i}]")
        jsonfile.need(v, "pass", bool, path, f"verdicts[{i}]")
    series = _series(raw.get("series") or {}, SERIES_KEYS)
    resources = _series(raw.get("resources") or {}, RESOURCE_KEYS)
    config = raw.get("config") if isinstance(raw.get("config"), dict) else {}
    effective = raw.get("effective") if isinstance(raw.get("effective"), dict) else {}
    return {
        "name": name,
        "file": raw.get("file") or listed.get("file"),
        "path": path,
        "kind": config.get("kind") or "",
        "description": raw.get("description") or config.get("description") or "",
        "pass": bool(raw.get("pass", listed.get("pass", False))),
        "verdicts": verdicts,
        "time_scale": _num(raw.get("time_scale")),
        "seed": raw.get("seed"),
        "commit": raw.get("commit"),
        "finished_at": raw.get("finished_at"),
        "duration_s": _num(raw.get("duration_s")),
        "config": config,
        "effective": effective,
        "store": raw.get("store") if isinstance(raw.get("store"), dict) else {},
        "load": raw.get("load") if isinstance(raw.get("load"), dict) else {},
        "totals": raw.get("totals") if isinstance(raw.get("totals"), dict) else {},
        "audit": raw.get("audit") if isinstance(raw.get("audit"), dict) else {},
        "store_ledger": raw.get("store_ledger") if isinstance(raw.get("store_ledger"), dict) else None,
        "bus": raw.get("bus") if isinstance(raw.get("bus"), dict) else None,
        "percentiles": raw.get("percentiles") if isinstance(raw.get("percentiles"), dict) else {},
        "series": series,
        "bucket_s": _num((raw.get("series") or {}).get("bucket_s")),
        "resources": resources,
        "monitor_cpu_percent": _num((raw.get("resources") or {}).get("monitor_cpu_percent")),
        "trends": raw.get("trends") if isinstance(raw.get("trends"), dict) else {},
        "recovery": raw.get("recovery") if isinstance(raw.get("recovery"), dict) else None,
        "limit_search": raw.get("limit_search") if isinstance(raw.get("limit_search"), dict) else None,
        "errors": [e for e in raw.get("errors") or [] if isinstance(e, str)],
        "fault": _fault(raw, path),
    }


def load(directory: Path) -> dict:
    spath = directory / "summary.json"
    summary = jsonfile.load(spath, "legion-stress summary")
    if not isinstance(summary, dict):
        raise InputError(f"{spath}: must be a JSON object")
    listed = jsonfile.need(summary, "scenarios", list, spath)
    scenarios = []
    for i, entry in enumerate(listed):
        name = jsonfile.need(entry, "name", str, spath, f"scenarios[{i}]")
        # The results live next to summary.json; the recorded path may be where the run wrote
        # them before the directory was copied (results/...).
        recorded = entry.get("result") if isinstance(entry.get("result"), str) else f"{name}.json"
        path = directory / Path(recorded).name
        if not path.is_file() and Path(recorded).is_file():
            path = Path(recorded)
        scenarios.append(_scenario(jsonfile.load(path, "legion-stress result"), path, entry))
    if not scenarios:
        raise InputError(f"{spath}: 'scenarios' is empty: nothing to report")
    host = summary.get("host") if isinstance(summary.get("host"), dict) else {}
    return {
        "kind": "stress",
        "dir": directory,
        "host": host,
        "logical_cpus": host.get("logical_cpus") if isinstance(host.get("logical_cpus"), int) else None,
        "command": summary.get("command"),
        "time_scale": _num(summary.get("time_scale")),
        "seed": summary.get("seed"),
        "commit": summary.get("commit"),
        "pass": bool(summary.get("pass")),
        "scenarios": scenarios,
    }
