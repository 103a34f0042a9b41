"""Charts of a legion-stress run: latency percentiles, the per-bucket time series (throughput,
latency, queue depth, errors), the resource series (RSS, CPU, threads, fds), the bus limit
search, a cross-scenario overview, and a failure timeline (fault window shaded, detection and
recovery marked) for the failure-injection results."""
import hashlib
import math

from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .charts_common import (PALETTE, WIDTH_IN, figure, log_axis, new_figure, shorten, to_svg)

# Event kinds drawn as the window and detection, not as "other events".
INJECT_KINDS = ("inject", "injected", "injection", "heal", "healed", "detect", "detected",
                "detection", "fault_start", "fault_end")
# A legend inside a small panel: framed, so the lines under it stay readable.
INSET = {"frameon": True, "framealpha": 0.85, "edgecolor": "none", "fontsize": 7}
PCTS = (("p50_ms", 50.0), ("p90_ms", 90.0), ("p95_ms", 95.0), ("p99_ms", 99.0),
        ("p999_ms", 99.9))


def compact(v):
    """Axis labels of a narrow panel: 0.5, 20, 1k, 30k, 2M."""
    for unit, scale in (("M", 1e6), ("k", 1e3)):
        if abs(v) >= scale:
            return f"{v / scale:g}{unit}"
    return f"{v:g}"


def _fid(scenario, what):
    """An HTML id for any scenario name (ids must be unique and plain)."""
    safe = "".join(ch if ch.isalnum() else "-" for ch in scenario["name"])[:40]
    return f"fig-{what}-{safe}-{hashlib.sha1(scenario['name'].encode()).hexdigest()[:8]}"


def _pairs(t, v):
    return [(x, y) for x, y in zip(t, v) if x is not None and y is not None]


def _slo(scenario):
    th = scenario["config"].get("thresholds") or {}
    return th.get("p99_ms")


def percentiles(scenario):
    pct = scenario["percentiles"]
    curves = [(k, pct.get(k)) for k in ("latency_corrected", "latency_uncorrected")]
    curves = [(k, c) for k, c in curves if isinstance(c, dict) and c.get("count")]
    if not curves:
        return None
    fig, ax = new_figure(WIDTH_IN * 0.62, 2.6)
    # x: the "nines" of the percentile, so p99 and p99.9 are as far apart as p90 and p99.
    nines = lambda p: -math.log10(1 - p / 100.0)  # noqa: E731
    styles = {"latency_corrected": ("#D55E00", "-", "corrected (from the scheduled start)"),
              "latency_uncorrected": ("#0072B2", "--", "uncorrected (from the actual start)")}
    for key, c in curves:
        xs, ys = [], []
        for k, p in PCTS:
            if isinstance(c.get(k), (int, float)) and c[k] > 0:
                xs.append(nines(p))
                ys.append(c[k])
        color, ls, label = styles[key]
        ax.plot(xs, ys, marker="o", ms=3.5, color=color, ls=ls, label=label)
        if isinstance(c.get("max_ms"), (int, float)):
            ax.plot([nines(99.99)], [c["max_ms"]], marker="^", color=color, ms=4)
    slo = _slo(scenario)
    if isinstance(slo, (int, float)):
        ax.axhline(slo, color="#444", ls=":", lw=0.9, label=f"threshold: p99 <= {slo:g} ms")
    ax.set_xticks([nines(p) for _, p in PCTS] + [nines(99.99)],
                  ["p50", "p90", "p95", "p99", "p99.9", "max"])
    log_axis(ax, "y", formatter=lambda v: f"{v:g}")
    ax.set_ylabel("latency (ms, log)")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=1)
    return figure(_fid(scenario, "pct"), f"{scenario['name']}: latency percentiles",
                  "Latency percentiles (HdrHistogram, ms, log scale) against the percentile on a "
                  "'nines' axis (the inverse CDF's tail spread out); the triangle is the maximum. "
                  "Corrected latencies count from the scheduled start (coordinated omission "
                  "corrected), uncorrected from the actual start.", to_svg(fig), unit="ms")


