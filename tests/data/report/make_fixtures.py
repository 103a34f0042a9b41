#!/usr/bin/env python3
"""Writes the synthetic inputs of the report tests (rerun to regenerate; deterministic).

- stress_fault/: a legion-stress output directory with two scenarios whose names are markup
  (`<script>`, `<img onerror>`), one of them a failure-injection result in issue 15's shape
  (fault, detect_s, recovery_s, acknowledged/lost/duplicated/unexpected, a per-second
  timeline of rows with "kind: detail" events, faults.per_fault and faults.rule).
- bench_v2/: a scripts/bench run directory in the planned schema legion-compare/2 (contract 14,
  section B) with a run.json manifest (section C): verdicts slower/faster/equivalent/
  inconclusive, family-wise intervals, mde, needs_processes, a disturbed A/A gate and two
  machines; no process files (the report must not need them)."""
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
HOSTILE_SCENARIO = "<img src=x onerror=alert(1)>"
HOSTILE_FAULT = "<script>alert(\"scn\")</script>"


def write(path, doc):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")


def stress_result(name, n=40, bucket=0.5, fault=None):
    t = [round(i * bucket, 3) for i in range(n)]
    thr = [100.0 + 8 * math.sin(i / 3) for i in range(n)]
    depth = [4 + (i % 5) for i in range(n)]
    if fault:
        for i, x in enumerate(t):
            if 8 <= x < 12:
                thr[i], depth[i] = 0.0, 40 + 10 * (x - 8)
            elif 12 <= x < 13.5:
                thr[i], depth[i] = 160.0, 30 - 15 * (x - 12)
    res_t = [round(i * 0.25, 3) for i in range(2 * n)]
    result = {
        "scenario": name, "description": f"Synthetic {name} for the report tests.",
        "file": f"tests/data/report/{name}.json",
        "config": {"name": name, "kind": "load", "load": {"model": "closed", "agents": 10},
                   "thresholds": {"p99_ms": 250, "error_rate": 0.001}},
        "effective": {"agents": 10, "duration_s": n * bucket, "ramp_s": 0, "tasks": 2000,
                      "workers": 2, "model_latency": "fixed:2ms", "stages": []},
        "time_scale": 1.0, "seed": 42, "commit": "0123456789abcdef0123456789abcdef01234567",
        "finished_at": "2026-12-04T10:00:00Z", "duration_s": n * bucket,
        "load": {"model": "closed", "planned": 2000, "started": 2000, "late": 3, "dropped": 0,
                 "agents": 10, "pace_ms": 100.0},
        "totals": {"ok": 2000, "errors": 0, "started": 2000, "late": 3,
                   "throughput_per_s": 100.0, "error_rate": 0.0},
        "audit": {"invoked": 2000, "ok": 2000, "fail": 0, "info": 0, "lost": 0, "unexpected": 0,
                  "duplicated": 0, "recovered": 0, "pending_after_drain": 0, "pass": True},
        "percentiles": {
            "latency_corrected": {"count": 2000, "min_ms": 2.1, "p50_ms": 9.5, "p90_ms": 21.0,
                                  "p95_ms": 30.2, "p99_ms": 88.0, "p999_ms": 140.0,
                                  "max_ms": 151.0, "mean_ms": 12.0},
            "latency_uncorrected": {"count": 2000, "min_ms": 2.1, "p50_ms": 9.0, "p90_ms": 18.0,
                                    "p95_ms": 22.0, "p99_ms": 40.0, "p999_ms": 60.0,
                                    "max_ms": 70.0, "mean_ms": 10.0},
            "bus_latency": {"count": 0}},
        "series": {"bucket_s": bucket, "t_s": t, "throughput_per_s": thr,
                   "started_per_s": [100.0] * n, "error_rate": [0.0] * n, "late": [0] * n,
                   "latency_mean_ms": [10 + (i % 7) for i in range(n)],
                   "latency_max_ms": [30 + (i % 11) for i in range(n)], "queue_depth": depth,
                   "bus_latency_mean_ms": [None] * n,
                   "store_query_mean_ms": [2.0 + (i % 3) * 0.1 for i in range(n)]},
        "resources": {"t_s": res_t, "cpu_percent": [40 + (i % 9) for i in range(2 * n)],
                      "rss_kb": [20000 + 10 * i for i in range(2 * n)],
                      "heap_kb": [4000 + 3 * i for i in range(2 * n)],
                      "cache_kb": [900] * (2 * n), "threads": [12] * (2 * n),
                      "fds": [20] * (2 * n), "read_bytes": [0] * (2 * n),
                      "write_bytes": [0] * (2 * n), "voluntary_switches": [0] * (2 * n),
                      "involuntary_switches": [0] * (2 * n), "samples": 2 * n,
                      "monitor_cpu_percent": 0.2},
        "trends": {"min_window_s": 60.0, "time_factor": 1.0, "note": "slopes per real minute",
                   "rss_kb": {"ci95_per_min": [1100.0, 1300.0], "mann_kendall_p": 0.001,
                              "points": 60, "slope_per_min": 1200.0, "window_s": 15.0}},
        "store": {"backend": "sqlite", "batch": 16, "worker_mode": "threads", "workers": 2},
        "verdicts": [
            {"name": "lost", "limit": "<= 0", "measured": 0.0, "pass": True},
            {"name": "p99_ms", "limit": "<= 250 ms", "measured": 88.0, "pass": True,
             "note": "corrected latency"},
            {"name": "error_rate", "limit": "< 0.001", "measured": 0.0, "pass": True}],
        "pass": True,
    }
    if fault:
        # Issue 15's shape (docs/stress.md on its branch): one row per second, events as
        # "kind: detail", the fault windows in faults.per_fault, the rule's baseline.
        rows = []
        for sec in range(0, int(n * bucket)):
            down = 8 <= sec < 12
            rows.append({"t_s": float(sec), "completed": 0 if down else (160 if sec in (12, 13) else 100),
                         "errors": 25 if down else 0, "expected_failures": 0, "started": 100,
                         "queue_depth": 40 + 10 * (sec - 8) if down else 5,
                         "rss_kb": 20000 + 50 * sec, "events": []})
        rows[8]["events"] = ["store_error: connection reset by peer"]
        rows[10]["events"] = ["worker_exit: worker 2 (signal 9)"]
        result.update({
            "fault": fault, "detect_s": 0.4, "undetected": [], "recovery_s": 1.8,
            "acknowledged": 2000, "lost": 0, "duplicated": 3, "unexpected": 0,
            "stability_after": {"throughput_ratio": 1.01, "throughput_ratio_ci95": [0.97, 1.05]},
            "timeline": rows,
            "faults": {
                "per_fault": [{"type": "reset_peer", "inject_s": 8.0, "heal_s": 12.0,
                               "injected_at_s": 8.0, "healed_at_s": 12.0, "detect_s": 0.4,
                               "detected_by": "store_error", "recovery_s": 1.8,
                               "recovered_at_s": 13.8}],
                "rule": {"baseline": {"per_s": 100.0, "ci95": [98.0, 102.0], "window_s": [1, 8]},
                         "recovery_fraction": 0.9, "hold_s": 3, "error_threshold": 0.01,
                         "recovery_limit_s": 5}},
        })
        result["verdicts"].append({"name": "recovery_s", "limit": "<= 5 s", "measured": 1.8,
                                   "pass": True})
    return result


