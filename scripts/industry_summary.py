#!/usr/bin/env python3
"""One table per benchmark from a scripts/bench-industry run directory (the JSON that
legion-industry wrote, nothing else): prints it and writes summary.json beside it."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def load(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def number(value, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def state(result: dict | None) -> str:
    if result is None:
        return "missing"
    status = result.get("status", "?")
    if status == "unsupported":
        return "unsupported: " + result.get("unsupported", "")
    if status == "error":
        return "error: " + result.get("error", "")
    return status


def main(run: Path) -> int:
    frameworks = sorted(p.name for p in run.iterdir() if p.is_dir())
    summary: dict[str, dict] = {}
    lines = ["== tpc (agent transactions per minute at SLO; every class's p90 within its limit) =="]
    for f in frameworks:
        r = load(run / f / "tpc.json")
        head = (r or {}).get("headline") or {}
        summary.setdefault(f, {})["tpc"] = {
            "status": state(r),
            "tx_per_min": head.get("tx_per_min"),
        }
        res = (r or {}).get("resources") or {}
        lines.append(
            f"{f:10} {number(head.get('tx_per_min')):>10} tx/min"
            f"  new_order {number(head.get('new_order_per_min')):>9}/min"
            f"  cpu {number(res.get('cpu_s_per_1000_tx'), 2)} s/1000 tx  [{state(r)}]"
        )
    lines.append("")
    lines.append(
        "== academic (AgentDojo user tasks passed; residual per tool call, ratio to LEGION) =="
    )
    for f in frameworks:
        for path in sorted((run / f).glob("academic-*.json")):
            r = load(path)
            s = (r or {}).get("summary") or {}
            ratio = ((r or {}).get("vs_baseline") or {}).get("tool_call_overhead_ratio")
            suite = path.stem.removeprefix("academic-")
            summary[f].setdefault("academic", {})[suite] = {
                "status": state(r),
                "passed": s.get("passed"),
                "tasks": s.get("tasks"),
                "residual_per_tool_call_ms": s.get("residual_per_tool_call_ms"),
                "ratio_to_legion": ratio,
            }
            lines.append(
                f"{f:10} {suite:10} {s.get('passed', '-')}/{s.get('tasks', '-')} passed"
                f"  {number(s.get('time_per_task_ms'), 2)} ms/task"
                f"  {number(s.get('residual_per_tool_call_ms'), 3)} ms/tool call"
                f"  x{number(ratio, 2)}  [{state(r)}]"
            )
    lines.append("")
    lines.append("== enterprise (documents/s; processing p50/p95/p99/p99.9 ms; exactly-once) ==")
    for f in frameworks:
        r = load(run / f / "enterprise.json")
        head = (r or {}).get("headline") or {}
        p = ((r or {}).get("latency") or {}).get("processing") or {}
        summary[f]["enterprise"] = {
            "status": state(r),
            "docs_per_s": head.get("throughput_docs_per_s"),
            "exactly_once": head.get("exactly_once"),
        }
        lines.append(
            f"{f:10} {number(head.get('throughput_docs_per_s')):>8} docs/s  "
            + "/".join(number(p.get(k)) for k in ("p50_ms", "p95_ms", "p99_ms", "p999_ms"))
            + f" ms  exactly-once {head.get('exactly_once')}  [{state(r)}]"
        )
    lines.append("")
    lines.append("== scalability (USL sigma, kappa [95% CI]; overhead < 1.5x per instance) ==")
    for f in frameworks:
        r = load(run / f / "scalability.json") or {}
        for mode in ("vertical", "horizontal"):
            m = r.get(mode)
            if not m:
                continue
            usl = m.get("usl") or {}
            verdict = (m.get("verdict") or {}).get("result", m.get("error", "-"))
            summary[f].setdefault("scalability", {})[mode] = {"verdict": verdict, "usl": usl}
            if "sigma" in usl:
                sigma, kappa = usl["sigma_ci"], usl["kappa_ci"]
                fit = (
                    f"sigma {usl['sigma']:.4f} [{sigma['lower']:.4f}, {sigma['upper']:.4f}]"
                    f" kappa {usl['kappa']:.5f} [{kappa['lower']:.5f}, {kappa['upper']:.5f}]"
                )
            else:
                fit = usl.get("not_fitted", "")
            lines.append(f"{f:10} {mode:10} {verdict:12} {fit}")
    print("\n".join(lines))
    (run / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_dir():
        print("usage: industry_summary.py RUN_DIR", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1])))
