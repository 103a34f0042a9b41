#!/usr/bin/env python3
"""Recomputes a legion-stress failure result's recovery and detection from its timeline alone
and checks them against the figures the run reported (docs/stress.md, "Failure scenarios").

    scripts/stress_recovery.py RESULT.json|DIR [...]     (a DIR: its *.json but summary.json)

Exit 0 when every recomputed recovery_s equals the reported one (within 1 ms); 1 otherwise,
naming the fault; 2 on a file that is not a failure result.
"""

import json
import math
import os
import sys


def errors_ok(row, rule):
    unplanned = max(0.0, row["errors"] - row["expected_failures"])
    finished = row["completed"] + unplanned
    share = unplanned / finished if finished > 0 else 0.0
    threshold = rule["error_threshold"]
    return share < threshold if threshold > 0 else share == 0.0


def recovery(rows, heal_s, baseline, rule, usable_to):
    """The first second at or after the heal's that is back at recovery_fraction x baseline and
    starts hold_s seconds that stay there on average, each without errors."""
    hold = int(round(rule["hold_s"]))
    floor_rate = rule["recovery_fraction"] * baseline
    first = math.floor(heal_s)
    for i, row in enumerate(rows):
        if row["t_s"] < first - 1e-9:
            continue
        if i + hold > len(rows) or rows[i + hold - 1]["t_s"] + 1.0 > usable_to + 1e-9:
            return None
        window = rows[i : i + hold]
        if (
            row["completed"] >= floor_rate
            and all(errors_ok(r, rule) for r in window)
            and sum(r["completed"] for r in window) >= floor_rate * hold
        ):
            return max(0.0, row["t_s"] - heal_s)
    return None


def check(path):
    with open(path) as f:
        result = json.load(f)
    if "timeline" not in result or "faults" not in result:
        print(f"{path}: not a failure result (no timeline)", file=sys.stderr)
        return 2
    rows = result["timeline"]
    rule = result["faults"]["rule"]
    baseline = rule["baseline"]
    if baseline is None:
        print(f"{path}: no baseline to recompute against")
        return 1
    # The baseline: mean completions per second over its window.
    lo, hi = baseline["window_s"]
    window = [r["completed"] for r in rows if r["t_s"] >= lo and r["t_s"] + 1.0 <= hi + 1e-9]
    per_s = sum(window) / len(window)
    status = 0
    if abs(per_s - baseline["per_s"]) > 1e-6:
        print(f"{path}: baseline {per_s} recomputed, {baseline['per_s']} reported")
        status = 1
    faults = result["faults"]["per_fault"]
    for k, fault in enumerate(faults):
        if fault.get("healed_at_s") is None or fault["healed_at_s"] < 0 or fault.get("error"):
            continue
        # Recovery is looked for until the next fault's injection or the end of the load.
        nxt = faults[k + 1].get("injected_at_s") if k + 1 < len(faults) else None
        usable_to = rule["load_until_s"]
        if nxt is not None and nxt >= 0:
            usable_to = min(usable_to, nxt)
        mine = recovery(rows, fault["healed_at_s"], per_s, rule, usable_to)
        theirs = fault.get("recovery_s")
        same = (mine is None and theirs is None) or (
            mine is not None and theirs is not None and abs(mine - theirs) < 1e-3
        )
        print(
            f"{path}: {fault['type']}: recovery_s recomputed {mine}, reported {theirs}"
            f"{'' if same else '  MISMATCH'}"
        )
        if not same:
            status = 1
    return status


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    paths = []
    for arg in argv[1:]:
        if os.path.isdir(arg):
            paths += sorted(
                os.path.join(arg, f)
                for f in os.listdir(arg)
                if f.endswith(".json") and f != "summary.json"
            )
        else:
            paths.append(arg)
    if not paths:
        print(f"no result files in {' '.join(argv[1:])}", file=sys.stderr)
        return 2
    return max(check(path) for path in paths)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
