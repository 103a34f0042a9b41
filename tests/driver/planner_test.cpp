// Where a round's time goes: synthetic rows with known spreads and costs.
#include "driver/planner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace legion::driver {
namespace {

// n log process means with sample standard deviation ~sd around ln(mean).
SideModel side(double mean, double sd, std::size_t n, double cost_s) {
  SideModel s;
  for (std::size_t i = 0; i < n; ++i) {
    s.log_means.push_back(std::log(mean) + (i % 2 ? sd : -sd));
  }
  s.cost_s = cost_s;
  return s;
}

double variance_of(const SideModel& s) {
  double mean = 0;
  for (double v : s.log_means) mean += v / static_cast<double>(s.log_means.size());
  double ss = 0;
  for (double v : s.log_means) ss += (v - mean) * (v - mean);
  return ss / static_cast<double>(s.log_means.size() - 1);
}

PlanRequest two_frameworks() {
  PlanRequest r;
  r.baseline = "legion";
  r.frameworks["legion"].fixed_s = 0.1;
  r.frameworks["slow"].fixed_s = 2.0;
  for (const char* row : {"a/hot", "b/hot", "harness/calibration/hot"}) {
    r.frameworks["legion"].rows[row] = side(1000, 0.01, 3, 0.1);
    r.frameworks["slow"].rows[row] = side(100000, 0.2, 3, 1.0);
  }
  r.always = {"harness/calibration/hot"};
  return r;
}

std::size_t processes_of(const std::vector<PlannedProcess>& plan, const std::string& framework) {
  return static_cast<std::size_t>(std::count_if(
      plan.begin(), plan.end(), [&](const PlannedProcess& p) { return p.framework == framework; }));
}

// The processes of one framework (a cheap baseline process with a small gain may come along).
std::vector<PlannedProcess> of(const std::vector<PlannedProcess>& plan, const std::string& f) {
  std::vector<PlannedProcess> out;
  std::copy_if(plan.begin(), plan.end(), std::back_inserter(out),
               [&](const PlannedProcess& p) { return p.framework == f; });
  return out;
}

TEST(Planner, PredictedHalfWidthShrinksWithTheNoisySide) {
  const SideModel quiet = side(1, 0.01, 4, 0);
  const SideModel noisy = side(1, 0.3, 4, 0);
  // Doubling the noisy side's processes divides the half-width by sqrt(2), and by the fall of
  // its t quantile (95%: 3 df 3.182, 7 df 2.365).
  EXPECT_NEAR(predicted_half_width(0.4, quiet, 0, noisy, 4, 0.95),
              0.4 / std::sqrt(2.0) * 2.365 / 3.182, 0.003);
  // At a family's level (1 - 0.05 / 100) the quantile falls much faster with n.
  EXPECT_LT(predicted_half_width(0.4, quiet, 0, noisy, 4, 1 - 0.05 / 100),
            0.6 * predicted_half_width(0.4, quiet, 0, noisy, 4, 0.95));
  // More processes of the quiet side barely help.
  EXPECT_GT(predicted_half_width(0.4, quiet, 100, noisy, 0), 0.39);
  EXPECT_DOUBLE_EQ(predicted_half_width(0.4, quiet, 0, noisy, 0), 0.4);
}

TEST(Planner, ASideThatLooksQuietInTwoProcessesIsNotTakenAtItsWord) {
  SideModel lucky = side(1, 0.0, 2, 0);  // two processes that happened to agree exactly
  const SideModel noisy = side(1, 0.1, 8, 0);
  const double without_prior = predicted_half_width(0.4, noisy, 0, lucky, 1);
  lucky.prior_variance = 0.01;  // the framework's other rows vary by ~10% between processes
  const double with_prior = predicted_half_width(0.4, noisy, 0, lucky, 1);
  EXPECT_LT(with_prior, without_prior - 0.05);  // a process of it now narrows the row a lot
  FrameworkModel m;
  m.rows["a"] = side(1, 0.1, 4, 0);
  m.rows["b"] = side(1, 0.2, 4, 0);
  m.rows["c"] = side(1, 0.3, 4, 0);
  m.rows["d"] = side(1, 0.9, 2, 0);  // too few processes to count
  EXPECT_NEAR(typical_variance(m), variance_of(m.rows["b"]), 1e-12);
}

TEST(Planner, NothingToDoWhenEveryRowIsPrecise) {
  PlanRequest r = two_frameworks();
  r.rows = {{"slow", "a/hot", 0.05, 0.10, 1}, {"slow", "b/hot", 0.09, 0.10, 1}};
  r.allowance_s = 100;
  EXPECT_TRUE(plan_round(r).empty());
}

TEST(Planner, SpendsOnTheNoisySideAndBundlesRowsIntoProcesses) {
  PlanRequest r = two_frameworks();
  r.rows = {{"slow", "a/hot", 0.40, 0.10, 1}, {"slow", "b/hot", 0.30, 0.10, 1}};
  r.allowance_s = 12;
  const std::vector<PlannedProcess> all = plan_round(r);
  double total = 0, legion = 0;
  for (const PlannedProcess& p : all) total += p.predicted_s;
  for (const PlannedProcess& p : of(all, "legion")) legion += p.predicted_s;
  EXPECT_LE(legion, 1.0);  // legion's side is 20x quieter: at most a cheap process or three
  const std::vector<PlannedProcess> plan = of(all, "slow");
  ASSERT_FALSE(plan.empty());
  for (const PlannedProcess& p : plan) {
    // A process that is opened carries both rows: a second start costs more than a row.
    EXPECT_EQ(p.rows, (std::vector<std::string>{"a/hot", "b/hot"}));
    EXPECT_DOUBLE_EQ(p.predicted_s, 2.0 + 1.0 + 2 * 1.0);  // start + calibration + 2 rows
  }
  EXPECT_LE(total, 12.0);
  EXPECT_EQ(plan.size(), 2u);
}

TEST(Planner, ABaselineProcessServesEveryFrameworksRow) {
  PlanRequest r;
  r.baseline = "legion";
  r.always = {};
  r.frameworks["legion"].fixed_s = 0.5;
  r.frameworks["legion"].rows["x/hot"] = side(1000, 0.3, 3, 0.5);  // the noisy side
  for (const char* f : {"f1", "f2", "f3"}) {
    r.frameworks[f].fixed_s = 0.5;
    r.frameworks[f].rows["x/hot"] = side(5000, 0.01, 3, 0.5);
    r.rows.push_back({f, "x/hot", 0.5, 0.10, 1});
  }
  r.allowance_s = 3;
  const std::vector<PlannedProcess> plan = plan_round(r);
  EXPECT_EQ(processes_of(plan, "legion"), plan.size());
  EXPECT_EQ(plan.size(), 3u);
}

TEST(Planner, InconclusiveRowsComeFirst) {
  PlanRequest r = two_frameworks();
  r.rows = {{"slow", "a/hot", 0.30, 0.10, 1}, {"slow", "b/hot", 0.30, 0.10, 4}};
  r.frameworks["slow"].rows["a/hot"].cost_s = 5;
  r.frameworks["slow"].rows["b/hot"].cost_s = 5;
  r.allowance_s = 8.5;  // one process with one row
  const std::vector<PlannedProcess> plan = of(plan_round(r), "slow");
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].rows, std::vector<std::string>{"b/hot"});
}

