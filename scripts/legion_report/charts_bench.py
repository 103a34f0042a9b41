"""Charts of a scripts/bench run: forest plots of ratios (log scale), times per scenario with
CIs, memory per framework, the cold start's parts, the micro-benchmark targets, the A/A gate and
the comparison with a baseline run."""
import math

from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .bench_input import display_name
from .charts_common import (PALETTE, VERDICT_COLORS, WIDTH_IN, figure, human_ns, log_axis,
                            log_limits, new_figure, ratio_text, shorten, to_svg)

REGIME_TITLES = {"cold_start": "cold start", "construction": "construction", "hot": "hot invocation",
                 "concurrency": "sustained concurrency"}


def regime_title(regime):
    return REGIME_TITLES.get(regime, regime)


def _verdict_legend(fig, extra=()):
    handles = [Line2D([], [], marker="o", ls="-", color=VERDICT_COLORS[v], label=v, ms=5)
               for v in ("slower", "faster", "equivalent", "inconclusive")]
    fig.legend(handles=list(handles) + list(extra), loc="outside upper center", ncol=6)


def _interval(ax, y, ratio, lo, hi, verdict, size=4.5):
    color = VERDICT_COLORS.get(verdict, VERDICT_COLORS[None])
    if lo is not None and hi is not None and lo > 0:
        ax.plot([lo, hi], [y, y], color=color, lw=1.4, solid_capstyle="butt")
    if ratio is not None and ratio > 0:
        filled = verdict in ("slower", "faster", "equivalent")
        ax.plot([ratio], [y], marker="D" if verdict == "equivalent" else "o", ms=size,
                color=color, mfc=color if filled else "white", mew=1.1)


def geomean_forest(run):
    gms = [g for g in run["geomeans"] if g["ratio"] is not None]
    if not gms:
        return None
    regimes = sorted({g["regime"] for g in gms}, key=lambda r: _regime_rank(r))
    fws = [f["name"] for f in run["frameworks"] if f["name"] != run["baseline"]]
    rows = []
    for regime in regimes:
        for fw in fws:
            g = next((x for x in gms if x["regime"] == regime and x["framework"] == fw), None)
            if g:
                rows.append(g)
    fig, ax = new_figure(WIDTH_IN, 0.9 + 0.22 * (len(rows) + len(regimes)))
    y, ticks, labels, sep, heads = 0, [], [], [], []
    for regime in regimes:
        mine = [g for g in rows if g["regime"] == regime]
        ticks.append(y)
        labels.append(regime_title(regime))
        heads.append(len(labels) - 1)
        y += 1
        for g in mine:
            color = PALETTE[fws.index(g["framework"]) % len(PALETTE)]
            if g["lower"] and g["upper"]:
                ax.plot([g["lower"], g["upper"]], [y, y], color=color, lw=1.6)
            ax.plot([g["ratio"]], [y], "s", color=color, ms=5)
            ax.annotate(f"{ratio_text(g['ratio'])}", (g["upper"] or g["ratio"], y),
                        xytext=(4, 0), textcoords="offset points", va="center", fontsize=7,
                        color="#333")
            ticks.append(y)
            labels.append(shorten(g["framework"], 28))
            y += 1
        sep.append(y - 0.5)
    lo, hi = log_limits([g["lower"] for g in rows], [g["upper"] for g in rows], pad=2.5)
    ax.set_xlim(lo, hi)
    log_axis(ax)
    ax.axvline(1.0, color="#444", lw=0.9, ls="--")
    ax.set_yticks(ticks, labels)
    for i in heads:
        ax.get_yticklabels()[i].set_fontweight("bold")
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(y - 0.5, -0.7)
    for s in sep[:-1]:
        ax.axhline(s, color="#ddd", lw=0.6)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(f"time relative to {run['baseline']} (x, log scale; > 1 = slower than "
                  f"{run['baseline']})")
    return figure("fig-geomeans", "Geometric mean of the ratios per framework and regime",
                  f"Each square is a framework's geometric mean over the scenarios of a regime of "
                  f"mean time / {run['baseline']}'s mean time (dimensionless, log scale), the "
                  f"line its {_level_text(run)} confidence interval as legion-compare computed it. "
                  f"The dashed line is parity with {run['baseline']}.", to_svg(fig), unit="x")


def _regime_rank(regime):
    order = ("cold_start", "construction", "hot", "concurrency")
    return order.index(regime) if regime in order else len(order)


