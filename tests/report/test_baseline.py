"""--baseline DIR: each row against the same row of an earlier run through legion-compare /
legion-stats, regressions first, and --fail-on-regression's exit status."""
import json
import unittest

from support import DATA, TempDirTest, make_bench_run, report


class Baseline(TempDirTest):
    def setUp(self):
        super().setUp()
        self.before = make_bench_run(self.tmp / "before")
        # The same processes, but the second framework's simple_task 1.5x slower.
        self.after = make_bench_run(self.tmp / "after", slow_factor=1.5)

    def rows(self):
        return json.loads((self.after / "report.json").read_text())["baseline"]["rows"]

    def test_regressions_first_with_their_interval(self):
        r = report(self.after, "--baseline", self.before, "--no-pdf")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = self.rows()
        self.assertEqual([x["class"] for x in rows[:2]], ["regression", "regression"])
        self.assertTrue(all(x["row"].startswith("simple_task/") for x in rows[:2]))
        for x in rows[:2]:
            self.assertAlmostEqual(x["ratio"], 1.5, delta=0.05)
            self.assertLess(x["lower"], x["ratio"])
            self.assertGreater(x["upper"], x["ratio"])
            self.assertIn("legion-compare", x["method"])
        self.assertNotIn("regression", [x["class"] for x in rows[2:]])
        recs = json.loads((self.after / "report.json").read_text())["recommendations"]
        self.assertIn("benchmark-regression", [x["id"] for x in recs])

    def test_threshold_exits_1_only_beyond_it(self):
        r = report(self.after, "--baseline", self.before, "--no-pdf", "--fail-on-regression", "1.2")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("2 significant regression(s) worse than 1.2x", r.stderr)
        r = report(self.after, "--baseline", self.before, "--no-pdf", "--fail-on-regression", "2")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_improvement_is_not_a_regression(self):
        r = report(self.before, "--baseline", self.after, "--no-pdf", "--fail-on-regression", "1.01")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = json.loads((self.before / "report.json").read_text())["baseline"]["rows"]
        self.assertEqual([x["class"] for x in rows[:2]], ["improvement", "improvement"])

    def test_stress_rows_compare_throughput_and_latency(self):
        d = self.copy(DATA / "report" / "stress_fault", "stress")
        r = report(d, "--baseline", DATA / "report" / "stress_fault", "--no-pdf")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = json.loads((d / "report.json").read_text())["baseline"]["rows"]
        self.assertEqual(len(rows), 4)  # two scenarios x (throughput, latency)
        for x in rows:  # the same run: no change either way, whatever the interval's width
            self.assertIn(x["class"], ("unchanged", "inconclusive"), x)
            self.assertAlmostEqual(x["ratio"], 1.0)

    def test_a_baseline_of_the_other_kind_is_bad_input(self):
        r = report(self.after, "--baseline", DATA / "report" / "stress_fault", "--no-pdf")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no stress directory to compare it with", r.stderr)


if __name__ == "__main__":
    unittest.main()