def timeseries(scenario):
    s = scenario["series"]
    t = s.get("t_s")
    if not t:
        return None
    panels = [("throughput_per_s", "completed/s", "#0072B2"), ("latency_mean_ms", "latency (ms)", "#D55E00"),
              ("queue_depth", "queue depth", "#009E73"), ("error_rate", "error rate", "#CC79A7")]
    panels = [p for p in panels if any(v is not None for v in s.get(p[0], []))]
    if not panels:
        return None
    fig, axes = new_figure(WIDTH_IN, 0.95 * len(panels) + 0.6, nrows=len(panels), sharex=True,
                           squeeze=False)
    axes = axes[:, 0]
    for ax, (key, label, color) in zip(axes, panels):
        pts = _pairs(t, s.get(key, []))
        ax.plot([p[0] for p in pts], [p[1] for p in pts], color=color, lw=1.1, label=label)
        if key == "throughput_per_s":
            st = _pairs(t, s.get("started_per_s", []))
            if st:
                ax.plot([p[0] for p in st], [p[1] for p in st], color="#999", lw=0.9, ls="--",
                        label="started/s")
                ax.legend(loc="upper left", ncol=2, **INSET)
        if key == "latency_mean_ms":
            mx = _pairs(t, s.get("latency_max_ms", []))
            if mx:
                ax.plot([p[0] for p in mx], [p[1] for p in mx], color="#D55E00", lw=0.7, alpha=0.45,
                        label="max")
                ax.legend(["mean", "max"], loc="upper left", ncol=2, **INSET)
        ax.set_ylabel(label, fontsize=7.5)
        ax.set_ylim(bottom=0)
    _restart_marks(axes, scenario)
    axes[-1].set_xlabel("time since the run started (s)")
    bucket = scenario.get("bucket_s")
    return figure(_fid(scenario, "series"), f"{scenario['name']}: throughput, latency, queue",
                  f"Per-bucket series ({bucket:g} s buckets): completions and starts per second, "
                  f"mean and maximum task latency (ms), the store's queue depth (tasks), and the "
                  f"error rate ((fail + info) / invoked)." if bucket else
                  "Per-bucket series: completions per second, latency (ms), queue depth, error rate.",
                  to_svg(fig), unit="per second / ms / tasks")


def _restart_marks(axes, scenario):
    rec = scenario.get("recovery")
    if not rec or rec.get("restart_at_s") is None:
        return
    for ax in axes:
        ax.axvline(rec["restart_at_s"], color="#444", ls=":", lw=0.9)
        if rec.get("recovery_s") is not None:
            ax.axvline(rec["restart_at_s"] + rec["recovery_s"], color="#009E73", ls="-", lw=0.9)


def resources(scenario):
    r = scenario["resources"]
    t = r.get("t_s")
    if not t:
        return None
    fig, axes = new_figure(WIDTH_IN, 2.9, nrows=3, sharex=True, squeeze=False)
    axes = axes[:, 0]
    mem = [("rss_kb", "RSS", "#0072B2"), ("heap_kb", "malloc heap", "#E69F00"),
           ("cache_kb", "SQLite caches", "#009E73")]
    for key, label, color in mem:
        pts = [(x, y / 1024) for x, y in _pairs(t, r.get(key, [])) if y >= 0]
        if pts:
            axes[0].plot([p[0] for p in pts], [p[1] for p in pts], color=color, lw=1.1, label=label)
    axes[0].set_ylabel("MiB", fontsize=7.5)
    axes[0].legend(loc="upper left", ncol=3, **INSET)
    cpu = _pairs(t, r.get("cpu_percent", []))
    axes[1].plot([p[0] for p in cpu], [p[1] for p in cpu], color="#D55E00", lw=1.0)
    axes[1].set_ylabel("CPU %", fontsize=7.5)
    axes[1].set_ylim(bottom=0)
    for key, label, color in (("threads", "threads", "#CC79A7"), ("fds", "open fds", "#56B4E9")):
        pts = _pairs(t, r.get(key, []))
        if pts:
            axes[2].plot([p[0] for p in pts], [p[1] for p in pts], color=color, lw=1.0, label=label)
    axes[2].set_ylabel("count", fontsize=7.5)
    axes[2].legend(loc="upper left", ncol=2, **INSET)
    axes[2].set_xlabel("time since the run started (s)")
    for ax in axes:
        ax.set_ylim(bottom=0)
    _restart_marks(axes, scenario)
    cost = scenario.get("monitor_cpu_percent")
    return figure(_fid(scenario, "res"), f"{scenario['name']}: resources",
                  "The /proc monitor's samples of the processes under test: resident set size, "
                  "malloc's in-use heap and SQLite's page caches (MiB); CPU (% of one core, "
                  "summed over threads); threads and open file descriptors." +
                  (f" The monitor itself used {cost:.2f}% of a core." if cost is not None else ""),
                  to_svg(fig), unit="MiB / % / count")


