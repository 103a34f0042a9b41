"""This run against an earlier one (`--baseline DIR`), row by row, with the statistics module.

- legion-bench rows: for each framework in both runs, legion-compare over the two runs'
  processes (the earlier run as the baseline): the same method as the framework comparison
  (processes as the unit of replication, the ratio of means with its CI, the family
  correction, the verdict).
- micro benchmarks: legion-stats compare of the two files (one process each: repetitions
  pooled, as legion-stats check treats them).
- stress scenarios: legion-stats compare of the per-bucket throughput and mean latency inside
  the load window (after the warm-up share, before the planned end): buckets are not
  independent, so these intervals are optimistic (said in the report).
A row is a regression when its verdict says it got significantly worse; `--fail-on-regression
R` makes the command exit 1 when a regression is worse than R (ratio of the bad direction)."""
from . import bench_input, tools

WORSE = "regression"
BETTER = "improvement"
ORDER = {WORSE: 0, BETTER: 1, "inconclusive": 2, "unchanged": 3, "not compared": 4}


def _classify(row: dict) -> dict:
    verdict, ratio = row.get("verdict"), row.get("ratio")
    lower_better = row["direction"] == "lower"
    if verdict is None or ratio is None:
        row["class"] = "not compared"
        row["badness"] = None
        return row
    row["badness"] = ratio if lower_better else (1.0 / ratio if ratio > 0 else float("inf"))
    if verdict == "equivalent":
        row["class"] = "unchanged"
    elif verdict == "inconclusive":
        row["class"] = "inconclusive"
    else:
        went_up = verdict == "slower"
        row["class"] = WORSE if went_up == lower_better else BETTER
    return row


def _bench_rows(current: dict, earlier: dict) -> list:
    rows = []
    seed = current.get("seed") if isinstance(current.get("seed"), int) else 42
    for fw in current["frameworks"]:
        name = fw["name"]
        cur, old = current["process_files"].get(name), earlier["process_files"].get(name)
        if not cur or not old:
            rows.append(_classify({
                "kind": "bench", "row": f"{name}: every benchmark", "framework": name,
                "metric": "time per operation", "direction": "lower", "unit": "ns",
                "reason": f"no process files of {name} in the " +
                          ("baseline run" if cur else "this run"),
            }))
            continue
        doc = tools.compare_runs(old, cur, seed)
        level = doc.get("level")
        for i, raw in enumerate(doc.get("comparisons", [])):
            r = bench_input._row(raw, "legion-compare", i, level)
            rows.append(_classify({
                "kind": "bench", "row": f"{r['name']} [{name}]", "framework": name,
                "benchmark": r["benchmark"], "regime": r["regime"], "metric": "time per operation",
                "direction": "lower", "unit": "ns",
                "base_value": (r["baseline"] or {}).get("mean_ns"),
                "value": (r["candidate"] or {}).get("mean_ns"),
                "ratio": r["ratio"], "lower": r["lower"], "upper": r["upper"], "level": r["level"],
                "verdict": r["verdict"], "verdict_text": r["verdict_text"], "p_holm": r["p_holm"],
                "reason": r["reason"] if r["status"] != "compared" else None,
                "method": "legion-compare (" + (r["ci_method"] or "no interval") + ")",
            }))
    return rows


def _micro_rows(current: dict, earlier: dict) -> list:
    rows = []
    for name, info in current["micro"].items():
        old = earlier["micro"].get(name)
        if not old:
            continue
        doc = tools.compare_files(old["path"], info["path"])
        for p in doc.get("pairs", []):
            ci = p.get("ratio_ci") or {}
            verdict, text = bench_input.normalize_verdict(p.get("verdict"))
            rows.append(_classify({
                "kind": "micro", "row": f"{p.get('name')} [{name}]", "framework": name,
                "metric": doc.get("metric", "real_time"), "direction": "lower", "unit": "ns",
                "base_value": p.get("mean_a"), "value": p.get("mean_b"), "ratio": p.get("ratio"),
                "lower": ci.get("lower"), "upper": ci.get("upper"), "level": ci.get("level"),
                "verdict": verdict, "verdict_text": text, "p_holm": p.get("welch_p_holm"),
                "method": "legion-stats compare (repetitions of one process each)",
            }))
    return rows