TEST(Planner, AnAaRowThatCannotBeJudgedYetGetsProcessesOfItsOwn) {
  PlanRequest r = two_frameworks();
  // Only the A/A row needs processes: the cheapest are processes running nothing else.
  r.rows = {{"slow", "harness/calibration/hot", 0.08, 0.03, 4}};
  r.allowance_s = 7;
  const std::vector<PlannedProcess> plan = plan_round(r);
  ASSERT_EQ(plan.size(), 2u);  // 3 s each: the start and the calibration row
  for (const PlannedProcess& p : plan) {
    EXPECT_EQ(p.framework, "slow");
    EXPECT_TRUE(p.rows.empty());
    EXPECT_DOUBLE_EQ(p.predicted_s, 3.0);
  }
}

// A regime's geometric mean counts only processes that ran all its rows: the planner adds them
// together, and completes a process that already holds some of them.
TEST(Planner, ABundleIsAddedWhole) {
  PlanRequest r = two_frameworks();
  FrameworkModel& slow = r.frameworks["slow"];
  slow.bundles["@hot"] = {"a/hot", "b/hot"};
  slow.rows["@hot"] = side(100000, 0.2, 2, 0);
  r.frameworks["legion"].bundles["@hot"] = {"a/hot", "b/hot"};
  r.frameworks["legion"].rows["@hot"] = side(1000, 0.01, 2, 0);
  r.rows = {{"slow", "@hot", 0.8, 0.10, 1}};
  r.allowance_s = 5;  // start 2 + calibration 1 + both rows 2
  std::vector<PlannedProcess> plan = of(plan_round(r), "slow");
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].framework, "slow");
  EXPECT_EQ(plan[0].rows, (std::vector<std::string>{"a/hot", "b/hot"}));
  EXPECT_DOUBLE_EQ(plan[0].predicted_s, 5.0);
  // A bundle whose rows the framework cannot run is never planned.
  r.frameworks["slow"].bundles["@hot"] = {"a/hot", "missing/hot"};
  EXPECT_TRUE(of(plan_round(r), "slow").empty());
}

TEST(Planner, NeverPlansBeyondTheAllowance) {
  PlanRequest r = two_frameworks();
  r.rows = {{"slow", "a/hot", 0.9, 0.10, 1}};
  r.allowance_s = 2.5;  // a slow process costs 4 s
  EXPECT_TRUE(of(plan_round(r), "slow").empty());
}

TEST(Planner, RowsAFrameworkDoesNotRunAreIgnored) {
  PlanRequest r = two_frameworks();
  r.rows = {{"slow", "no/such/row", 0.9, 0.10, 1}, {"ghost", "a/hot", 0.9, 0.10, 1}};
  r.allowance_s = 100;
  EXPECT_TRUE(plan_round(r).empty());
}

}  // namespace
}  // namespace legion::driver
