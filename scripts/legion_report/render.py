"""The report dict to HTML with Jinja2: one template, two layouts (the interactive page and the
paper the PDF is printed from). Autoescape is on: a name like `<script>` is text everywhere.
The page is self-contained: CSS, script and SVG charts inline, and a Content-Security-Policy
that forbids any request (the script is allowed by its hash only, so markup that slipped
through could not run either)."""
import base64
import hashlib
from pathlib import Path

import jinja2
from markupsafe import Markup

from .fmt import is_number, f_bytes, f_ci, f_ns, f_num, f_p, f_pct, f_sort, f_x

HERE = Path(__file__).parent


def strip_regime(name, regime):
    suffix = "/" + regime
    return name[: -len(suffix)] if name.endswith(suffix) else name


def _env():
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters.update(ns=f_ns, x=f_x, num=f_num, p=f_p, pct=f_pct, bytes=f_bytes, sortv=f_sort)
    env.globals.update(ci=f_ci, isnum=is_number, ns_fmt=f_ns, num_fmt=f_num, strip_regime=strip_regime)
    return env


def render(report: dict, paper: bool) -> str:
    css = (HERE / "templates" / "report.css").read_text()
    js = (HERE / "templates" / "report.js").read_text()
    digest = base64.b64encode(hashlib.sha256(js.encode()).digest()).decode()
    csp = ("default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; "
           f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'")
    return _env().get_template("report.html.j2").render(
        r=report, paper=paper, css=Markup(css), js=Markup(js), csp=csp,
        svg=lambda fig: Markup(fig["svg"]))
