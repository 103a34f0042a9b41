"""The report as data: summary, sections, setup, methodology, threats to validity,
reproducibility, recommendations, baseline rows and figures. The HTML page, the PDF and
report.json are three views of this one dict (figures' SVG only in the first two)."""
import datetime as dt
import math
import shlex
import subprocess
from pathlib import Path

from . import SCHEMA, baseline as baseline_mod, bench_input, charts_bench, charts_stress, facts
from . import rules as rules_mod, tools
from .progress import Progress

VERDICT_ORDER = ("slower", "faster", "equivalent", "inconclusive")


def _git_commit():
    try:
        out = subprocess.run(["git", "-C", str(tools.ROOT), "rev-parse", "--short=12", "HEAD"],
                             capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or None
    except (OSError, subprocess.TimeoutExpired):
        return None


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(tools.ROOT))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------------------- bench

def _times(run):
    """{(benchmark, framework): {mean, lower, upper, n}}: legion-stats summary over each
    framework's process means (the unit of replication)."""
    means = bench_input.process_means(run)
    if not means:
        return {}
    out = {}
    for key, s in tools.summaries(means).items():
        ci = s.get("ci") or {}
        out[key] = {"mean": s.get("mean"), "lower": ci.get("lower"), "upper": ci.get("upper"),
                    "n": s.get("n")}
    return out


def _targets(run):
    """legion-stats check of each micro-benchmark file against benchmarks/targets/<name>.json."""
    out = {}
    for name, info in run["micro"].items():
        targets = tools.ROOT / "benchmarks" / "targets" / f"{name}.json"
        if targets.is_file():
            out[name] = tools.check_targets(targets, info["path"])
    return out


def _micro_summaries(run):
    out = {}
    for name, info in run["micro"].items():
        doc = tools.run_json("legion-stats", ["--format", "json", "summary", info["path"]])
        out[name] = doc.get("benchmarks", [])
    return out


def _verdict_counts(rows):
    counts = {v: 0 for v in VERDICT_ORDER}
    for r in rows:
        if r["verdict"] in counts and not r["aa_control"]:
            counts[r["verdict"]] += 1
    return counts


def _status_counts(rows):
    out = {}
    for r in rows:
        if r["status"] != "compared":
            out[r["status"]] = out.get(r["status"], 0) + 1
    return out


def _bench_section(run, progress):
    regimes = sorted({r["regime"] for r in run["rows"]}, key=bench_input.regime_rank)
    progress.step("legion-stats: times per process")
    times = _times(run) if run["rows"] else {}
    progress.step("legion-stats: micro benchmarks and targets")
    targets = _targets(run)
    micro = _micro_summaries(run)
    figures = {}
    progress.step("charts: frameworks")
    figures["geomeans"] = charts_bench.geomean_forest(run) if run["rows"] else None
    for regime in regimes:
        figures[f"forest-{regime}"] = charts_bench.regime_forest(run, regime)
        figures[f"times-{regime}"] = charts_bench.regime_times(run, regime, times)
    figures["memory"] = charts_bench.memory(run) if run["rows"] else None
    figures["cold_start"] = charts_bench.cold_start_parts(run) if run["rows"] else None
    figures["targets"] = charts_bench.targets_forest(targets)
    figures["aa_gate"] = charts_bench.aa_gate(run)
    for r in run["rows"]:
        for side, fw in (("baseline", run["baseline"]), ("candidate", r["framework"])):
            t = times.get((r["benchmark"], fw))
            if r[side] is not None and t:
                r[side]["ci"] = {"lower": t["lower"], "upper": t["upper"], "n": t["n"]}
    fw_info = []
    for fw in run["frameworks"]:
        ctx = fw["context"]
        fw_info.append({"name": fw["name"], "version": fw["version"], "processes": fw["processes"],
                        "load_avg": ctx.get("load_avg"), "date": ctx.get("date"),
                        "git_commit": ctx.get("git_commit")})
    return {
        "kind": "bench",
        "dir": _rel(run["dir"]),
        "schema": run["schema"],
        "baseline": run["baseline"],
        "frameworks": fw_info,
        "regimes": regimes,
        "rows": run["rows"],
        "geomeans": run["geomeans"],
        "verdicts": _verdict_counts(run["rows"]),
        "statuses": _status_counts(run["rows"]),
        "aa_rows": [r for r in run["rows"] if r["aa_control"]],
        "warnings": run["warnings"],
        "summary": run.get("summary"),
        "family": run.get("family"),
        "targets": targets,
        "micro": micro,
        "targets_txt": run["targets_txt"],
        "level": run["level"], "alpha": run["alpha"], "seed": run["seed"],
        "resamples": run["resamples"], "tests": run["tests"],
        "equivalence_margin": run["equivalence_margin"],
        "manifest": run["manifest"],
        "figures": {k: v for k, v in figures.items() if v},
        "_run": run,
    }