def limit_search(scenario):
    ls = scenario.get("limit_search")
    steps = (ls or {}).get("steps") or []
    if not steps:
        return None
    fig, ax = new_figure(WIDTH_IN * 0.62, 2.5)
    for st in steps:
        ok = st.get("kept_up")
        ax.plot([st.get("rate")], [st.get("p99_ms")], "o", ms=5,
                color="#009E73" if ok else "#D55E00")
    ax.plot([s.get("rate") for s in steps], [s.get("p99_ms") for s in steps], color="#999", lw=0.8, zorder=0)
    if ls.get("limit_p99_ms"):
        ax.axhline(ls["limit_p99_ms"], color="#444", ls=":", lw=0.9)
    log_axis(ax, "x", formatter=lambda v: f"{v:,.0f}")
    log_axis(ax, "y", formatter=lambda v: f"{v:g}")
    ax.set_xlabel("offered rate (messages/s, log)")
    ax.set_ylabel("p99 bus latency (ms, log)")
    ax.legend(handles=[Line2D([], [], marker="o", ls="", color="#009E73", label="kept up"),
                       Line2D([], [], marker="o", ls="", color="#D55E00", label="fell behind")],
              loc="upper left")
    return figure(_fid(scenario, "limit"), f"{scenario['name']}: throughput limit search",
                  "Each step of the bus limit search: offered rate (messages/s) against the p99 "
                  "latency of the step (ms); a step is kept up with when every message arrived "
                  "and the p99 stayed under the dotted limit.", to_svg(fig), unit="msg/s, ms")


def failure_timeline(scenario):
    """Completions, errors, queue depth and RSS per second around the injected faults: each
    fault window (injection to heal) shaded, its detection dashed, its recovery point marked."""
    fault = scenario.get("fault")
    tl = (fault or {}).get("timeline")
    if not tl:
        return None
    cols = tl["columns"]
    t = cols["t_s"]
    rows = [k for k in ("completed_per_s", "errors_per_s", "queue_depth", "rss_kb") if k in cols]
    fig, axes = new_figure(WIDTH_IN, 0.95 * len(rows) + 0.8, nrows=len(rows), sharex=True,
                           squeeze=False)
    axes = axes[:, 0]
    labels = {"completed_per_s": ("completed/s", "#0072B2"), "errors_per_s": ("errors/s", "#D55E00"),
              "queue_depth": ("queue depth", "#009E73"), "rss_kb": ("RSS (MiB)", "#CC79A7")}
    marked = set(INJECT_KINDS)
    end_of_run = max((x for x in t if x is not None), default=0)
    for ax, key in zip(axes, rows):
        pts = _pairs(t, cols[key])
        if key == "rss_kb":
            pts = [(x, y / 1024) for x, y in pts]
        label, color = labels[key]
        ax.plot([p[0] for p in pts], [p[1] for p in pts], color=color, lw=1.2, drawstyle="steps-post")
        ax.set_ylabel(label, fontsize=7.5)
        ax.set_ylim(bottom=0)
        for w in fault["windows"]:
            if w["injected_at_s"] is not None:
                end = w["healed_at_s"] if w["healed_at_s"] is not None else end_of_run
                ax.axvspan(w["injected_at_s"], end, color="#D55E00", alpha=0.12, lw=0)
            if w["detected_at_s"] is not None:
                ax.axvline(w["detected_at_s"], color="#E69F00", ls="--", lw=0.9)
            if w["recovered_at_s"] is not None:
                ax.axvline(w["recovered_at_s"], color="#009E73", lw=1.3)
        for e in tl["events"]:
            if e["kind"].lower() not in marked:
                ax.axvline(e["t_s"], color="#999", lw=0.5, ls=":")
    top = axes[0]
    if "completed_per_s" in cols and fault.get("baseline_per_s"):
        top.axhline(fault["recovery_fraction"] * fault["baseline_per_s"], color="#0072B2", ls=":",
                    lw=0.8)
    for w in fault["windows"]:
        if w["recovered_at_s"] is not None:
            top.annotate(f"recovered after {w['recovery_s']:.2f} s", (w["recovered_at_s"], 0),
                         xycoords=("data", "axes fraction"), xytext=(4, 4),
                         textcoords="offset points", fontsize=7, color="#009E73")
        elif w["healed_at_s"] is not None:
            top.annotate("no recovery", (w["healed_at_s"], 1), xycoords=("data", "axes fraction"),
                         xytext=(4, -10), textcoords="offset points", fontsize=7, color="#D55E00")
    handles = [Patch(color="#D55E00", alpha=0.2, label="fault window (injected to healed)")]
    if any(w["detected_at_s"] is not None for w in fault["windows"]):
        handles.append(Line2D([], [], color="#E69F00", ls="--", label="detected"))
    if any(w["recovered_at_s"] is not None for w in fault["windows"]):
        handles.append(Line2D([], [], color="#009E73", label="recovered"))
    if any(e["kind"].lower() not in marked for e in tl["events"]):
        handles.append(Line2D([], [], color="#999", ls=":", label="other events"))
    top.legend(handles=handles, loc="lower center", ncol=4, bbox_to_anchor=(0.5, 1.0))
    axes[-1].set_xlabel("time since the run started (s)")
    rec = fault["recovery_s"]
    frac = fault["recovery_fraction"]
    return figure(_fid(scenario, "fault"), f"{scenario['name']}: failure timeline ({fault['name']})",
                  f"Per-second timeline of the '{fault['name']}' run: completions and errors per "
                  f"second, queue depth (tasks) and RSS (MiB). Shaded: each fault window from "
                  f"injection to heal; dashed: detection; solid green: recovery, the start of the "
                  f"first second from which throughput stays >= {frac:.0%} of the pre-fault "
                  f"baseline (dotted) for {fault['hold_s']:g} s with errors under the threshold" +
                  (f" (slowest: {rec:.2f} s after its heal)" if rec is not None
                   else " (not reached)") + "; dotted grey: other events.",
                  to_svg(fig), unit="per second / tasks / MiB")


