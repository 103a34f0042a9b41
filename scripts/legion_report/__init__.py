"""LEGION Bench reports: one HTML page, a paper-style PDF and a JSON twin, from the JSON that
scripts/bench (a run directory) and legion-stress (an output directory) write.

Layout: inputs (bench_input, stress_input: the only code that knows the tools' formats),
tools (legion-compare / legion-stats, the one source of statistics), baseline, rules
(recommendations from rules.toml), content (the report as data), charts_* (matplotlib to
inline SVG), render (Jinja2 -> HTML), chromium (DevTools over a pipe: PDF and page checks),
cli (the `scripts/report` command)."""

SCHEMA = "legion-report/1"
