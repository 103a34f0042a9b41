"""Number formatting shared by the page, the paper and the charts: times with their unit,
ratios, p-values, shares, bytes; "–" for a missing value."""
import math


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and not math.isnan(v) \
        and not math.isinf(v)


def f_ns(v):
    if not is_number(v):
        return "–"
    a = abs(v)
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if a >= scale:
            return f"{v / scale:,.3g} {unit}"
    return f"{v:.3g} ns"


def f_x(v):
    if not is_number(v):
        return "–"
    # An interval over 2 processes can reach 1e27: 3 significant digits, not 28 of them.
    if abs(v) >= 1e6:
        return f"{v:.3g}"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:.0f}"
    return f"{v:.3g}"


def f_ci(lo, hi, fmt=f_x):
    if not is_number(lo) or not is_number(hi):
        return ""
    return f"[{fmt(lo)}, {fmt(hi)}]"


def f_num(v, digits=3):
    if not is_number(v):
        return "–" if v is None else str(v)
    if v == int(v) and abs(v) < 1e15:
        return f"{int(v):,}"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.{digits}g}"


def f_p(v):
    if not is_number(v):
        return "–"
    if v < 1e-4:
        return f"{v:.1e}"
    return f"{v:.4f}".rstrip("0").rstrip(".") if v < 1 else "1"


def f_pct(v, digits=1):
    return f"{v * 100:.{digits}f}%" if is_number(v) else "–"


def f_bytes(v):
    if not is_number(v):
        return "–"
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if abs(v) >= scale:
            return f"{v / scale:,.1f} {unit}"
    return f"{v:,.0f} B"


def f_sort(v):
    """A data-v attribute value the table script sorts numerically."""
    return repr(float(v)) if is_number(v) else ""