def _bench_headline(sec):
    out = []
    base = sec["baseline"]
    for regime in sec["regimes"]:
        gms = [g for g in sec["geomeans"] if g["regime"] == regime and g["ratio"] is not None]
        if not gms:
            continue
        parts = [f"{g['framework']} {_x(g['ratio'])}" for g in gms]
        out.append(f"{charts_bench.regime_title(regime).capitalize()}: " + ", ".join(parts) +
                   f" the time of {base} (geometric means over the regime's scenarios; "
                   f"intervals in the table below).")
    v = sec["verdicts"]
    n = sum(v.values())
    if n:
        out.append(f"{n} benchmark rows compared: {v['slower']} slower than {base}, {v['faster']} "
                   f"faster, {v['equivalent']} equivalent, {v['inconclusive']} inconclusive" +
                   (", " + ", ".join(f"{c} {s.replace('_', ' ')}" for s, c in sec["statuses"].items())
                    if sec["statuses"] else "") + ".")
    tg = [t for doc in sec["targets"].values() for t in doc.get("targets", [])]
    if tg:
        # legion-stats check judges by interval: met, missed, or inconclusive (the CI holds the limit).
        met = sum(1 for t in tg if t.get("result") == "met")
        out.append(f"Micro-benchmark targets: {met} of {len(tg)} met" + "".join(
            f"; {kind}: " + ", ".join(f"{t['benchmark']} {t['metric']}" for t in tg if t.get("result") == kind)
            for kind in ("missed", "inconclusive") if any(t.get("result") == kind for t in tg)) + ".")
    gate = ((sec.get("summary") or {}).get("aa_gate") or {}).get("status")
    if gate:
        out.append(f"A/A gate: {gate}.")
    return out


def _x(v):
    if v is None:
        return "n/a"
    if v >= 100:
        return f"{v:,.0f}x"
    return f"{v:.3g}x"


# --------------------------------------------------------------------------------------- stress

def _stress_section(run, progress):
    figures = {"overview": charts_stress.overview(run)}
    per = []
    for s in run["scenarios"]:
        progress.step(f"charts: {s['name']}")
        f = {
            "fault": charts_stress.failure_timeline(s),
            "series": charts_stress.timeseries(s),
            "percentiles": charts_stress.percentiles(s),
            "resources": charts_stress.resources(s),
            "limit": charts_stress.limit_search(s),
        }
        per.append({"scenario": s, "figures": {k: v for k, v in f.items() if v}})
    return {
        "kind": "stress",
        "dir": _rel(run["dir"]),
        "time_scale": run["time_scale"], "seed": run["seed"], "commit": run["commit"],
        "pass": run["pass"], "command": run.get("command"), "host": run.get("host"),
        "scenarios": per,
        "figures": {k: v for k, v in figures.items() if v},
        "_run": run,
    }


