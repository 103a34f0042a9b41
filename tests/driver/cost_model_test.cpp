// What the planner is told processes and rows cost, from synthetic process files.
#include "driver/cost_model.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace legion::driver {
namespace {

ProcessData process(double hot_mean_ns, double consensus_mean_ns, bool with_consensus) {
  ProcessData d;
  d.framework = "slow";
  d.rows["a/hot"] = {hot_mean_ns, 1.0, 0.5, 1, false, false, ""};
  if (with_consensus) d.rows["consensus/hot"] = {consensus_mean_ns, 2.0, 2.0, 1, false, false, ""};
  d.rows["harness/calibration/hot"] = {1e5, 0.06, 1e-4, 1, false, false, ""};  // + sizing 0.05
  d.rows["simple_task/cold_start"] = {3e9, 0.05, 0.05, 1, false, false, ""};
  d.rows["broken/hot"] = {0, 0, 0, 0, true, false, "wrong answer"};
  return d;
}

TEST(CostModel, RowCostsFixedCostAndSamples) {
  const ProcessData p1 = process(1000, 5000, true), p2 = process(2000, 5000, true);
  const FrameworkModel m = framework_model({{&p1, 10.0, true}, {&p2, 10.0, true}}, 0.05, 0.2);
  EXPECT_DOUBLE_EQ(m.rows.at("a/hot").cost_s, 1.0);
  EXPECT_DOUBLE_EQ(m.rows.at("harness/calibration/hot").cost_s, 0.06 + 0.05);  // sizing
  EXPECT_FALSE(m.rows.contains("broken/hot"));  // a failed row has no samples
  // Rows: 1 + 2 + 0.11 + 0.05 = 3.16 s; fixed = 10 - 3.16 + driver 0.2.
  EXPECT_NEAR(m.fixed_s, 10.0 - 3.16 + 0.2, 1e-9);
  const auto& logs = m.rows.at("a/hot").log_means;
  ASSERT_EQ(logs.size(), 2u);
  EXPECT_NEAR(logs[1] - logs[0], std::log(2.0), 1e-12);
}

// Cold-start processes show the start; full processes spend more than their rows measured:
// their rows carry that untimed work (here 4 s over 4 rows).
TEST(CostModel, UntimedWorkIsChargedToTheRowsOfTheProcessesThatDidIt) {
  const ProcessData full = process(1000, 5000, true);
  ProcessData cold;
  cold.rows["simple_task/cold_start"] = {3e9, 0.05, 0.05, 1, false, false, ""};
  cold.rows["harness/calibration/hot"] = {1e5, 0.06, 1e-4, 1, false, false, ""};
  const double rows_full = 1 + 2 + 0.11 + 0.05, rows_cold = 0.05 + 0.11;
  const std::vector<KeptProcess> kept = {{&full, 2.0 + rows_full + 4.0, true},
                                         {&cold, 2.0 + rows_cold, false},
                                         {&cold, 2.0 + rows_cold, false}};
  const FrameworkModel m = framework_model(kept, 0.05, 0.0);
  EXPECT_NEAR(m.fixed_s, 2.0, 1e-9);
  EXPECT_NEAR(m.rows.at("consensus/hot").cost_s, 2.0 + 1.0, 1e-9);  // its 4 s / 4 rows
  EXPECT_NEAR(m.rows.at("simple_task/cold_start").cost_s, 0.05 + 1.0 / 3, 1e-9);  // 1, 0, 0
}

TEST(CostModel, ARegimeIsABundleOfTheProcessesThatRanItWhole) {
  const ProcessData whole = process(1000, 4000, true), part = process(1000, 0, false);
  const FrameworkModel m = framework_model({{&whole, 10, true}, {&part, 5, false}}, 0.05, 0);
  ASSERT_TRUE(m.bundles.contains("@hot"));
  EXPECT_EQ(m.bundles.at("@hot"), (std::vector<std::string>{"a/hot", "consensus/hot"}));
  // Only the whole process: the mean of the two scenarios' logs, each weighing 1.
  ASSERT_EQ(m.rows.at("@hot").log_means.size(), 1u);
  EXPECT_NEAR(m.rows.at("@hot").log_means[0], (std::log(1000.0) + std::log(4000.0)) / 2, 1e-12);
  EXPECT_FALSE(m.bundles.contains("@cold_start"));  // one row, not a mean of rows
  for (const auto& [name, rows] : m.bundles) {
    for (const std::string& row : rows) EXPECT_NE(row.rfind("harness/", 0), 0u) << row;
  }
}

TEST(CostModel, PredictsFilteredAndFullProcesses) {
  const ProcessData p1 = process(1000, 5000, true), p2 = process(1000, 5000, true);
  const std::vector<KeptProcess> kept = {{&p1, 10.0, true}, {&p2, 14.0, true}};
  const FrameworkModel m = framework_model(kept, 0.05, 0.0);
  EXPECT_DOUBLE_EQ(predict_process_s(m, kept, {}, {}, 0.5), 12.0 + 0.5);  // median full + driver
  EXPECT_NEAR(
      predict_process_s(m, kept, {"consensus/hot"}, {"harness/calibration/hot"}, 0),
      m.fixed_s + m.rows.at("consensus/hot").cost_s + m.rows.at("harness/calibration/hot").cost_s,
      1e-9);
}

}  // namespace
}  // namespace legion::driver