def _level_text(run):
    if run.get("family") or run.get("schema") == "legion-compare/2":
        return "family-wise (simultaneous)"
    lvl = run.get("level") or 0.95
    return f"{lvl:.0%}"


def _strip_regime(name, regime):
    suffix = "/" + regime
    return name[: -len(suffix)] if name.endswith(suffix) else name


def regime_forest(run, regime):
    rows = [r for r in run["rows"] if r["regime"] == regime and not r["aa_control"]]
    if not rows:
        return None
    fws = []
    for r in rows:
        if r["framework"] not in fws:
            fws.append(r["framework"])
    names = []
    for r in rows:
        if r["name"] not in names:
            names.append(r["name"])
    n = len(names)
    fig, axes = new_figure(WIDTH_IN, 1.3 + 0.2 * max(n, 3), ncols=len(fws), sharey=True,
                           squeeze=False, layout="constrained")
    axes = axes[0]
    for ax, fw in zip(axes, fws):
        mine = {r["name"]: r for r in rows if r["framework"] == fw}
        vals = [r for r in mine.values() if r["ratio"]]
        lo, hi = log_limits([r["lower"] or r["ratio"] for r in vals],
                            [r["upper"] or r["ratio"] for r in vals], pad=1.8)
        ax.set_xlim(lo, hi)
        log_axis(ax, max_ticks=3 if len(fws) > 2 else 6)
        margin = run.get("equivalence_margin")
        if margin:
            ax.axvspan(1 / (1 + margin), 1 + margin, color="#009E73", alpha=0.08, lw=0)
        ax.axvline(1.0, color="#444", lw=0.8, ls="--")
        for i, name in enumerate(names):
            r = mine.get(name)
            if r is None:
                continue
            if r["ratio"] is None:
                ax.text(math.sqrt(lo * hi), i, r["status"].replace("_", " "), ha="center",
                        va="center", fontsize=6.5, color="#999", style="italic")
                continue
            _interval(ax, i, r["ratio"], r["lower"], r["upper"], r["verdict"])
        ax.set_title(shorten(fw, 22), fontsize=8.5)
        ax.grid(axis="y", visible=False)
        ax.tick_params(axis="x", labelsize=6.5, rotation=0)
    axes[0].set_yticks(range(n), [shorten(_strip_regime(x, regime), 40) for x in names])
    axes[0].set_ylim(n - 0.5, -0.5)
    fig.supxlabel(f"time relative to {run['baseline']} (x, log scale, per panel)", fontsize=8)
    _verdict_legend(fig, [Patch(color="#009E73", alpha=0.15, label="equivalence margin")]
                    if run.get("equivalence_margin") else [])
    return figure(f"fig-forest-{regime}", f"Ratios per benchmark, {regime_title(regime)} regime",
                  f"Forest plot: for each benchmark and framework the ratio of mean times "
                  f"(framework / {run['baseline']}, log scale, each panel its own range) with its "
                  f"{_level_text(run)} confidence interval; the colour is the verdict read off "
                  f"that interval (filled: a claim; hollow: inconclusive). A dashed line marks "
                  f"parity; the shaded band is the equivalence margin.", to_svg(fig), unit="x")


def regime_times(run, regime, times):
    """Mean time per benchmark and framework with the t interval over process means."""
    rows = [r for r in run["rows"] if r["regime"] == regime and not r["aa_control"]]
    if not rows or not times:
        return None
    fws = [run["baseline"]] + [f["name"] for f in run["frameworks"] if f["name"] != run["baseline"]]
    names = []
    for r in rows:
        if r["name"] not in names:
            names.append(r["name"])
    by_name = {r["name"]: r["benchmark"] for r in rows}
    n = len(names)
    fig, ax = new_figure(WIDTH_IN, 1.2 + 0.24 * n)
    offsets = {fw: (i - (len(fws) - 1) / 2) * 0.14 for i, fw in enumerate(fws)}
    lows, highs = [], []
    for i, name in enumerate(names):
        for fw in fws:
            t = times.get((by_name[name], fw))
            if not t or not t.get("mean"):
                continue
            y = i + offsets[fw]
            color = PALETTE[fws.index(fw) % len(PALETTE)]
            lo, hi = t.get("lower"), t.get("upper")
            if lo is not None and hi is not None:
                lo_plot = lo if lo > 0 else t["mean"] / 10
                ax.plot([lo_plot, hi], [y, y], color=color, lw=1.2)
                lows.append(lo_plot)
                highs.append(hi)
            ax.plot([t["mean"]], [y], "o", color=color, ms=3.6)
            lows.append(t["mean"])
            highs.append(t["mean"])
    if not lows:
        return None
    lo, hi = log_limits(lows, highs, pad=1.5, include_one=False)
    ax.set_xlim(lo, hi)
    log_axis(ax, formatter=lambda v: human_ns(v))
    ax.set_yticks(range(n), [shorten(_strip_regime(x, regime), 40) for x in names])
    ax.set_ylim(n - 0.5, -0.6)
    ax.grid(axis="y", visible=False)
    for i in range(n - 1):
        ax.axhline(i + 0.5, color="#eee", lw=0.5)
    ax.set_xlabel("mean time per operation (log scale)")
    handles = [Line2D([], [], marker="o", color=PALETTE[i % len(PALETTE)], label=shorten(fw, 24), ms=4)
               for i, fw in enumerate(fws)]
    ax.legend(handles=handles, loc="lower center", ncol=min(len(fws), 6), bbox_to_anchor=(0.5, 1.0))
    return figure(f"fig-times-{regime}", f"Time per operation, {regime_title(regime)} regime",
                  "Mean time per operation of each framework (dot; the mean of its process means) "
                  "with the 95% t interval over its processes (line; legion-stats summary, n = "
                  "processes), log scale. An interval reaching below zero is drawn to a tenth of "
                  "the mean.", to_svg(fig), unit="time per operation")


