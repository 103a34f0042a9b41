#!/usr/bin/env python3
"""Writes the synthetic legion-bench outputs the compare tests read (rerun to regenerate; seeded).

Frameworks: legion (3 processes), slow (3 processes, every time exactly 2x legion's mean),
direct (3 processes: faster, one unsupported benchmark, one failed, one doing different work;
processes 2 and 3 come from a second generator so the files written before them stay as they
were)."""
import json
import random

BENCHMARKS = {  # name -> (legion mean us, model_calls, prompt_tokens, completion_tokens, hash)
    "simple_task/construction": (20.0, 0, 0, 0, "00000000000000c1"),
    "simple_task/hot": (100.0, 1, 120, 40, "1a2b3c4d5e6f7081"),
    "multi_agent_workflow/hot": (300.0, 3, 400, 150, "2b3c4d5e6f708192"),
    "large_context_retrieval/docs=1000/hot": (500.0, 1, 2000, 60, "3c4d5e6f708192a3"),
    "large_context_retrieval/docs=10000/hot": (900.0, 1, 2000, 60, "4d5e6f708192a3b4"),
    "code_generation_execution/hot": (5000.0, 2, 300, 200, "5e6f708192a3b4c5"),
    "concurrent_execution/agents=64/concurrency": (2000.0, 64, 7680, 2560, "6f708192a3b4c5d6"),
}


def context(framework, seed=42):
    return {"date": "2026-11-24T08:00:00+00:00", "host_name": "fixture", "executable": "legion-bench",
            "num_cpus": 2, "mhz_per_cpu": 2000, "cpu_scaling_enabled": False, "caches": [],
            "load_avg": [0.5, 0.5, 0.5], "library_build_type": "debug", "framework": framework,
            "framework_version": "0.1.0", "seed": seed, "model_latency": "none",
            "git_commit": "31151f3", "compiler": "g++ 12.2.0", "build_type": "Release",
            "cpu_governor": "performance", "load_average": "0.50"}


def entry(name, rep, mean_us, calls, tin, tout, label, rng):
    t = rng.gauss(mean_us, 0.02 * mean_us)
    return {"name": name, "family_index": 0, "per_family_instance_index": 0, "run_name": name,
            "run_type": "iteration", "repetitions": 5, "repetition_index": rep, "threads": 1,
            "iterations": 1000, "real_time": t, "cpu_time": t, "time_unit": "us",
            "model_calls": calls, "tool_calls": 1, "prompt_tokens": tin, "completion_tokens": tout,
            "model_ns": 0, "residual_ns": t * 1e3, "rss_bytes": 1e7, "allocs_per_op": 3,
            "validated": 1, "label": label}


def error(name, rep, message):
    return {"name": name, "run_name": name, "run_type": "iteration", "repetitions": 5,
            "repetition_index": rep, "threads": 1, "iterations": 0, "real_time": 0, "cpu_time": 0,
            "time_unit": "us", "error_occurred": True, "error_message": message}


def aggregate(name, kind, value):
    return {"name": name + "_" + kind, "run_name": name, "run_type": "aggregate",
            "aggregate_name": kind, "repetitions": 5, "threads": 1, "iterations": 5,
            "real_time": value, "cpu_time": value, "time_unit": "us"}


def write(path, framework, scale, rng, special=None):
    special = special or {}
    benchmarks = []
    for name, (mean, calls, tin, tout, label) in BENCHMARKS.items():
        how = special.get(name)
        for rep in range(5):
            if how and how[0] == "error":
                benchmarks.append(error(name, rep, how[1]))
                continue
            c, l = (how[1], how[2]) if how and how[0] == "different" else (calls, label)
            benchmarks.append(entry(name, rep, mean * scale, c, tin, tout, l, rng))
        if not how or how[0] != "error":
            benchmarks.append(aggregate(name, "mean", mean * scale))
            benchmarks.append(aggregate(name, "stddev", 0.0))
    with open(path, "w") as f:  # one benchmark entry per line: small, readable diffs
        f.write('{"context": ' + json.dumps(context(framework)) + ',\n "benchmarks": [\n  ')
        f.write(",\n  ".join(json.dumps(b) for b in benchmarks))
        f.write("\n]}\n")


rng = random.Random(20261124)
for k in (1, 2, 3):
    write(f"legion.{k}.json", "legion", 1.0, rng)
    write(f"slow.{k}.json", "slow", 2.0, rng)
DIRECT = {
    "multi_agent_workflow/hot": ("error", "unsupported: direct has no agents"),
    "code_generation_execution/hot": ("error", "validation failed: wrong answer"),
    "large_context_retrieval/docs=10000/hot": ("different", 2, "ffffffffffffffff"),
}
write("direct.1.json", "direct", 0.5, rng, DIRECT)
with open("no_framework.json", "w") as f:
    c = context("legion")
    del c["framework"]
    json.dump({"context": c, "benchmarks": [entry("simple_task/hot", 0, 1, 1, 1, 1, "1", rng)]}, f)
    f.write("\n")
with open("malformed.json", "w") as f:
    f.write('{"context": {"framework": "legion"}, "benchmarks": [\n')
rng = random.Random(20261204)
for k in (2, 3):
    write(f"direct.{k}.json", "direct", 0.5, rng, DIRECT)