def load_window(scenario: dict):
    """(start, end) of the buckets a stress comparison uses: after the warm-up share of the
    planned duration, before its end (no ramp-down or drain tail)."""
    eff, config = scenario["effective"], scenario["config"]
    planned = eff.get("duration_s")
    if not isinstance(planned, (int, float)):
        stages = eff.get("stages") or []
        planned = sum((s.get("duration_s") or 0) + (s.get("ramp_s") or 0) for s in stages
                      if isinstance(s, dict)) or None
    if not planned:
        t = [x for x in scenario["series"].get("t_s", []) if x is not None]
        planned = max(t) if t else 0
    warm = config.get("warmup_fraction", 0.25)
    return warm * planned, planned


def _bucket_values(scenario: dict, key: str) -> list:
    start, end = load_window(scenario)
    t = scenario["series"].get("t_s", [])
    v = scenario["series"].get(key, [])
    return [y for x, y in zip(t, v) if x is not None and y is not None and start <= x < end]


STRESS_METRICS = (("throughput_per_s", "throughput", "higher", "tasks/s"),
                  ("latency_mean_ms", "mean latency per bucket", "lower", "ms"))


def _stress_rows(current: dict, earlier: dict) -> list:
    old = {s["name"]: s for s in earlier["scenarios"]}
    a, b, meta = {}, {}, {}
    for s in current["scenarios"]:
        if s["name"] not in old:
            continue
        for key, label, direction, unit in STRESS_METRICS:
            k = (s["name"], key)
            a[k], b[k] = _bucket_values(old[s["name"]], key), _bucket_values(s, key)
            meta[k] = (label, direction, unit)
    pairs = tools.compare_samples(a, b)
    rows = []
    for k, (label, direction, unit) in meta.items():
        p = pairs.get(k)
        row = {"kind": "stress", "row": f"{k[0]}: {label}", "framework": k[0], "metric": label,
               "direction": direction, "unit": unit,
               "method": "legion-stats compare of per-bucket values (buckets are autocorrelated:"
                         " the interval is optimistic)"}
        if p is None:
            row["reason"] = f"fewer than 2 buckets in the load window ({len(a[k])} / {len(b[k])})"
        else:
            ci = p.get("ratio_ci") or {}
            verdict, text = bench_input.normalize_verdict(p.get("verdict"))
            row.update({"base_value": p.get("mean_a"), "value": p.get("mean_b"),
                        "ratio": p.get("ratio"), "lower": ci.get("lower"),
                        "upper": ci.get("upper"), "level": ci.get("level"), "verdict": verdict,
                        "verdict_text": text, "p_holm": p.get("welch_p_holm")})
        rows.append(_classify(row))
    return rows


def compare(current: dict, earlier: dict) -> list:
    """Rows of this run against the earlier one, regressions first (worst first), then
    improvements, inconclusive, unchanged, not compared."""
    if current["kind"] != earlier["kind"]:
        return []
    if current["kind"] == "bench":
        rows = (_bench_rows(current, earlier) if current["frameworks"] and earlier["frameworks"]
                else []) + _micro_rows(current, earlier)
    else:
        rows = _stress_rows(current, earlier)
    return sorted(rows, key=lambda r: (ORDER[r["class"]], -(r["badness"] or 0)
                                       if r["class"] == WORSE else (r["badness"] or 0)))


def breaches(rows: list, threshold: float | None) -> list:
    """The significant regressions worse than `threshold` (e.g. 1.10: 10% slower or 10% less
    throughput): what makes `--fail-on-regression` exit 1."""
    if threshold is None:
        return []
    return [r for r in rows if r["class"] == WORSE and r["badness"] is not None
            and r["badness"] > threshold]