def _stress_headline(sec):
    sc = [p["scenario"] for p in sec["scenarios"]]
    passed = sum(1 for s in sc if s["pass"])
    lost = sum(int(s["audit"].get("lost") or 0) for s in sc)
    invoked = sum(int(s["audit"].get("invoked") or 0) for s in sc)
    p99 = [((s["percentiles"].get("latency_corrected") or {}).get("p99_ms"), s["name"]) for s in sc]
    p99 = [x for x in p99 if isinstance(x[0], (int, float))]
    out = [f"{passed} of {len(sc)} stress scenarios passed every threshold" +
           (f" (time scale {sec['time_scale']:g})" if sec["time_scale"] else "") + "."]
    out.append(f"Zero-loss audit: {lost} of {invoked:,} acknowledged tasks lost.")
    if p99:
        lo, hi = min(p99), max(p99)
        out.append(f"Corrected p99 latency from {lo[0]:,.1f} ms ({lo[1]}) to {hi[0]:,.1f} ms ({hi[1]}).")
    faults = [s for s in sc if s["fault"]]
    if faults:
        rec = [s["fault"]["recovery_s"] for s in faults if s["fault"]["recovery_s"] is not None]
        out.append(f"{len(faults)} fault scenarios; recovery " +
                   (f"within {max(rec):.2f} s" if rec else "not measured") +
                   (f"; {len(faults) - len(rec)} did not recover" if len(rec) < len(faults) else "") + ".")
    failed = [s for s in sc if not s["pass"]]
    for s in failed:
        names = [v["name"] for v in s["verdicts"] if not v["pass"]]
        out.append(f"{s['name']} failed: {', '.join(names)}.")
    return out


# -------------------------------------------------------------------------------- setup & method

def _setup(sections):
    out = []
    for sec in sections:
        if sec["kind"] == "bench":
            run = sec["_run"]
            ctx = run["context"]
            m = run["machine"]
            items = [
                ("run directory", sec["dir"]),
                ("commit", ctx.get("git_commit") or (run["manifest"] or {}).get("commit")),
                ("date", ctx.get("date")),
                ("machine", ", ".join(x for x in [
                    m.get("cpu_model"), f"{m['logical_cpus']} logical CPUs" if m.get("logical_cpus") else None,
                    f"{m['mhz_per_cpu']} MHz" if m.get("mhz_per_cpu") else None,
                    f"L2 {m['l2_bytes'] // 1024} KiB" if m.get("l2_bytes") else None,
                    f"L3 {m['l3_bytes'] // 2**20} MiB" if m.get("l3_bytes") else None,
                    f"{m['memory_bytes'] / 2**30:.0f} GiB" if m.get("memory_bytes") else None,
                    m.get("virtualization"), f"kernel {m['kernel']}" if m.get("kernel") else None,
                    f"governor {m['governor']}" if m.get("governor") else None] if x)),
                ("machine id", m.get("id")),
                ("compiler, build", f"{ctx.get('compiler', '?')}, {ctx.get('build_type', '?')}"),
                ("Google Benchmark", f"library_build_type {ctx.get('library_build_type', '?')} "
                                     "(Debian's libbenchmark reports 'debug' for the packaged "
                                     "library; it says nothing about this build)"
                 if ctx.get("library_build_type") else None),
                ("frameworks", "; ".join(f"{f['name']} {f['version']} ({f['processes']} processes)"
                                         for f in run["frameworks"])),
                ("seed", run["seed"] if run["seed"] is not None else ctx.get("seed")),
                ("model latency", ctx.get("model_latency")),
                ("load average at process starts", _load_range(run)),
            ]
            man = run["manifest"] or {}
            if man.get("budget") is not None:
                items.append(("time budget", str(man["budget"])))
            if isinstance(man.get("calibration"), dict):
                items.append(("calibration", ", ".join(f"{k} {v}" for k, v in man["calibration"].items())))
            out.append({"title": "Framework comparison", "items": [(k, v) for k, v in items if v]})
        else:
            run = sec["_run"]
            first = run["scenarios"][0]
            host = run.get("host") or {}
            items = [
                ("output directory", sec["dir"]),
                ("commit", run["commit"]),
                ("finished", first.get("finished_at")),
                ("time scale", f"{run['time_scale']:g}" if run["time_scale"] else None),
                ("seed", run["seed"]),
                ("machine", f"{host['logical_cpus']} logical CPUs" if host.get("logical_cpus") else None),
                ("load average at the end", " ".join(f"{x:.2f}" for x in host.get("load_avg", []))
                 if host.get("load_avg") else None),
                ("scenarios", ", ".join(s["name"] for s in run["scenarios"])),
            ]
            out.append({"title": "Stress run", "items": [(k, v) for k, v in items if v]})
    return out