def memory(run):
    """RSS once started (cold start rows) and live heap per agent (construction rows)."""
    rss, heap = {}, {}
    base = run["baseline"]
    for r in run["rows"]:
        for fw, side in ((r["framework"], r["candidate"]), (base, r["baseline"])):
            if not side:
                continue
            c = side["counters"]
            if r["regime"] == "cold_start" and c.get("rss_after_start_bytes"):
                rss.setdefault(fw, c["rss_after_start_bytes"])
            if r["regime"] == "construction" and c.get("heap_per_agent_bytes"):
                heap.setdefault(r["name"], {}).setdefault(fw, c["heap_per_agent_bytes"])
    if not rss and not heap:
        return None
    fws = [base] + [f["name"] for f in run["frameworks"] if f["name"] != base]
    scen = list(heap)
    fig, axes = new_figure(WIDTH_IN, 1.6 + 0.2 * len(fws) + 0.19 * len(scen), nrows=2,
                           gridspec_kw={"height_ratios": [max(len(fws), 1), max(len(scen), 1) * 0.95]},
                           squeeze=False, layout="constrained")
    a1, a2 = axes[0][0], axes[1][0]
    names = [fw for fw in fws if fw in rss]
    vals = [rss[fw] / 2**20 for fw in names]
    a1.barh(range(len(names)), vals, color=[PALETTE[fws.index(fw) % len(PALETTE)] for fw in names],
            height=0.6)
    for i, v in enumerate(vals):
        a1.annotate(f"{v:,.1f} MiB", (v, i), xytext=(3, 0), textcoords="offset points",
                    va="center", fontsize=7)
    a1.set_yticks(range(len(names)), [shorten(n, 24) for n in names])
    a1.set_ylim(len(names) - 0.5, -0.5)
    if vals:
        a1.set_xlim(min(vals) / 2, max(vals) * 4)
    log_axis(a1, formatter=lambda v: f"{v:g}")
    a1.set_xlabel("RSS once started (MiB, log scale)")
    a1.grid(axis="y", visible=False)
    offs = {fw: (i - (len(fws) - 1) / 2) * 0.13 for i, fw in enumerate(fws)}
    for i, s_ in enumerate(scen):
        for fw, v in heap[s_].items():
            a2.plot([v / 1024], [i + offs.get(fw, 0)], "o", ms=3.8,
                    color=PALETTE[fws.index(fw) % len(PALETTE)] if fw in fws else "#999")
    a2.set_yticks(range(len(scen)), [shorten(_strip_regime(x, "construction"), 40) for x in scen])
    a2.set_ylim(len(scen) - 0.5, -0.5)
    log_axis(a2, formatter=lambda v: f"{v:g}")
    a2.set_xlabel("live heap per prepared agent (KiB, log scale)")
    a2.grid(axis="y", visible=False)
    for i in range(len(scen) - 1):
        a2.axhline(i + 0.5, color="#eee", lw=0.5)
    fig.legend(handles=[Line2D([], [], marker="o", ls="", color=PALETTE[i % len(PALETTE)],
                               label=shorten(fw, 20)) for i, fw in enumerate(fws)],
               loc="outside lower center", ncol=min(len(fws), 6))
    return figure("fig-memory", "Memory per framework",
                  "Top: resident set size once the framework started (interpreter and imports "
                  "for a Python framework; legion-bench's rss_after_start_bytes, cold start "
                  "regime), MiB. Bottom: live heap bytes per prepared agent (heap_per_agent_bytes, "
                  "construction regime), KiB; one dot per framework.",
                  to_svg(fig), unit="MiB / KiB")


