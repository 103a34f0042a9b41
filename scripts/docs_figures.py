#!/usr/bin/env python3
"""Copies the charts the top-level documents show out of the published reports.

    scripts/docs_figures.py [--check] [--root DIR]

`docs/figures/figures.json` lists, for each SVG file under `docs/figures/`, the report page it
comes from (the `report.html` that scripts/report wrote into a results folder) and the id of
the figure on that page. The chart is copied as it is on the page (matplotlib's SVG, made by
scripts/legion_report), with an XML prolog, so a document's figure is the report's figure and
no chart is drawn by hand. Without --check every listed file is written; with --check nothing
is written and every listed file must equal what its report holds (`ctest -L docs` runs it).

Exit 0 when done (or everything matches), 1 when --check finds a difference or a missing
file, 2 on bad input (the list malformed, a report missing, a figure id not on its page).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

LIST = Path("docs/figures/figures.json")
PROLOG = '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'


class BadInput(Exception):
    pass


def entries(root: Path) -> list[dict[str, str]]:
    path = root / LIST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise BadInput(f"{LIST}: {e}") from e
    rows = data.get("figures") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise BadInput(f"{LIST}: expected an object with a list 'figures'")
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not all(
            isinstance(row.get(k), str) and row.get(k) for k in ("file", "report", "figure")
        ):
            raise BadInput(f"{LIST}: figures[{i}] needs the strings 'file', 'report', 'figure'")
        if "/" in row["file"] or not row["file"].endswith(".svg"):
            raise BadInput(f"{LIST}: figures[{i}].file must be a NAME.svg in docs/figures/")
    return rows


def chart(root: Path, report: str, figure: str, cache: dict[str, str]) -> str:
    """The SVG of one figure of a report page, as a standalone file."""
    if report not in cache:
        try:
            cache[report] = (root / report).read_text(encoding="utf-8")
        except OSError as e:
            raise BadInput(f"{report}: {e.strerror or e}") from e
    page = cache[report]
    match = re.search(r'<figure class="chart" id="' + re.escape(figure) + r'">\s*(<svg\b)', page)
    if not match:
        raise BadInput(f"{report}: no figure with id '{figure}'")
    start = match.start(1)
    end = page.find("</svg>", start)
    if end < 0:
        raise BadInput(f"{report}: figure '{figure}' has no closing </svg>")
    svg = page[start : end + len("</svg>")]
    return PROLOG + svg.replace('<svg class="chart" ', "<svg ", 1) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(prog="docs_figures.py", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    parser.add_argument("--root", default=str(Path(__file__).resolve().parents[1]))
    args = parser.parse_args()
    root = Path(args.root)
    cache: dict[str, str] = {}
    try:
        rows = entries(root)
        wanted = [(row, chart(root, row["report"], row["figure"], cache)) for row in rows]
    except BadInput as e:
        print(f"docs_figures.py: {e}", file=sys.stderr)
        return 2
    problems = 0
    for row, svg in wanted:
        target = root / "docs" / "figures" / row["file"]
        if not args.check:
            target.write_text(svg, encoding="utf-8")
            continue
        try:
            same = target.read_text(encoding="utf-8") == svg
        except OSError:
            same = False
        if not same:
            problems += 1
            print(
                f"docs/figures/{row['file']}: not {row['figure']} of {row['report']} "
                "(scripts/docs_figures.py writes it)"
            )
    if args.check:
        print(f"docs_figures.py --check: {len(wanted)} figures, {problems} differ")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