def overview(run):
    sc = run["scenarios"]
    names = [s["name"] for s in sc]
    p99 = [((s["percentiles"].get("latency_corrected") or {}).get("p99_ms")) for s in sc]
    thr = [s["totals"].get("throughput_per_s") for s in sc]
    fig, axes = new_figure(WIDTH_IN, 0.9 + 0.24 * len(sc), ncols=2, sharey=True, squeeze=False)
    a1, a2 = axes[0]
    for i, s in enumerate(sc):
        color = "#009E73" if s["pass"] else "#D55E00"
        if isinstance(p99[i], (int, float)) and p99[i] > 0:
            a1.barh(i, p99[i], color=color, height=0.6)
        slo = _slo(s)
        if isinstance(slo, (int, float)):
            a1.plot([slo], [i], "|", color="#222", ms=11, mew=1.5)
        if isinstance(thr[i], (int, float)) and thr[i] > 0:
            a2.barh(i, thr[i], color=PALETTE[0], height=0.6)
    a1.set_yticks(range(len(sc)), [shorten(n, 30) for n in names])
    a1.set_ylim(len(sc) - 0.5, -0.5)
    if any(isinstance(v, (int, float)) and v > 0 for v in p99):
        log_axis(a1, formatter=compact, max_ticks=5)
    if any(isinstance(v, (int, float)) and v > 0 for v in thr):
        log_axis(a2, formatter=compact, max_ticks=5)
    a1.set_xlabel("corrected p99 latency (ms, log)")
    a2.set_xlabel("throughput (completed/s over the load, log)")
    for ax in (a1, a2):
        ax.grid(axis="y", visible=False)
    a1.legend(handles=[Patch(color="#009E73", label="scenario passed"),
                       Patch(color="#D55E00", label="failed"),
                       Line2D([], [], marker="|", ls="", color="#222", ms=9, label="p99 threshold")],
              loc="lower center", ncol=3, bbox_to_anchor=(1.0, 1.0))
    return figure("fig-stress-overview", "Stress scenarios at a glance",
                  "Per scenario: the corrected p99 task latency (ms, log; bar colour: the "
                  "scenario's verdict; tick: its p99 threshold) and the throughput over the load "
                  "phase (completed tasks or deliveries per second, log).", to_svg(fig),
                  unit="ms, per second")
