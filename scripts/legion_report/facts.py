"""Facts: the figures the recommendation rules read, each with the row it comes from.

A fact is {"metric", "value", "unit", "row", ...fields the rule's text may name}. Every value is
read from the tools' JSON or is a plain quotient of two such values (a share, a per-core
figure); nothing here is a statistical estimate. The metrics are listed in docs/reports.md."""
import math
import re

from .baseline import WORSE, load_window


def _f(metric, value, row, unit="", **fields):
    return {"metric": metric, "value": value, "row": row, "unit": unit, **fields}


def _mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


# ---------------------------------------------------------------------------------------- bench

def _sides(rows, regime, baseline):
    """{(scenario, framework): (row, side)} of one regime, the baseline's side taken once."""
    out = {}
    for r in rows:
        if r["regime"] != regime:
            continue
        for name, side in ((r["framework"], r["candidate"]), (baseline, r["baseline"])):
            if side and side["mean_ns"] and (r["scenario"], name) not in out:
                out[(r["scenario"], name)] = (r, side)
    return out


def _cold_start_facts(run):
    out = []
    hot = _sides(run["rows"], "hot", run["baseline"])
    for (scenario, name), (r, cold) in _sides(run["rows"], "cold_start", run["baseline"]).items():
        row = f"{r['name']} [{name}]"
        if (scenario, name) in hot:
            out.append(_f("cold_start_over_hot", cold["mean_ns"] / hot[(scenario, name)][1]["mean_ns"],
                          row, "x", framework=name, scenario=scenario, cold_ms=cold["mean_ns"] / 1e6))
        imp = cold["counters"].get("import_ns")
        if isinstance(imp, (int, float)) and imp > 0:
            out.append(_f("import_share_of_cold_start", imp / cold["mean_ns"], row, "share",
                          framework=name, import_ms=imp / 1e6))
        rss = cold["counters"].get("rss_after_start_bytes")
        if isinstance(rss, (int, float)) and rss > 0:
            out.append(_f("rss_after_start_mib", rss / 2**20, row, "MiB", framework=name))
    return out


def _row_facts(run):
    out = []
    for r in run["rows"]:
        row = f"{r['name']} [{r['framework']}]"
        flags = r["flags"]
        if any(f.startswith("model calls differ") for f in flags):
            b = (r["baseline"] or {}).get("counters", {}).get("model_calls")
            c = (r["candidate"] or {}).get("counters", {}).get("model_calls")
            if b and c is not None:
                out.append(_f("model_calls_ratio", c / b, row, "x", framework=r["framework"],
                              scenario=r["name"], base_calls=b, cand_calls=c))
        if any(f.startswith("different work") for f in flags):
            out.append(_f("different_work", 1, row, "", framework=r["framework"],
                          flags="; ".join(flags)))
        if r["needs_processes"]:
            out.append(_f("needs_processes", r["needs_processes"], row, "processes"))
        if r["ratio"] and r["lower"] and r["upper"] and r["lower"] > 0:
            half = r["rel_half_width"] if r["rel_half_width"] is not None else \
                (math.log(r["upper"]) - math.log(r["lower"])) / 2
            out.append(_f("ci_rel_half_width", half, row, "share", ratio=r["ratio"],
                          factor=math.exp(half)))
    return out


def _summary_facts(run):
    out = []
    summary = run.get("summary") or {}
    gate = summary.get("aa_gate") if isinstance(summary.get("aa_gate"), dict) else {}
    if gate.get("status") == "disturbed":
        bounds = gate.get("bounds") or [0.95, 1.05]
        for fw, g in (gate.get("frameworks") or {}).items():
            lo, hi = g.get("lower"), g.get("upper")
            if isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and \
                    (lo < bounds[0] or hi > bounds[1]):
                out.append(_f("aa_gate_disturbed", 1, f"A/A control [{fw}]", "", framework=fw,
                              ratio=g.get("ratio") or float("nan")))
    machines = summary.get("machines") if isinstance(summary.get("machines"), dict) else {}
    if machines.get("mixed"):
        ids = machines.get("ids") or []
        out.append(_f("machines_mixed", 1, "machines", "", count=len(ids),
                      ids=", ".join(map(str, ids))))
    for g in run["geomeans"]:
        if g["ratio"] is not None and g["lower"] is not None:
            out.append(_f("geomean_ratio", g["ratio"], f"geometric mean [{g['framework']}, "
                          f"{g['regime']}]", "x", framework=g["framework"], regime=g["regime"],
                          scenarios=g["scenarios"], lower=g["lower"], upper=g["upper"]))
    for fw in run["frameworks"]:
        ctx = fw["context"]
        load = ctx.get("load_avg")
        cpus = ctx.get("num_cpus")
        if isinstance(load, list) and load and isinstance(cpus, int) and cpus > 0:
            out.append(_f("load_per_cpu", load[0] / cpus, f"{fw['name']} (first process)", "",
                          load=load[0], cpus=cpus))
    return out


def _target_facts(targets):
    out = []
    for name, doc in targets.items():
        for t in doc.get("targets", []):
            limit = t.get("max") if t.get("max") is not None else t.get("max_ratio")
            measured = t.get("measured")
            if isinstance(limit, (int, float)) and limit > 0 and isinstance(measured, (int, float)):
                out.append(_f("target_over_limit", measured / limit,
                              f"{t.get('benchmark')} {t.get('metric')} [{name}]", "x",
                              measured=measured, limit=limit,
                              marginal="; inconclusive: the CI contains the limit"
                              if t.get("result") == "inconclusive" else ""))
    return out