def _load_range(run):
    loads = [f["context"].get("load_avg")[0] for f in run["frameworks"]
             if isinstance(f["context"].get("load_avg"), list) and f["context"]["load_avg"]]
    man = run["manifest"] or {}
    for p in man.get("processes") or []:
        la = ((p or {}).get("interference") or {}).get("loadavg")
        if isinstance(la, (int, float)):
            loads.append(la)
        elif isinstance(la, list) and la:
            loads.append(la[0])
    if not loads:
        return None
    return f"{min(loads):.2f} to {max(loads):.2f} (1-minute)"


def _methodology(sections):
    out = []
    for sec in sections:
        if sec["kind"] == "bench" and sec["rows"]:
            run = sec["_run"]
            reps = sorted({tuple(r["baseline"]["repetitions"]) for r in run["rows"]
                           if r["baseline"] and r["baseline"]["repetitions"]})
            procs = sorted({f["processes"] for f in run["frameworks"]})
            methods = sorted({r["ci_method"] for r in run["rows"] if r["ci_method"]})
            fam = run.get("family") or {}
            out.append(("Replication",
                        f"Each framework ran as {', '.join(map(str, procs))} separate legion-bench "
                        f"processes, interleaved in an order shuffled by the seed, so drift in the "
                        f"machine's state spreads over all frameworks. The process is the unit of "
                        f"replication (Kalibera and Jones 2013): repetitions inside one process "
                        f"share its heap layout and interpreter state. Repetitions per process: "
                        f"{', '.join('/'.join(map(str, r)) for r in reps[:4])}. Regimes are never "
                        f"mixed: cold start (a new process), construction, hot invocation and "
                        f"sustained concurrency are separate tables."))
            stats_text = (
                f"Every figure of this section comes from legion-compare (schema {sec['schema']}), "
                f"the project's statistics module: the ratio is the framework's mean time over "
                f"{sec['baseline']}'s (the mean of process means), its confidence interval from "
                f"{', '.join(methods) or 'n/a'}")
            if fam:
                stats_text += (f"; the intervals are simultaneous over the family "
                               f"({fam.get('method', '?')}, alpha {fam.get('alpha', '?')}, "
                               f"{fam.get('looks', 1)} look(s)), and each verdict is read off its "
                               f"interval: slower or faster when it excludes 1, equivalent when it "
                               f"lies inside the margin, otherwise inconclusive with the number of "
                               f"processes that would settle it")
            else:
                stats_text += (f" ({(sec['level'] or 0.95):.0%}, {sec['resamples'] or '?'} "
                               f"resamples); Welch's t test on log times and Mann-Whitney U with "
                               f"Holm's correction across {sec['tests'] or '?'} comparisons at alpha "
                               f"{sec['alpha'] or '?'}; a verdict of slower or faster needs the "
                               f"Holm-adjusted p below alpha and a CI excluding 1, equivalence a "
                               f"TOST within {(sec['equivalence_margin'] or 0.2):.0%}; anything "
                               f"else is reported as inconclusive (schema 1's 'no significant "
                               f"difference')")
            stats_text += (". Across scenarios the geometric mean of the ratios weighs each "
                           "scenario once, with its interval propagated on the log scale. The "
                           "times per scenario are legion-stats' t interval over the process "
                           "means.")
            out.append(("Statistics", stats_text))
            out.append(("Validation",
                        "Every run is validated before its time counts: the right answer, the "
                        "output hash, the model-call and token counts (a wrong answer never reports "
                        "a time). The simulated model makes every framework do identical work, so "
                        "the difference measured is the framework; rows where two frameworks did "
                        "different work (hashes, model calls or tokens differ) are flagged, not "
                        "hidden."))
        elif sec["kind"] == "stress":
            out.append(("Stress method",
                        "legion-stress drives the runtime and its durable store with a closed "
                        "(N agents), open (arrival rate, k6-style) or backlog load model. Open-model "
                        "latency counts from the scheduled start, so a stall cannot hide by "
                        "delaying the next send (coordinated omission); corrected and uncorrected "
                        "percentiles come from HdrHistogram-style histograms. A /proc monitor "
                        "samples CPU, RSS, threads and file descriptors. After the load the store is "
                        "drained and audited Jepsen-style: lost (acknowledged, never completed), "
                        "unexpected and duplicated tasks. Thresholds are the contract: any breach "
                        "fails the scenario. Trends (leak, degradation) are Theil-Sen slopes with "
                        "Sen's interval, judged only over at least their minimum window."))
    return out


