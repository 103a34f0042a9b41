// The driver reads legion-compare's JSON by the contract's field names (schema legion-compare/2,
// docs/comparison.md); a legion-compare/1 file still yields intervals and precision.
#include "driver/comparison_view.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "driver/driver_error.hpp"

namespace legion::driver {
namespace {

using nlohmann::json;

json v2() {
  return json::parse(R"({
    "schema": "legion-compare/2",
    "comparisons": [
      {"benchmark": "simple_task/hot/real_time", "scenario": "simple_task", "regime": "hot",
       "framework": "langchain", "role": "comparison", "status": "compared",
       "stats": {"ratio": 300.0, "ratio_ci": {"lower": 280.0, "upper": 320.0, "level": 0.999},
                 "verdict": "slower", "verdict_text": "slower", "needs_processes": null,
                 "rel_half_width": 0.067, "precise": true, "mde": 1.1}},
      {"benchmark": "code_generation_execution/hot/real_time", "scenario": "code_generation_execution",
       "regime": "hot", "framework": "direct", "role": "comparison", "status": "compared",
       "stats": {"ratio": 1.04, "ratio_ci": {"lower": 0.8, "upper": 1.35, "level": 0.999},
                 "verdict": "inconclusive", "verdict_text": "inconclusive: needs >= 9 processes",
                 "needs_processes": 9, "rel_half_width": 0.26, "precise": false}},
      {"benchmark": "harness/calibration/hot/real_time", "scenario": "harness", "regime": "hot",
       "framework": "crewai", "role": "aa_control", "status": "compared",
       "stats": {"ratio": 1.01, "ratio_ci": {"lower": 0.93, "upper": 1.09}, "verdict": "inconclusive",
                 "rel_half_width": 0.08, "precise": true}},
      {"benchmark": "consensus/hot/real_time", "scenario": "consensus", "regime": "hot",
       "framework": "direct", "role": "comparison", "status": "unsupported", "stats": null}
    ],
    "geometric_means": [{"framework": "langchain", "regime": "hot", "ratio": 320,
                         "ci": {"lower": 300, "upper": 340}}],
    "summary": {"aa_gate": {"status": "disturbed", "bounds": [0.95, 1.05],
                            "frameworks": {"crewai": {"ratio": 1.01, "lower": 0.93, "upper": 1.09,
                                                      "processes": 3, "verdict": "straddles",
                                                      "needs_processes": 12,
                                                      "outlying_processes": ["/r/crewai.2.json"]}}},
                "machines": {"ids": ["aa", "bb"], "mixed": true}}
  })");
}

TEST(ComparisonView, ReadsTheContractFieldsOfSchemaTwo) {
  const ComparisonView v = read_comparison(v2(), 0.10);
  EXPECT_EQ(v.schema, "legion-compare/2");
  ASSERT_EQ(v.rows.size(), 4u);
  const ComparisonRow& hot = v.rows[0];
  EXPECT_EQ(hot.benchmark, "simple_task/hot");
  EXPECT_EQ(hot.framework, "langchain");
  EXPECT_EQ(hot.verdict, "slower");
  EXPECT_TRUE(hot.precise);
  EXPECT_DOUBLE_EQ(*hot.rel_half_width, 0.067);
  const ComparisonRow& code = v.rows[1];
  EXPECT_EQ(code.verdict, "inconclusive");
  EXPECT_EQ(*code.needs_processes, 9);
  EXPECT_FALSE(code.precise);
  EXPECT_TRUE(v.rows[2].aa_control);
  EXPECT_EQ(v.rows[3].status, "unsupported");
  EXPECT_FALSE(v.rows[3].ratio.has_value());
  EXPECT_EQ(v.aa_status, "disturbed");
  ASSERT_EQ(v.aa.size(), 1u);
  EXPECT_EQ(v.aa[0].framework, "crewai");
  EXPECT_EQ(v.aa[0].state, "straddles");
  EXPECT_EQ(*v.aa[0].needs_processes, 12);
  EXPECT_EQ(v.aa[0].outlying_processes, std::vector<std::string>{"/r/crewai.2.json"});
  EXPECT_TRUE(v.machines_mixed);
  EXPECT_EQ(v.machine_ids.size(), 2u);
  ASSERT_EQ(v.geomeans.size(), 1u);
  EXPECT_DOUBLE_EQ(*v.geomeans[0].upper, 340);
}

TEST(ComparisonView, SchemaOneGetsPrecisionFromItsIntervalAndNoGate) {
  const json doc = json::parse(R"({
    "schema": "legion-compare/1",
    "comparisons": [
      {"benchmark": "simple_task/cold_start/iterations:1/repeats:1/manual_time",
       "scenario": "simple_task", "framework": "langchain", "status": "compared",
       "stats": {"ratio": 4159, "ratio_ci": {"lower": 2998, "upper": 10047},
                 "verdict": "no significant difference"}},
      {"benchmark": "simple_task/hot/real_time", "scenario": "simple_task",
       "framework": "langchain", "status": "compared",
       "stats": {"ratio": 300, "ratio_ci": {"lower": 290, "upper": 310}, "verdict": "slower"}}
    ]})");
  const ComparisonView v = read_comparison(doc, 0.10);
  EXPECT_EQ(v.aa_status, "absent");
  EXPECT_EQ(v.rows[0].verdict, "inconclusive");
  EXPECT_NEAR(*v.rows[0].rel_half_width, (std::log(10047.0) - std::log(2998.0)) / 2, 1e-12);
  EXPECT_FALSE(v.rows[0].precise);
  EXPECT_TRUE(v.rows[1].precise);
  EXPECT_EQ(v.rows[0].benchmark, "simple_task/cold_start");
}