def stress_fault():
    d = os.path.join(HERE, "stress_fault")
    scenarios = [("fault_scenario.json", stress_result(HOSTILE_SCENARIO, fault="db_connection_loss")),
                 ("load_scenario.json", stress_result(HOSTILE_FAULT))]
    for file, doc in scenarios:
        write(os.path.join(d, file), doc)
    write(os.path.join(d, "summary.json"), {
        "time_scale": 1.0, "seed": 42, "commit": "0123456789abcdef0123456789abcdef01234567",
        "command": ["build/release/bin/legion-stress", "run", "tests/failure_tests", "--seed", "42"],
        "host": {"logical_cpus": 2, "load_avg": [0.5, 0.4, 0.3]},
        "pass": True,
        "scenarios": [{"name": doc["scenario"], "file": doc["file"], "result": f"/elsewhere/{file}",
                       "pass": True, "verdicts": doc["verdicts"]} for file, doc in scenarios]})


def side(mean_ns, procs=3):
    return {"processes": procs, "repetitions": [5] * procs, "mean_ns": mean_ns,
            "median_ns": mean_ns, "counters": {"model_calls": 1, "prompt_tokens": 100,
                                                "completion_tokens": 20},
            "labels": ["00000000000000aa"], "cpu_ns": mean_ns * 0.9,
            "iter_p50_ns": mean_ns * 0.95, "iter_p95_ns": mean_ns * 1.3}


def row(benchmark, framework, base, ratio, lo, hi, verdict, text, needs=None):
    scenario, regime = benchmark.split("/")[0], benchmark.split("/")[-1]
    return {"benchmark": benchmark, "scenario": scenario, "regime": regime,
            "framework": framework, "status": "compared", "reason": None, "flags": [],
            "baseline": side(base), "candidate": side(base * ratio),
            "ci_method": "welch_log_bonferroni", "derived": [], "figures": [],
            "stats": {"ratio": ratio, "ratio_ci": {"lower": lo, "upper": hi, "level": 0.9875},
                      "verdict": verdict, "verdict_text": text, "needs_processes": needs,
                      "mde": 1.12, "rel_half_width": (math.log(hi) - math.log(lo)) / 2,
                      "precise": (math.log(hi) - math.log(lo)) / 2 <= 0.1,
                      "ci_method": "welch_log_bonferroni", "welch_p": 0.001,
                      "welch_p_holm": 0.004, "mann_whitney_p": 0.1, "mann_whitney_p_holm": 0.4,
                      "notes": []}}


