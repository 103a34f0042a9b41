"""Chart plumbing: one matplotlib style for every figure, and figures out as inline SVG.

SVG text stays text (`svg.fonttype = none`, DejaVu Sans as on the page) and matplotlib escapes
it, so a framework named `<script>` is drawn as those characters; math parsing is off, so a `$`
in a name is a dollar sign. Each figure gets its own id salt: several SVGs in one page must not
share clip-path ids."""
import io
import math
import re

import matplotlib

from . import fmt as render_fmt

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, Locator, LogLocator, NullFormatter  # noqa: E402

# Okabe & Ito's palette: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
VERDICT_COLORS = {"slower": "#D55E00", "faster": "#0072B2", "equivalent": "#009E73",
                  "inconclusive": "#7f7f7f", None: "#bbbbbb"}
WIDTH_IN = 7.0

plt.rcParams.update({
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.titlesize": 9.5,
    "axes.labelsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e4e4e4",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "svg.fonttype": "none",
    "text.parse_math": False,
    "figure.dpi": 100,
})

_counter = [0]


def new_figure(width=WIDTH_IN, height=3.0, **kwargs):
    _counter[0] += 1
    plt.rcParams["svg.hashsalt"] = f"legion-report-{_counter[0]}"
    return plt.subplots(figsize=(width, height), **kwargs)


def to_svg(fig) -> str:
    """The figure as an <svg> element (no XML prolog), sized by the page (viewBox kept)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    # The natural size (pt) is kept, so every chart's text is the same size; the page's CSS
    # shrinks a chart wider than its column (max-width, height auto: the viewBox keeps the shape).
    return svg.replace("<svg ", '<svg class="chart" ', 1)


def human_ns(ns: float) -> str:
    return render_fmt.f_ns(ns)


def ratio_text(x: float) -> str:
    return render_fmt.f_x(x)


class NiceLogLocator(Locator):
    """Ticks at 1-2-5, 1-3 or 1 x 10^k, whichever gives at most `max_ticks` in the view: a
    narrow panel gets fewer labels instead of overlapping ones."""

    def __init__(self, max_ticks=8):
        self.max_ticks = max_ticks

    def __call__(self):
        lo, hi = self.axis.get_view_interval()
        return self.tick_values(lo, hi)

    def tick_values(self, vmin, vmax):
        if vmin > vmax:
            vmin, vmax = vmax, vmin
        if vmin <= 0 or not math.isfinite(vmin) or not math.isfinite(vmax):
            return []
        k0, k1 = math.floor(math.log10(vmin)), math.ceil(math.log10(vmax))
        for subs in ((1, 2, 5), (1, 3), (1,)):
            ticks = [m * 10.0**k for k in range(k0, k1 + 1) for m in subs if vmin <= m * 10.0**k <= vmax]
            if len(ticks) <= self.max_ticks:
                return ticks
        step = 1
        while True:  # every other decade, every third, ...
            step += 1
            ticks = [10.0**k for k in range(k0, k1 + 1) if k % step == 0 and vmin <= 10.0**k <= vmax]
            if len(ticks) <= self.max_ticks:
                return ticks


def log_axis(ax, axis="x", formatter=ratio_text, max_ticks=8):
    """Log scale with plain-number labels (0.5, 1, 10, 1,000) instead of 10^k."""
    getattr(ax, f"set_{axis}scale")("log")
    a = getattr(ax, f"{axis}axis")
    a.set_major_locator(NiceLogLocator(max_ticks))
    a.set_major_formatter(FuncFormatter(lambda v, _: formatter(v)))
    a.set_minor_locator(LogLocator(base=10, subs="auto", numticks=12))
    a.set_minor_formatter(NullFormatter())


def log_limits(lows, highs, pad=1.6, include_one=True):
    vals = [v for v in list(lows) + list(highs) if v is not None and v > 0]
    if include_one:
        vals.append(1.0)
    if not vals:
        return 0.5, 2.0
    return min(vals) / pad, max(vals) * pad


def shorten(text: str, n: int = 46) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def figure(fid, title, caption, svg, unit="", kind="chart"):
    """A figure as the templates and report.json see it."""
    return {"id": fid, "title": title, "caption": caption, "unit": unit, "svg": svg, "kind": kind}
