"""The input layer, the rules and bad input, without a browser: each run is scripts/report
--no-pdf or a direct call into the package."""
import json
import math
import string
import unittest

from support import DATA, ROOT, TempDirTest, report

import legion_report.bench_input as bench_input
import legion_report.facts as facts
import legion_report.fmt as fmt
import legion_report.rules as rules
import legion_report.stress_input as stress_input

FIXTURES = DATA / "report"
PUBLISHED = ROOT / "results" / "2026-12-02-five-frameworks"


class BenchInput(unittest.TestCase):
    def test_schema_1_published_run(self):
        run = bench_input.load(PUBLISHED)
        self.assertEqual(run["schema"], "legion-compare/1")
        self.assertEqual(len(run["rows"]), 184)
        verdicts = {r["verdict"] for r in run["rows"] if r["verdict"]}
        self.assertLessEqual(verdicts, set(bench_input.VERDICTS))
        # schema 1's wording is kept as text, mapped onto the four verdicts
        row = next(r for r in run["rows"] if r["verdict_text"] == "no significant difference")
        self.assertEqual(row["verdict"], "inconclusive")
        self.assertEqual(sorted(run["process_files"]), sorted(f["name"] for f in run["frameworks"]))
        self.assertEqual(set(run["micro"]), {"microbench", "stats", "bridge", "stress"})

    def test_schema_2_fields_are_read(self):
        run = bench_input.load(FIXTURES / "bench_v2")
        self.assertEqual(run["schema"], "legion-compare/2")
        row = next(r for r in run["rows"] if r["verdict"] == "inconclusive")
        self.assertEqual(row["needs_processes"], 8)
        self.assertEqual(row["verdict_text"], "inconclusive: needs >= 8 processes")
        self.assertAlmostEqual(row["mde"], 1.12)
        self.assertAlmostEqual(row["candidate"]["cpu_ns"], 90000 * 1.3 * 0.9)
        self.assertTrue(next(r for r in run["rows"] if r["scenario"] == "harness")["aa_control"])
        self.assertEqual(run["summary"]["aa_gate"]["status"], "disturbed")
        self.assertEqual(run["machine"]["cpu_model"], "Synthetic CPU")
        self.assertEqual(run["manifest"]["budget"], "600 s")

    def test_display_name_drops_google_benchmark_suffixes(self):
        self.assertEqual(bench_input.display_name(
            "simple_task/cold_start/iterations:1/repeats:1/manual_time"), "simple_task/cold_start")
        self.assertEqual(bench_input.display_name("a/docs=10/hot/real_time"), "a/docs=10/hot")


class StressInput(unittest.TestCase):
    def test_failure_result_gives_the_fault_window_and_recovery_point(self):
        run = stress_input.load(FIXTURES / "stress_fault")
        fault = next(s for s in run["scenarios"] if s["fault"])["fault"]
        self.assertEqual(fault["name"], "db_connection_loss")
        (w,) = fault["windows"]
        self.assertEqual((w["label"], w["injected_at_s"], w["healed_at_s"]), ("reset_peer", 8.0, 12.0))
        self.assertAlmostEqual(w["detected_at_s"], 8.4)
        self.assertAlmostEqual(w["recovered_at_s"], 13.8)
        self.assertEqual(fault["baseline_per_s"], 100.0)
        cols = fault["timeline"]["columns"]
        self.assertEqual(len(cols["t_s"]), 20)
        self.assertEqual(cols["completed_per_s"][8:13], [0, 0, 0, 0, 160])  # from `completed`
        self.assertEqual([(e["t_s"], e["kind"]) for e in fault["timeline"]["events"]],
                         [(8.0, "store_error"), (10.0, "worker_exit")])
        self.assertEqual(run["logical_cpus"], 2)

    def test_timeline_as_arrays_with_the_window_from_events(self):
        raw = {"fault": "agent_failure", "recovery_s": 0.5, "detect_s": 0.2,
               "timeline": {"t_s": [0, 1, 2, 3], "completed_per_s": [5, 0, 4, 5],
                            "events": [{"kind": "inject", "t_s": 1}, {"kind": "heal", "t_s": 2}]}}
        fault = stress_input._fault(raw, FIXTURES / "x.json")
        self.assertEqual(fault["timeline"]["columns"]["completed_per_s"], [5, 0, 4, 5])
        (w,) = fault["windows"]
        self.assertEqual((w["injected_at_s"], w["healed_at_s"]), (1, 2))
        self.assertAlmostEqual(w["detected_at_s"], 1.2)
        self.assertEqual(w["recovered_at_s"], 2.5)

    def test_plain_load_result_has_no_fault(self):
        run = stress_input.load(FIXTURES / "stress_fault")
        self.assertIsNone(next(s for s in run["scenarios"] if not s["fault"])["fault"])


