"""scripts/docs_figures.py on a small tree of its own: it copies a report's figure out as a
standalone SVG, --check catches a figure that no longer matches its report, and bad input is
one line and exit 2."""

import json
import os
import pathlib
import subprocess
import sys
import tempfile
import unittest

SOURCE = pathlib.Path(
    os.environ.get("LEGION_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2])
)
SCRIPT = SOURCE / "scripts" / "docs_figures.py"

PAGE = """<html><body>
<figure class="chart" id="fig-a">
  <svg class="chart" width="10pt" height="10pt" viewBox="0 0 10 10" xmlns="http://www.w3.org/2000/svg">
 <text x="1" y="5">a &amp; b</text>
</svg>
<figcaption>A</figcaption></figure>
<figure class="chart" id="fig-b">
  <svg class="chart" viewBox="0 0 4 4" xmlns="http://www.w3.org/2000/svg">
<rect width="4" height="4"/></svg>
</figure></body></html>
"""


class DocsFigures(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = pathlib.Path(self.tmp.name)
        (self.root / "docs" / "figures").mkdir(parents=True)
        (self.root / "results" / "run").mkdir(parents=True)
        (self.root / "results" / "run" / "report.html").write_text(PAGE)
        self.listing(
            [
                {"file": "a.svg", "report": "results/run/report.html", "figure": "fig-a"},
                {"file": "b.svg", "report": "results/run/report.html", "figure": "fig-b"},
            ]
        )

    def tearDown(self):
        self.tmp.cleanup()

    def listing(self, rows):
        (self.root / "docs" / "figures" / "figures.json").write_text(json.dumps({"figures": rows}))

    def run_script(self, *extra):
        return subprocess.run(
            [sys.executable, str(SCRIPT), "--root", str(self.root), *extra],
            capture_output=True,
            text=True,
            timeout=60,
        )

    def test_writes_each_figure_as_a_standalone_svg(self):
        done = self.run_script()
        self.assertEqual(done.returncode, 0, done.stderr)
        svg = (self.root / "docs" / "figures" / "a.svg").read_text()
        self.assertTrue(svg.startswith("<?xml"))
        self.assertIn('<svg width="10pt"', svg)
        self.assertNotIn('class="chart"', svg)
        self.assertIn("a &amp; b", svg)
        self.assertTrue(svg.rstrip().endswith("</svg>"))
        self.assertNotIn("figcaption", svg)
        self.assertIn("<rect", (self.root / "docs" / "figures" / "b.svg").read_text())

    def test_check_passes_on_what_it_wrote_and_fails_on_a_changed_report(self):
        self.assertEqual(self.run_script().returncode, 0)
        done = self.run_script("--check")
        self.assertEqual(done.returncode, 0, done.stdout)
        self.assertIn("2 figures, 0 differ", done.stdout)
        report = self.root / "results" / "run" / "report.html"
        report.write_text(PAGE.replace("a &amp; b", "a &amp; c"))
        done = self.run_script("--check")
        self.assertEqual(done.returncode, 1)
        self.assertIn("docs/figures/a.svg: not fig-a of results/run/report.html", done.stdout)
        self.assertNotIn("b.svg", done.stdout)

    def test_check_fails_on_a_missing_figure_file(self):
        done = self.run_script("--check")
        self.assertEqual(done.returncode, 1)
        self.assertIn("2 differ", done.stdout)

    def test_bad_input_is_one_line_and_exit_2(self):
        cases = [
            (
                [{"file": "a.svg", "report": "results/run/report.html", "figure": "fig-z"}],
                "no figure with id 'fig-z'",
            ),
            (
                [{"file": "a.svg", "report": "results/none/report.html", "figure": "fig-a"}],
                "results/none/report.html",
            ),
            (
                [{"file": "../a.svg", "report": "results/run/report.html", "figure": "fig-a"}],
                "must be a NAME.svg",
            ),
            ([{"file": "a.svg", "report": "results/run/report.html"}], "needs the strings"),
        ]
        for rows, message in cases:
            with self.subTest(message=message):
                self.listing(rows)
                done = self.run_script()
                self.assertEqual(done.returncode, 2)
                self.assertIn(message, done.stderr)
                self.assertEqual(len(done.stderr.strip().splitlines()), 1)
        (self.root / "docs" / "figures" / "figures.json").write_text("{not json")
        done = self.run_script("--check")
        self.assertEqual(done.returncode, 2)
        self.assertIn("figures.json", done.stderr)


if __name__ == "__main__":
    unittest.main()