COLD_PARTS = (("interpreter_ns", "interpreter"), ("import_ns", "imports"),
              ("first_prepare_ns", "first build"), ("first_run_ns", "first run"))


def cold_start_parts(run):
    base = run["baseline"]
    sides = {}
    for r in run["rows"]:
        if r["regime"] != "cold_start":
            continue
        for fw, side in ((base, r["baseline"]), (r["framework"], r["candidate"])):
            if side and side["mean_ns"] and fw not in sides:
                sides[fw] = side
    if not sides:
        return None
    fws = [base] + [f["name"] for f in run["frameworks"] if f["name"] != base and f["name"] in sides]
    fws = [fw for fw in fws if fw in sides]
    fig, ax = new_figure(WIDTH_IN, 0.9 + 0.32 * len(fws))
    colors = ["#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#bbbbbb"]
    for i, fw in enumerate(fws):
        side = sides[fw]
        left = 0.0
        for k, (key, _) in enumerate(COLD_PARTS):
            v = (side["counters"].get(key) or 0) / 1e6
            ax.barh(i, v, left=left, color=colors[k], height=0.6)
            left += v
        rest = side["mean_ns"] / 1e6 - left
        if rest > 0:
            ax.barh(i, rest, left=left, color=colors[-1], height=0.6)
        ax.annotate(f"{side['mean_ns'] / 1e6:,.3g} ms", (side["mean_ns"] / 1e6, i), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=7)
    ax.set_yticks(range(len(fws)), [shorten(f, 20) for f in fws])
    ax.set_ylim(len(fws) - 0.5, -0.5)
    ax.set_xlabel("cold start, mean over processes (ms, linear)")
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, max(s["mean_ns"] for s in sides.values()) / 1e6 * 1.18)
    ax.legend(handles=[Patch(color=c, label=l) for c, (_, l) in zip(colors, COLD_PARTS)] +
              [Patch(color=colors[-1], label="rest")], loc="lower center", ncol=5,
              bbox_to_anchor=(0.5, 1.0))
    return figure("fig-cold-start", "Where the cold start goes",
                  "Cold start (new process to the end of the first run) split into legion-bench's "
                  "counters: starting the interpreter, importing the framework, building the "
                  "first agent, the first run, and the rest; mean over the processes, ms. Linear "
                  "scale: a native runtime's sub-millisecond start is the labelled sliver.",
                  to_svg(fig), unit="ms")