class Rules(unittest.TestCase):
    def test_every_rule_text_fills_from_its_fields(self):
        for rule in rules.load():
            fact = {"metric": rule["metric"], "value": 2.0, "unit": "x", "row": "row"}
            for _, field, spec, _ in string.Formatter().parse(rule["text"]):
                if field and field not in fact and field != "threshold":
                    fact[field] = 1.0 if spec else "text"
            out = rules.apply([dict(rule, op="!=", threshold=-1)], [fact])
            self.assertEqual(len(out), 1, rule["id"])
            self.assertNotIn("{", out[0]["text"], rule["id"])

    def test_an_absurd_interval_prints_in_scientific_notation(self):
        # crewai's 1,024-agent row in results/2026-12-04-default-run-2: 3703 [1.839e-21, 7.454e+27]
        half = (math.log(7.454e27) - math.log(1.839e-21)) / 2
        fact = {"metric": "ci_rel_half_width", "value": half, "unit": "share", "row": "row",
                "ratio": 3703.0, "factor": math.exp(half)}
        rule = next(r for r in rules.load() if r["metric"] == "ci_rel_half_width")
        text = rules.apply([rule], [fact])[0]["text"]
        self.assertIn("the ratio 3.7e+03 is known only to within a factor of 2.01e+24.", text)
        self.assertEqual(fmt.f_ci(1.839e-21, 7.454e27), "[1.84e-21, 7.45e+27]")
        self.assertEqual(fmt.f_x(3703.0), "3,703")
        self.assertEqual(fmt.f_x(999999.0), "999,999")
        self.assertEqual(fmt.f_x(0.5005), "0.5")

    def test_recommendations_cite_metric_value_threshold_and_row(self):
        run = bench_input.load(FIXTURES / "bench_v2")
        recs = rules.apply(rules.load(), facts.bench(run, {}))
        ids = {r["id"] for r in recs}
        self.assertTrue({"aa-gate-disturbed", "mixed-machines", "inconclusive-needs-processes",
                         "regime-overhead"} <= ids, ids)
        for r in recs:
            for e in r["evidence"]:
                self.assertEqual(set(e), {"metric", "value", "unit", "op", "threshold", "row"})
        self.assertEqual(recs[0]["severity"], "high")

    def test_slo_rule_names_the_first_agent_count_that_breaks_it(self):
        make = lambda agents, p99: {"metric": "p99_ms_at_agents", "value": p99, "unit": "ms",  # noqa: E731
                                    "row": f"load_{agents}", "agents": agents}
        out = rules.apply([r for r in rules.load() if r["id"] == "slo-p99-agents"],
                          [make(10, 40), make(50, 120), make(100, 400), make(200, 900)])
        self.assertEqual(len(out), 1)
        self.assertIn("from 100 concurrent agents", out[0]["text"])
        self.assertEqual([e["row"] for e in out[0]["evidence"]], ["load_100", "load_50"])

    def test_a_broken_rule_file_is_an_input_error(self):
        import tempfile
        from pathlib import Path
        from legion_report.errors import InputError
        with tempfile.TemporaryDirectory() as tmp:
            bad = Path(tmp) / "rules.toml"
            bad.write_text('[[rule]]\nid = "x"\nmetric = "m"\nop = "~"\nthreshold = 1\n'
                           'severity = "high"\ntitle = "t"\ntext = "t"\n')
            with self.assertRaisesRegex(InputError, "op '~'"):
                rules.load(bad)


class BadInput(TempDirTest):
    def test_missing_directory(self):
        self.assertOneLineError(report(self.tmp / "nope"), 2, "no such directory")

    def test_neither_kind(self):
        self.assertOneLineError(report(self.tmp), 2, "neither a scripts/bench run directory")

    def test_malformed_comparison(self):
        d = self.tmp / "run"
        d.mkdir()
        (d / "comparison.json").write_text('{"schema": "legion-compare/1", "comparisons": [')
        self.assertOneLineError(report(d), 2, "comparison.json: malformed JSON")

    def test_unknown_schema(self):
        d = self.tmp / "run"
        d.mkdir()
        (d / "comparison.json").write_text('{"schema": "legion-compare/9"}')
        self.assertOneLineError(report(d), 2, "schema 'legion-compare/9'")

    def test_wrong_type(self):
        d = self.copy(FIXTURES / "bench_v2", "v2")
        doc = json.loads((d / "comparison.json").read_text())
        doc["comparisons"][0]["framework"] = 7
        (d / "comparison.json").write_text(json.dumps(doc))
        self.assertOneLineError(report(d), 2, "field 'comparisons[0].framework' must be str")

    def test_stress_result_missing(self):
        d = self.copy(FIXTURES / "stress_fault", "stress")
        (d / "fault_scenario.json").unlink()
        self.assertOneLineError(report(d), 2, "no such legion-stress result")

    def test_malformed_timeline(self):
        d = self.copy(FIXTURES / "stress_fault", "stress")
        doc = json.loads((d / "fault_scenario.json").read_text())
        doc["timeline"][3] = "not a row"
        (d / "fault_scenario.json").write_text(json.dumps(doc))
        self.assertOneLineError(report(d), 2, "field 'timeline[3]' must be an object")

    def test_unknown_flag(self):
        self.assertOneLineError(report(FIXTURES / "bench_v2", "--frobnicate"), 2, "--frobnicate")

    def test_threshold_needs_a_baseline(self):
        self.assertOneLineError(report(FIXTURES / "bench_v2", "--fail-on-regression", "1.1"), 2,
                                "needs --baseline")

    def test_unwritable_out(self):
        blocker = self.tmp / "file"
        blocker.write_text("")
        self.assertOneLineError(report(FIXTURES / "bench_v2", "--out", blocker / "x"), 2,
                                "cannot create")


class Json(TempDirTest):
    def test_report_json_has_the_content_without_svg(self):
        out = self.tmp / "out"
        r = report(FIXTURES / "bench_v2", FIXTURES / "stress_fault", "--out", out, "--no-pdf")
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads((out / "report.json").read_text())
        self.assertEqual(doc["schema"], "legion-report/1")
        self.assertEqual([i["kind"] for i in doc["inputs"]], ["bench", "stress"])
        self.assertNotIn("<svg", (out / "report.json").read_text())
        ids = [f["id"] for f in doc["figures"]]
        self.assertTrue(any(i.startswith("fig-fault-") for i in ids), ids)
        self.assertTrue(all(f["caption"] and f["unit"] for f in doc["figures"]))
        self.assertTrue(doc["recommendations"])
        self.assertTrue(doc["reproducibility"])


if __name__ == "__main__":
    unittest.main()
