"""The report as a person gets it: scripts/report on a real bench run directory (legion-compare
over the compare fixtures, with a framework and a scenario named as markup) and on a stress
directory with a failure result; the page opened in headless Chromium offline (it renders, logs
no console error, requests nothing, runs no injected script), the PDF's pages (pdfinfo,
pdftotext, pdftoppm)."""
import json
import shutil
import subprocess
import unittest

from support import (DATA, HOSTILE_FRAMEWORK, HOSTILE_SCENARIO, TempDirTest, make_bench_run,
                     report)

import legion_report.chromium as chromium

# What the page says about itself once loaded: counts of the elements that matter and its text.
PROBE = """JSON.stringify({
  svgs: document.querySelectorAll('figure svg').length,
  captions: document.querySelectorAll('figcaption').length,
  imgs: document.querySelectorAll('img').length,
  scripts: document.querySelectorAll('script').length,
  onerror: document.querySelectorAll('[onerror]').length,
  sortable: document.querySelectorAll('table.sortable th[title]').length,
  text: document.body.innerText,
  svgText: Array.from(document.querySelectorAll('svg text')).map(t => t.textContent).join('\\n'),
  interactive: (() => {  // sort a table by a column, then filter it by a word
    const table = document.querySelector('table.sortable');
    if (!table) return null;
    table.tHead.rows[0].cells[0].click();
    const sorted = table.tHead.rows[0].cells[0].getAttribute('aria-sort');
    const input = document.querySelector('input.filter[data-for="' + table.id + '"]');
    if (!input) return {sorted: sorted};
    input.value = 'zzz-no-such-row';
    input.dispatchEvent(new Event('input'));
    const shown = Array.from(table.tBodies[0].rows).filter(r => !r.hidden).length;
    return {sorted: sorted, shown: shown,
            label: document.querySelector('.count[data-for="' + table.id + '"]').textContent};
  })()
})"""


class Page(TempDirTest):
    def check_page(self, html):
        seen = chromium.inspect(html, PROBE)
        self.assertEqual(seen["requests"], [], "the page asked the network for something")
        self.assertEqual(seen["console_errors"], [])
        self.assertEqual(seen["exceptions"], [])
        self.assertEqual(seen["log_errors"], [])
        self.assertEqual(seen["dialogs"], [], "an injected script ran")
        page = json.loads(seen["value"])
        self.assertGreater(page["svgs"], 2)
        self.assertEqual(page["svgs"], page["captions"])
        self.assertEqual(page["imgs"], 0)
        self.assertEqual(page["onerror"], 0)
        self.assertEqual(page["scripts"], 1)  # ours
        self.assertEqual(page["interactive"]["sorted"], "ascending")
        if "shown" in page["interactive"]:
            self.assertEqual(page["interactive"]["shown"], 0)
            self.assertRegex(page["interactive"]["label"], r"^0 of \d+ rows$")
        return page

    def check_pdf(self, pdf, min_pages=4):
        info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
        pages = int(next(l for l in info.splitlines() if l.startswith("Pages:")).split()[1])
        self.assertGreaterEqual(pages, min_pages)
        text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True,
                              check=True).stdout
        for heading in ("Abstract", "Setup", "Methodology", "Results", "Threats to validity",
                        "Reproducibility", "Figure 1.", "Table 1."):
            self.assertIn(heading, text)
        subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", pdf,
                        self.tmp / "page"], check=True)
        png = next(self.tmp.glob("page*.png"))
        self.assertGreater(png.stat().st_size, 5000)  # a page with content, not a blank one
        return text

    def test_bench_run_with_markup_in_names(self):
        run = make_bench_run(self.tmp / "run", framework=HOSTILE_FRAMEWORK,
                             scenario=HOSTILE_SCENARIO)
        # A micro-benchmark file of a real run, checked against benchmarks/targets/stress.json:
        # legion-stats check judges by interval (met/missed/inconclusive), and the page once
        # died on a field ('pass') the checker no longer writes.
        shutil.copy(DATA / "report" / "micro" / "stress.json", run / "stress.json")
        r = report(run)
        self.assertEqual(r.returncode, 0, r.stderr)
        for name in ("report.html", "report.pdf", "report.json"):
            self.assertTrue((run / name).is_file(), name)
        page = self.check_page(run / "report.html")
        self.assertIn(HOSTILE_FRAMEWORK, page["text"])
        self.assertIn(HOSTILE_SCENARIO, page["text"])
        self.assertIn(HOSTILE_FRAMEWORK, page["svgText"])  # chart labels are text, escaped
        self.assertIn("Micro-benchmark targets: 3 of 3 met.", page["text"])
        self.assertIn("Micro-benchmark targets", page["svgText"] + page["text"])
        raw = (run / "report.html").read_text()
        self.assertNotIn(HOSTILE_FRAMEWORK, raw)
        self.assertNotIn(HOSTILE_SCENARIO, raw)
        text = self.check_pdf(run / "report.pdf")
        self.assertIn("<img src=x", text)

    def test_stress_run_with_a_failure_timeline(self):
        d = self.copy(DATA / "report" / "stress_fault", "stress")
        r = report(d)
        self.assertEqual(r.returncode, 0, r.stderr)
        page = self.check_page(d / "report.html")
        self.assertIn("failure timeline (db_connection_loss)", page["text"])
        self.assertIn("fault window (injected to healed)", page["svgText"])
        self.assertIn("recovered after 1.80 s", page["svgText"])
        self.check_pdf(d / "report.pdf")


if __name__ == "__main__":
    unittest.main()