def targets_forest(targets):
    rows = []
    for name, doc in targets.items():
        for t in doc.get("targets", []):
            limit = t.get("max") if t.get("max") is not None else t.get("max_ratio")
            if not isinstance(limit, (int, float)) or limit <= 0 or t.get("measured") is None:
                continue
            ci = t.get("ci") or {}
            rows.append((f"{display_name(str(t.get('benchmark')))} · {t.get('metric')}", t["measured"] / limit,
                         (ci.get("lower") or t["measured"]) / limit,
                         (ci.get("upper") or t["measured"]) / limit, t.get("result")))
    if not rows:
        return None
    fig, ax = new_figure(WIDTH_IN, 0.9 + 0.22 * len(rows))
    colors = {"met": "#009E73", "missed": "#D55E00"}
    for i, (label, v, lo, hi, result) in enumerate(rows):
        color = colors.get(result, "#999999")
        ax.plot([max(lo, 1e-9), hi], [i, i], color=color, lw=1.4)
        ax.plot([v], [i], "o", color=color, ms=4.5)
    lo, hi = log_limits([r[2] for r in rows], [r[3] for r in rows], pad=1.5)
    ax.set_xlim(lo, hi)
    log_axis(ax)
    ax.axvline(1.0, color="#444", ls="--", lw=0.9)
    ax.set_yticks(range(len(rows)), [shorten(r[0], 58) for r in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("measured / limit (log scale; <= 1 meets the target)")
    ax.legend(handles=[Line2D([], [], marker="o", color="#009E73", label="met"),
                       Line2D([], [], marker="o", color="#D55E00", label="missed"),
                       Line2D([], [], marker="o", color="#999999", label="inconclusive")],
              loc="lower center", ncol=3, bbox_to_anchor=(0.5, 1.0))
    return figure("fig-targets", "Micro-benchmark targets",
                  "Each target of benchmarks/targets/ as measured / limit with the interval "
                  "legion-stats check printed (t interval of a mean, bootstrap for a ratio), "
                  "dimensionless, log scale; the dashed line is the limit. The verdict is on the "
                  "point estimate.", to_svg(fig), unit="x of the limit")


def aa_gate(run):
    gate = ((run.get("summary") or {}).get("aa_gate") or {})
    fws = gate.get("frameworks") or {}
    if not fws:
        return None
    bounds = gate.get("bounds") or [0.95, 1.05]
    fig, ax = new_figure(WIDTH_IN, 0.9 + 0.25 * len(fws))
    ax.axvspan(bounds[0], bounds[1], color="#009E73", alpha=0.1, lw=0)
    ax.axvline(1.0, color="#444", ls="--", lw=0.8)
    names = list(fws)
    for i, fw in enumerate(names):
        g = fws[fw]
        ok = g.get("lower") is not None and bounds[0] <= g["lower"] and g.get("upper", 9) <= bounds[1]
        color = "#009E73" if ok else "#D55E00"
        if g.get("lower") and g.get("upper"):
            ax.plot([g["lower"], g["upper"]], [i, i], color=color, lw=1.4)
        if g.get("ratio"):
            ax.plot([g["ratio"]], [i], "o", color=color, ms=4.5)
    lo = min([bounds[0]] + [fws[f].get("lower") or 1 for f in names]) * 0.98
    hi = max([bounds[1]] + [fws[f].get("upper") or 1 for f in names]) * 1.02
    ax.set_xlim(lo, hi)
    ax.set_yticks(range(len(names)), [shorten(n, 24) for n in names])
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(f"A/A control time relative to {run['baseline']}'s process (x)")
    return figure("fig-aa-gate", f"A/A gate: {gate.get('status', 'n/a')}",
                  f"The A/A controls run the same C++ code in every framework's process, so their "
                  f"ratio should be 1; the band is the gate's bounds [{bounds[0]}, {bounds[1]}]. "
                  f"A control outside it means the machine, not the framework, moved.",
                  to_svg(fig), unit="x")


def baseline_forest(rows, threshold, title_what="this run / baseline run"):
    shown = [r for r in rows if r.get("ratio")][:40]
    if not shown:
        return None
    fig, ax = new_figure(WIDTH_IN, 1.0 + 0.2 * len(shown))
    colors = {"regression": "#D55E00", "improvement": "#0072B2", "unchanged": "#009E73",
              "inconclusive": "#7f7f7f"}
    for i, r in enumerate(shown):
        c = colors.get(r["class"], "#bbb")
        if r.get("lower") and r.get("upper"):
            ax.plot([r["lower"], r["upper"]], [i, i], color=c, lw=1.3)
        ax.plot([r["ratio"]], [i], "o", color=c, ms=4, mfc=c if r["class"] != "inconclusive" else "white")
    lo, hi = log_limits([r.get("lower") or r["ratio"] for r in shown],
                        [r.get("upper") or r["ratio"] for r in shown], pad=1.3)
    ax.set_xlim(lo, hi)
    log_axis(ax)
    ax.axvline(1.0, color="#444", ls="--", lw=0.8)
    if threshold:  # worse is above R for times, below 1/R for throughput
        ax.axvline(threshold, color="#D55E00", ls=":", lw=0.9)
        if any(r.get("direction") == "higher" for r in shown):
            ax.axvline(1 / threshold, color="#D55E00", ls=":", lw=0.9)
    ax.set_yticks(range(len(shown)), [shorten(r["row"], 56) for r in shown])
    ax.set_ylim(len(shown) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(f"{title_what} (x, log scale)")
    ax.legend(handles=[Line2D([], [], marker="o", color=c, label=k) for k, c in colors.items()],
              loc="lower center", ncol=4, bbox_to_anchor=(0.5, 1.0))
    more = len([r for r in rows if r.get("ratio")]) - len(shown)
    return figure("fig-baseline", "Against the baseline run",
                  "Ratio of this run to the baseline run per row (value this run / value "
                  "baseline run; for throughput a ratio below 1 is worse) with its interval, "
                  "regressions first" + (f"; the dotted lines are the --fail-on-regression "
                                         f"threshold {threshold} (1/{threshold} for throughput)"
                                         if threshold else "") +
                  (f"; {more} more rows in the table" if more > 0 else "") + ".",
                  to_svg(fig), unit="x")