def bench(run, targets):
    if not run["rows"]:
        return _target_facts(targets) + _summary_facts(run)
    return _cold_start_facts(run) + _row_facts(run) + _summary_facts(run) + _target_facts(targets)


# --------------------------------------------------------------------------------------- stress

def _window(scenario, key):
    start, end = load_window(scenario)
    t = scenario["series"].get("t_s", [])
    return [v for x, v in zip(t, scenario["series"].get(key, [])) if x is not None and start <= x < end]


def _resource_window(scenario, key):
    start, end = load_window(scenario)
    t = scenario["resources"].get("t_s", [])
    return [v for x, v in zip(t, scenario["resources"].get(key, [])) if x is not None and start <= x < end]


def _scenario_facts(s, cpus):
    out = []
    row = s["name"]
    model = (s["config"].get("load") or {}).get("model", "closed")
    p99 = (s["percentiles"].get("latency_corrected") or {}).get("p99_ms")
    agents = s["effective"].get("agents")
    if model == "closed" and isinstance(agents, (int, float)) and isinstance(p99, (int, float)):
        out.append(_f("p99_ms_at_agents", p99, row, "ms", agents=agents))
    cpu = _mean(_resource_window(s, "cpu_percent"))
    if cpu is not None and cpus:
        out.append(_f("cpu_busy_share", cpu / (100.0 * cpus), row, "share", cpu_percent=cpu, cpus=cpus))
    store = _mean(_window(s, "store_query_mean_ms"))
    latency = _mean(_window(s, "latency_mean_ms"))
    if store and latency:
        out.append(_f("store_share_of_latency", store / latency, row, "share", store_ms=store,
                      latency_ms=latency))
    depth = [d for d in _window(s, "queue_depth") if d is not None]
    start, end = load_window(s)
    if len(depth) >= 2 and end > start:
        out.append(_f("queue_growth_per_s", (depth[-1] - depth[0]) / (end - start), row, "tasks/s",
                      first=depth[0], last=depth[-1]))
    if model == "open":
        done = [v for v in _window(s, "throughput_per_s") if v is not None]
        offered = [v for v in _window(s, "started_per_s") if v is not None]
        if done and offered and sum(offered) > 0:
            out.append(_f("delivered_share", sum(done) / sum(offered), row, "share",
                          throughput=_mean(done), offered=_mean(offered)))
        load = s["load"]
        if load.get("started"):
            out.append(_f("late_share", (load.get("late") or 0) / load["started"], row, "share"))
    trends = s["trends"]
    trend = trends.get("rss_net_of_cache_kb") or trends.get("rss_kb")
    min_window = trends.get("min_window_s", 60)
    if isinstance(trend, dict) and isinstance(trend.get("ci95_per_min"), list) and \
            (trend.get("window_s") or 0) >= min_window:
        out.append(_f("rss_slope_upper_kb_per_min", trend["ci95_per_min"][1], row, "KB/min",
                      judged=f"judged over {trend['window_s']:.0f} s after warm-up"))
    lost = s["audit"].get("lost")
    if isinstance(lost, (int, float)):
        out.append(_f("lost", lost, row, "tasks"))
    rate = s["totals"].get("error_rate")
    if isinstance(rate, (int, float)):
        out.append(_f("error_rate", rate, row, "share"))
    fault = s["fault"]
    if fault:
        if fault["recovery_s"] is not None:
            out.append(_f("recovery_s", fault["recovery_s"], row, "s", fault=fault["name"]))
        elif fault["healed_at_s"] is not None:
            out.append(_f("not_recovered", 1, row, "", fault=fault["name"]))
        if isinstance(fault["lost"], (int, float)) and fault["lost"] != lost:
            out.append(_f("lost", fault["lost"], f"{row} ({fault['name']})", "tasks"))
    return out


_SCALE_NAME = re.compile(r"^(?P<prefix>.*?)_(?P<n>\d+)$")


def _scaling_facts(scenarios):
    groups = {}
    for s in scenarios:
        m = _SCALE_NAME.match(s["name"])
        thr = s["totals"].get("throughput_per_s")
        if m and s["kind"] == "scalability" and isinstance(thr, (int, float)):
            groups.setdefault(m.group("prefix"), []).append((int(m.group("n")), s["name"], thr))
    out = []
    for members in groups.values():
        members.sort()
        if len(members) < 2 or members[0][0] <= 0 or members[0][2] <= 0:
            continue
        n0, name0, thr0 = members[0]
        for n, name, thr in members[1:]:
            speedup = thr / thr0
            out.append(_f("scaling_efficiency", speedup / (n / n0), name, "share",
                          workers=n / n0, speedup=speedup, base=name0))
    return out


def stress(run):
    cpus = run.get("logical_cpus")
    out = []
    for s in run["scenarios"]:
        out += _scenario_facts(s, cpus)
    return out + _scaling_facts(run["scenarios"])


# ------------------------------------------------------------------------------------- baseline

def regressions(rows, base_commit, commit):
    return [_f("baseline_regression", r["badness"], r["row"], "x", lower=r.get("lower") or math.nan,
               upper=r.get("upper") or math.nan, base_commit=base_commit or "?",
               commit=commit or "?")
            for r in rows if r["class"] == WORSE]
