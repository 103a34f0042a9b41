"""`scripts/report DIR... [--baseline DIR]... [--out DIR] [--fail-on-regression R] [--no-pdf]
[--quiet]`: report.html, report.pdf and report.json for scripts/bench run directories and
legion-stress output directories (docs/reports.md).

Exit status: 0 written; 1 written, and a significant regression against the baseline is worse
than --fail-on-regression; 2 bad input or usage (one line on stderr); 3 a tool the report needs
(legion-stats, legion-compare, Chromium) is missing or failed (the files written before it are
named)."""
import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from . import bench_input, stress_input
from .errors import InputError, ToolError


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse prints the whole usage)
        raise InputError(f"{message} (see scripts/report --help)")


def _parser():
    p = _Parser(prog="scripts/report", description=__doc__.split("\n\n")[0],
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dirs", nargs="+", metavar="DIR",
                   help="a scripts/bench run directory or a legion-stress output directory")
    p.add_argument("--baseline", action="append", default=[], metavar="DIR",
                   help="an earlier run of the same kind to compare each row with (repeatable: "
                        "one per kind)")
    p.add_argument("--out", metavar="DIR", help="where the three files go (default: the first DIR)")
    p.add_argument("--fail-on-regression", type=float, metavar="RATIO",
                   help="exit 1 when a significant regression against --baseline is worse than "
                        "RATIO (e.g. 1.10: 10%% slower, or 10%% less throughput)")
    p.add_argument("--no-pdf", action="store_true", help="write the HTML and JSON only")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return p


def load_dir(arg: str) -> dict:
    d = Path(arg)
    if not d.exists():
        raise InputError(f"{arg}: no such directory")
    if not d.is_dir():
        raise InputError(f"{arg}: not a directory")
    if stress_input.looks_like_stress(d):
        return stress_input.load(d)
    if bench_input.looks_like_bench(d):
        return bench_input.load(d)
    raise InputError(f"{arg}: neither a scripts/bench run directory (comparison.json, run.json or "
                     "micro-benchmark JSON) nor a legion-stress output directory (summary.json)")


def _write(path: Path, data: bytes):
    """Written whole or not at all: a temporary file renamed over the target."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it 0600
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    written = []
    try:
        args = _parser().parse_args(argv)
        if args.fail_on_regression is not None and args.fail_on_regression < 1:
            raise InputError(f"--fail-on-regression must be >= 1 (a ratio such as 1.10), got "
                             f"{args.fail_on_regression}")
        if args.fail_on_regression is not None and not args.baseline:
            raise InputError("--fail-on-regression needs --baseline DIR")
        seen = set()
        for d in args.dirs:
            key = Path(d).resolve()
            if key in seen:
                raise InputError(f"{d}: given twice")
            seen.add(key)
        runs = [load_dir(d) for d in args.dirs]
        kinds = [r["kind"] for r in runs]
        for k in set(kinds):
            if kinds.count(k) > 1:
                raise InputError(f"more than one {k} directory: give one of each kind")
        baselines = [load_dir(d) for d in args.baseline]
        for b in baselines:
            if b["kind"] not in kinds:
                raise InputError(f"{b['dir']}: a {b['kind']} directory, but no {b['kind']} "
                                 f"directory to compare it with")
        out = Path(args.out) if args.out else Path(args.dirs[0])
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise InputError(f"{out}: cannot create: {e.strerror}") from None
        if not os.access(out, os.W_OK):
            raise InputError(f"{out}: not writable")

        # matplotlib and Jinja2 only now: bad input is answered without loading them.
        from . import chromium, content, render
        report = content.build(runs, baselines, argv, args.fail_on_regression, args.quiet)
        for name, data in (("report.json", json.dumps(content.as_json(report), indent=1,
                                                      ensure_ascii=False, allow_nan=False).encode()),
                           ("report.html", render.render(report, paper=False).encode())):
            _write(out / name, data)
            written.append(out / name)
        if not args.no_pdf:
            with tempfile.TemporaryDirectory(prefix="legion-report-") as tmp:
                paper = Path(tmp) / "paper.html"
                paper.write_text(render.render(report, paper=True))
                chromium.print_pdf(paper, Path(tmp) / "report.pdf", report["title"])
                _write(out / "report.pdf", (Path(tmp) / "report.pdf").read_bytes())
                written.append(out / "report.pdf")
        for path in written:
            print(path)
        breaches = report["baseline"]["breaches"]
        if breaches:
            worst = breaches[0]
            print(f"report: {len(breaches)} significant regression(s) worse than "
                  f"{args.fail_on_regression}x against the baseline; worst: {worst['row']} "
                  f"{worst['badness']:.3f}x", file=sys.stderr)
            return 1
        return 0
    except InputError as e:
        print(f"report: error: {e}", file=sys.stderr)
        return 2
    except ToolError as e:
        done = f" (written: {', '.join(map(str, written))})" if written else ""
        print(f"report: error: {e}{done}", file=sys.stderr)
        return 3
    except OSError as e:
        print(f"report: error: {e.filename or ''}: {e.strerror}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("report: interrupted", file=sys.stderr)
        return 130