def _threats(sections, baselines):
    out = []
    for sec in sections:
        if sec["kind"] == "bench" and sec["rows"]:
            run = sec["_run"]
            lr = _load_range(run)
            if lr:
                out.append(f"Shared machine: the 1-minute load average at the process starts was "
                           f"{lr}. Absolute times carry that noise; the ratios of interleaved "
                           f"processes much less.")
            few = [f["name"] for f in run["frameworks"] if f["processes"] < 5]
            if few:
                out.append(f"Few processes ({', '.join(few)}: under 5): Mann-Whitney over 3 and 3 "
                           f"process means cannot reach p < 0.05, so the t test decides; intervals "
                           f"from few processes are wide (cold start: one sample per process).")
            one = [f["name"] for f in run["frameworks"] if f["processes"] == 1]
            if one:
                out.append(f"One process ({', '.join(one)}): repetitions within a process are "
                           f"treated as independent; those intervals are optimistic.")
            flagged = [r for r in run["rows"] if r["flags"]]
            if flagged:
                out.append(f"{len(flagged)} rows are flagged (different work, model calls or tokens "
                           f"differ): their ratios compare different work.")
            ml = run["context"].get("model_latency")
            if ml in ("none", "0", None):
                out.append("No model latency: the simulated model answers at once, so the ratios "
                           "measure framework overhead alone; under a slow real model the overhead "
                           "is a smaller share of each request and concurrency behaves differently.")
            if run["context"].get("library_build_type") == "debug":
                out.append("Google Benchmark reports library_build_type 'debug' (Debian's package); "
                           "the measured code is the release build.")
            s = run.get("summary") or {}
            if (s.get("machines") or {}).get("mixed"):
                out.append("The processes ran on different machines (see the setup).")
            gate = (s.get("aa_gate") or {}).get("status")
            if gate == "absent":
                out.append("No A/A control in this run: machine drift during the run is not "
                           "measured directly.")
        elif sec["kind"] == "stress":
            run = sec["_run"]
            if run["time_scale"] and run["time_scale"] < 1:
                out.append(f"Time-scaled stress run ({run['time_scale']:g}): the same rates for a "
                           f"shorter time; trends over less than their minimum window are reported "
                           f"but not judged, and short runs say little about leaks or "
                           f"degradation.")
            out.append("Stress runs are one run per scenario: their percentiles have no "
                       "between-run interval; compare runs with --baseline for that.")
    if baselines:
        out.append("The baseline comparison of stress scenarios treats per-bucket values as "
                   "independent samples; they are autocorrelated, so those intervals are "
                   "optimistic.")
    return out