def bench_v2():
    d = os.path.join(HERE, "bench_v2")
    fw = HOSTILE_FAULT
    machine = {"id": "0123456789abcdef", "cpu_model": "Synthetic CPU", "logical_cpus": 2,
               "l2_bytes": 2097152, "l3_bytes": 33554432, "governor": "performance",
               "kernel": "6.1.0", "memory_bytes": 25769803776, "virtualization": "kvm"}
    context = {"framework": "legion", "framework_version": "0.1.0", "seed": "42",
               "model_latency": "none", "git_commit": "fedcba9876543210fedcba9876543210fedcba98",
               "num_cpus": 2, "load_avg": [0.4, 0.3, 0.2], "compiler": "GCC 12.2.0",
               "build_type": "Release", "library_build_type": "debug", "machine": machine,
               "calibration_cpp_ns": 100000.0, "date": "2026-12-04T09:00:00+00:00"}
    rows = [
        row(f"{HOSTILE_SCENARIO}/hot", fw, 100000, 3.1, 2.9, 3.3, "slower", "slower"),
        row("simple_task/hot", fw, 50000, 0.5, 0.45, 0.56, "faster", "faster"),
        row("consensus/hot", fw, 80000, 1.02, 0.95, 1.08, "equivalent", "equivalent within 10%"),
        row("multi_agent_workflow/hot", fw, 90000, 1.3, 0.8, 2.1, "inconclusive",
            "inconclusive: needs >= 8 processes", needs=8),
        row("simple_task/construction", fw, 20000, 12.0, 11.0, 13.1, "slower", "slower"),
        row("harness/empty_adapter/hot", fw, 1000, 1.09, 1.06, 1.12, "slower", "slower"),
    ]
    comparison = {
        "schema": "legion-compare/2", "baseline": "legion",
        "ratio": "mean(framework) / mean(baseline)", "unit": "ns", "level": 0.95,
        "alpha": 0.05, "equivalence_margin": 0.1, "resamples": 10000, "seed": 42, "tests": 5,
        "frameworks": [{"name": "legion", "version": "0.1.0", "files": ["legion.1.json"],
                        "context": context},
                       {"name": fw, "version": "9.9", "files": ["x.1.json"],
                        "context": dict(context, framework=fw, framework_version="9.9")}],
        "comparisons": rows,
        "family": {"method": "bonferroni", "alpha": 0.05, "looks": 2,
                   "per_framework_rows": {fw: 5}},
        "geometric_means": [{"framework": fw, "regime": "hot", "ratio": 1.2,
                             "ci": {"lower": 1.05, "upper": 1.4, "level": 0.95},
                             "method": "propagated", "benchmarks": 4, "scenarios": 4,
                             "excluded": []},
                            {"framework": fw, "regime": "construction", "ratio": 12.0,
                             "ci": {"lower": 11.0, "upper": 13.1, "level": 0.95},
                             "method": "propagated", "benchmarks": 1, "scenarios": 1,
                             "excluded": []}],
        "summary": {"inconclusive": [{"benchmark": "multi_agent_workflow/hot", "framework": fw,
                                      "needs_processes": 8}],
                    "imprecise": [],
                    "aa_gate": {"status": "disturbed", "bounds": [0.95, 1.05],
                                "frameworks": {fw: {"ratio": 1.09, "lower": 1.06, "upper": 1.12,
                                                    "processes": 3,
                                                    "outlying_processes": ["x.2.json"]}}},
                    "machines": {"ids": ["0123456789abcdef", "fedcba9876543210"], "mixed": True}},
        "criteria": [], "warnings": [],
    }
    write(os.path.join(d, "comparison.json"), comparison)
    write(os.path.join(d, "run.json"), {
        "command": ["scripts/bench", "--seed", "42", "--budget", "600"], "seed": 42,
        "budget": "600 s", "commit": "fedcba9876543210fedcba9876543210fedcba98",
        "machine": machine, "calibration": {"cpp_loop_ns": 100000, "cpython_loop_ns": 2500000},
        "processes": [{"file": "legion.1.json", "framework": "legion", "exit_status": 0,
                       "interference": {"loadavg": 0.6, "steal": 0.0,
                                        "involuntary_context_switches": 12},
                       "flagged": False, "kept": True}]})


if __name__ == "__main__":
    stress_fault()
    bench_v2()
