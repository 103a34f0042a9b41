"""Recommendations: the rules of rules.toml applied to the facts (facts.py).

Each recommendation carries its evidence: the metric, the value, the threshold, the comparison
and the row the value comes from, so a reader can check it against the tables."""
import math
import operator
import tomllib
from pathlib import Path

from .errors import InputError

RULES_FILE = Path(__file__).with_name("rules.toml")
OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
       "==": operator.eq, "!=": operator.ne}
SEVERITIES = ("high", "medium", "low")
SELECTS = ("all", "first", "worst")
REQUIRED = ("id", "metric", "op", "threshold", "severity", "title", "text")


def load(path: Path = RULES_FILE) -> list:
    """The rules, validated; InputError naming the file and rule on a mistake."""
    try:
        doc = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise InputError(f"{path}: {e}") from None
    rules = doc.get("rule")
    if not isinstance(rules, list) or not rules:
        raise InputError(f"{path}: no [[rule]] entries")
    seen = set()
    for i, r in enumerate(rules):
        where = f"{path}: rule {r.get('id', i)}"
        for key in REQUIRED:
            if key not in r:
                raise InputError(f"{where}: '{key}' is missing")
        if r["op"] not in OPS:
            raise InputError(f"{where}: op '{r['op']}' is not one of {' '.join(OPS)}")
        if r["severity"] not in SEVERITIES:
            raise InputError(f"{where}: severity '{r['severity']}' is not one of {SEVERITIES}")
        if r.get("select", "all") not in SELECTS:
            raise InputError(f"{where}: select '{r['select']}' is not one of {SELECTS}")
        if r.get("group_by") and r.get("select", "all") != "all":
            raise InputError(f"{where}: group_by needs select 'all'")
        if r.get("select") == "first" and not r.get("by"):
            raise InputError(f"{where}: select 'first' needs 'by'")
        if not isinstance(r["threshold"], (int, float)) or isinstance(r["threshold"], bool):
            raise InputError(f"{where}: threshold must be a number")
        if r["id"] in seen:
            raise InputError(f"{where}: id used twice")
        seen.add(r["id"])
    return rules


def value_text(value, unit):
    """A fact's value as a reader expects it: 1,843x, 62%, 176 MiB."""
    if unit == "share":
        return f"{value:.0%}"
    if unit == "x":
        return f"{value:,.0f}x" if abs(value) >= 100 else f"{value:.3g}x"
    return f"{value:,.4g} {unit}".rstrip()


def _worst_first(rule, facts):
    # "Worst" is furthest past the threshold in the direction the comparison looks.
    sign = -1 if rule["op"] in (">", ">=") else 1
    return sorted(facts, key=lambda f: sign * f["value"])


def _text(rule, fact, extra):
    fields = {**fact, **extra, "threshold": rule["threshold"]}
    try:
        return rule["text"].format(**fields)
    except (KeyError, ValueError, IndexError) as e:
        raise InputError(f"{RULES_FILE}: rule {rule['id']}: its text cannot be filled from a "
                         f"'{rule['metric']}' fact ({type(e).__name__}: {e})") from None


def _evidence(rule, fact):
    return {"metric": fact["metric"], "value": fact["value"], "unit": fact["unit"],
            "op": rule["op"], "threshold": rule["threshold"], "row": fact["row"]}


def apply(rules: list, facts: list) -> list:
    """Recommendations, high severity first, in the rule file's order within a severity."""
    out = []
    for rule in rules:
        test = OPS[rule["op"]]
        mine = [f for f in facts if f["metric"] == rule["metric"]
                and isinstance(f["value"], (int, float)) and not math.isnan(f["value"])]
        hits = [f for f in mine if test(f["value"], rule["threshold"])]
        if not hits:
            continue
        select = rule.get("select", "all")
        extra = {}
        if select == "first":
            by = rule["by"]
            hits = sorted([f for f in hits if isinstance(f.get(by), (int, float))], key=lambda f: f[by])[:1]
            if not hits:
                continue
            under = [f for f in mine if isinstance(f.get(by), (int, float)) and f[by] < hits[0][by]
                     and not test(f["value"], rule["threshold"])]
            if under:
                best = max(under, key=lambda f: f[by])
                extra["below"] = f"; at {best[by]:g} {by} ({best['row']}) it was {best['value']:,.4g} {best['unit']}".rstrip()
            else:
                extra["below"] = ""
            evidence_extra = [_evidence(rule, best)] if under else []
        elif rule.get("group_by"):
            groups = {}
            for f in _worst_first(rule, hits):
                groups.setdefault(str(f.get(rule["group_by"])), []).append(f)
            for members in list(groups.values())[: rule.get("max", 5)]:
                worst = members[0]
                listing = "; ".join(f"{f['row']} {value_text(f['value'], f['unit'])}" for f in members)
                out.append({
                    "id": rule["id"], "severity": rule["severity"], "title": rule["title"],
                    "text": _text(rule, worst, {"count": len(members), "all": listing}),
                    "evidence": [_evidence(rule, f) for f in members],
                })
            continue
        else:
            hits = _worst_first(rule, hits)[:1 if select == "worst" else rule.get("max", 5)]
            evidence_extra = []
        for fact in hits:
            out.append({
                "id": rule["id"],
                "severity": rule["severity"],
                "title": rule["title"],
                "text": _text(rule, fact, extra),
                "evidence": [_evidence(rule, fact)] + evidence_extra,
            })
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(out, key=lambda r: rank[r["severity"]])