TEST(ComparisonView, AGateListedAsAnArrayIsReadToo) {
  json doc = v2();
  doc["summary"]["aa_gate"]["frameworks"] =
      json::parse(R"([{"framework": "autogen", "state": "outside", "ratio": 1.3}])");
  const ComparisonView v = read_comparison(doc, 0.10);
  ASSERT_EQ(v.aa.size(), 1u);
  EXPECT_EQ(v.aa[0].framework, "autogen");
  EXPECT_EQ(v.aa[0].state, "outside");
}

// legion-compare names frameworks run over HTTP "NAME@http"; the driver plans by NAME.
TEST(ComparisonView, TheTransportSuffixIsStrippedFromEveryFrameworkName) {
  json doc = v2();
  for (json& row : doc["comparisons"])
    row["framework"] = row["framework"].get<std::string>() + "@http";
  doc["geometric_means"][0]["framework"] = "langchain@http";
  doc["summary"]["aa_gate"]["frameworks"] = {
      {"crewai@http", doc["summary"]["aa_gate"]["frameworks"]["crewai"]}};
  ComparisonView view = read_comparison(doc, 0.1);
  strip_framework_suffix(view, "@http");
  ASSERT_EQ(view.rows.size(), 4u);
  EXPECT_EQ(view.rows[0].framework, "langchain");
  EXPECT_EQ(view.rows[1].framework, "direct");
  ASSERT_EQ(view.aa.size(), 1u);
  EXPECT_EQ(view.aa[0].framework, "crewai");
  ASSERT_EQ(view.geomeans.size(), 1u);
  EXPECT_EQ(view.geomeans[0].framework, "langchain");
  strip_framework_suffix(view, "");  // in-process: nothing to strip
  EXPECT_EQ(view.rows[0].framework, "langchain");
}

TEST(ComparisonView, NoComparisonsIsAnError) {
  EXPECT_THROW(read_comparison(json::object(), 0.1), DriverError);
  EXPECT_THROW(read_comparison(json::parse(R"({"comparisons": 3})"), 0.1), DriverError);
}

}  // namespace
}  // namespace legion::driver