def _reproducibility(sections, argv):
    out = []
    for sec in sections:
        if sec["kind"] == "bench":
            run = sec["_run"]
            man = run["manifest"] or {}
            commit = run["context"].get("git_commit") or man.get("commit")
            if commit:
                out.append(("check out the measured commit", f"git checkout {commit[:12]}"))
            cmd = man.get("command")
            if isinstance(cmd, list):
                cmd = shlex.join(map(str, cmd))
            if cmd:
                out.append(("the run (from run.json)", cmd))
            elif run["rows"]:
                reps = next((r["baseline"]["repetitions"] for r in run["rows"]
                             if r["baseline"] and r["regime"] == "hot"), [])
                procs = max((f["processes"] for f in run["frameworks"]), default=3)
                parts = ["scripts/bench", "--seed", str(run["seed"] if run["seed"] is not None else 42),
                         "--processes", str(procs)]
                if reps:
                    parts += ["--repetitions", str(max(reps))]
                ml = run["context"].get("model_latency")
                if ml and ml not in ("none", "0"):
                    parts += ["--model-latency", ml]
                out.append(("the run (reconstructed from its files)", shlex.join(parts)))
            elif run["micro"]:
                out.append(("the run (reconstructed from its files)", "scripts/bench --micro-only"))
            if run["rows"]:
                # Schema 1's bootstrap was seeded; schema 2 has nothing random (and no --seed).
                seed = f"--seed {run['seed']} " if run["schema"] == "legion-compare/1" else ""
                out.append(("the same analysis again (identical numbers)",
                            f"build/release/bin/legion-compare {seed}--json again.json "
                            f"{shlex.quote(sec['dir'])}/*.[0-9]*.json"))
        else:
            run = sec["_run"]
            cmd = run.get("command")
            if isinstance(cmd, list):
                cmd = shlex.join(map(str, cmd))
            if run["commit"]:
                out.append(("check out the measured commit", f"git checkout {run['commit'][:12]}"))
            if cmd:
                out.append(("the stress run (as recorded)", cmd))
            else:
                files = sorted({s["file"] for s in run["scenarios"] if s.get("file")})
                parts = ["build/release/bin/legion-stress", "run"] + files
                if run["time_scale"]:
                    parts += ["--time-scale", f"{run['time_scale']:g}"]
                parts += ["--seed", str(run["seed"]), "--out", sec["dir"]]
                out.append(("the stress run (reconstructed from its results)", shlex.join(parts)))
    out.append(("this report", shlex.join(["scripts/report"] + argv)))
    return out


def _abstract(sections, headline, recs, base_rows):
    parts = []
    for sec in sections:
        if sec["kind"] == "bench" and sec["rows"]:
            fws = [f["name"] for f in sec["frameworks"] if f["name"] != sec["baseline"]]
            parts.append(
                f"We measured {len(fws)} agent frameworks ({', '.join(fws)}) against "
                f"{sec['baseline']} on {len({r['scenario'] for r in sec['rows']})} scenarios in "
                f"{len(sec['regimes'])} regimes, each framework as separate processes on one "
                f"machine, every run validated for identical work. Ratios of mean times come "
                f"with confidence intervals from the project's statistics module.")
        elif sec["kind"] == "stress":
            parts.append(f"We ran {len(sec['scenarios'])} stress scenarios against the LEGION "
                         f"runtime and its durable store, with a zero-loss audit and per-scenario "
                         f"thresholds.")
    for sec in sections:
        if sec["kind"] == "bench" and sec["geomeans"]:
            regime = "hot" if any(g["regime"] == "hot" for g in sec["geomeans"]) else sec["regimes"][0]
            gms = sorted([g for g in sec["geomeans"] if g["regime"] == regime and g["ratio"]],
                         key=lambda g: g["ratio"])
            if gms:
                parts.append(
                    f"In the {charts_bench.regime_title(regime)} regime the geometric mean of the "
                    f"time relative to {sec['baseline']} ranges from {_x(gms[0]['ratio'])} "
                    f"[{_x(gms[0]['lower'])}, {_x(gms[0]['upper'])}] ({gms[0]['framework']}) to "
                    f"{_x(gms[-1]['ratio'])} [{_x(gms[-1]['lower'])}, {_x(gms[-1]['upper'])}] "
                    f"({gms[-1]['framework']}).")
            v = sec["verdicts"]
            parts.append(f"Of {sum(v.values())} compared rows, {v['slower']} are slower than "
                         f"{sec['baseline']}, {v['faster']} faster, {v['equivalent']} equivalent and "
                         f"{v['inconclusive']} inconclusive.")
        elif sec["kind"] == "stress":
            parts += _stress_headline(sec)[:3]
    if base_rows:
        reg = sum(1 for r in base_rows if r["class"] == "regression")
        imp = sum(1 for r in base_rows if r["class"] == "improvement")
        parts.append(f"Against the baseline run: {reg} regressions and {imp} improvements.")
    if recs:
        parts.append(f"{len(recs)} recommendations follow from the rules, each with its evidence.")
    return " ".join(parts)


# ------------------------------------------------------------------------------------- assemble

def build(runs, baseline_runs, argv, threshold, quiet=False):
    n_steps = sum(3 for r in runs if r["kind"] == "bench") + \
        sum(len(r["scenarios"]) for r in runs if r["kind"] == "stress") + 2 + len(baseline_runs)
    progress = Progress(n_steps, quiet)
    sections = []
    for run in runs:
        sections.append(_bench_section(run, progress) if run["kind"] == "bench"
                        else _stress_section(run, progress))
    base_rows, base_info = [], []
    for earlier in baseline_runs:
        progress.step(f"baseline: {_rel(earlier['dir'])}")
        current = next((r for r in runs if r["kind"] == earlier["kind"]), None)
        if current is None:
            continue
        rows = baseline_mod.compare(current, earlier)
        base_rows += rows
        base_info.append({"dir": _rel(earlier["dir"]), "kind": earlier["kind"],
                          "commit": _commit_of(earlier), "current_commit": _commit_of(current)})
    breaches = baseline_mod.breaches(base_rows, threshold)

    progress.step("recommendations")
    fact_list = []
    for sec in sections:
        run = sec["_run"]
        fact_list += facts.bench(run, sec["targets"]) if sec["kind"] == "bench" else facts.stress(run)
    for info in base_info:
        fact_list += facts.regressions([r for r in base_rows if r["kind"] in
                                        (("bench", "micro") if info["kind"] == "bench" else ("stress",))],
                                       info["commit"], info["current_commit"])
    recs = rules_mod.apply(rules_mod.load(), fact_list)

    headline = []
    for sec in sections:
        headline += _bench_headline(sec) if sec["kind"] == "bench" else _stress_headline(sec)
    if base_rows:
        reg = [r for r in base_rows if r["class"] == "regression"]
        headline.append(f"Against the baseline run: {len(reg)} significant regressions, "
                        f"{sum(1 for r in base_rows if r['class'] == 'improvement')} improvements" +
                        (f"; {len(breaches)} beyond the threshold {threshold}x" if threshold else "") + ".")
    base_fig = charts_bench.baseline_forest(base_rows, threshold) if base_rows else None

    progress.step("assembling")
    kinds = sorted({s["kind"] for s in sections})
    title = {("bench",): "Framework comparison", ("stress",): "Stress test",
             ("bench", "stress"): "Framework comparison and stress test"}[tuple(kinds)]
    report = {
        "schema": SCHEMA,
        "title": f"LEGION Bench: {title} report",
        "generated_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "generator": {"commit": _git_commit(), "command": ["scripts/report"] + argv},
        "inputs": [{"dir": s["dir"], "kind": s["kind"], "schema": s.get("schema")} for s in sections],
        "headline": headline,
        "sections": sections,
        "baseline": {"runs": base_info, "rows": base_rows, "threshold": threshold,
                     "breaches": breaches, "figure": base_fig},
        "recommendations": recs,
        "setup": _setup(sections),
        "methodology": _methodology(sections),
        "threats": _threats(sections, base_info),
        "reproducibility": _reproducibility(sections, argv),
    }
    report["abstract"] = _abstract(sections, headline, recs, base_rows)
    progress.done()
    return report


def _commit_of(run):
    if run["kind"] == "bench":
        c = run["context"].get("git_commit") or (run["manifest"] or {}).get("commit")
    else:
        c = run.get("commit")
    return c[:12] if isinstance(c, str) else None


def _clean(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items() if not str(k).startswith("_")
                and k != "svg"}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def as_json(report):
    """report.json: everything but the SVG and the internal references (NaN as null)."""
    doc = _clean(report)
    figs = []

    def collect(obj):
        if isinstance(obj, dict):
            if "svg" in obj and "caption" in obj:
                figs.append({"id": obj["id"], "title": obj["title"], "caption": obj["caption"],
                             "unit": obj["unit"]})
                return
            for v in obj.values():
                collect(v)
        elif isinstance(obj, (list, tuple)):
            for v in obj:
                collect(v)
    collect({k: v for k, v in report.items()})
    doc["figures"] = figs
    return doc
