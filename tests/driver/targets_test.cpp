// What a look leaves to narrow.
#include "driver/targets.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace legion::driver {
namespace {

ComparisonRow row(const char* fw, const char* bench, double h, const char* verdict, bool aa = false,
                  double ratio = 2.0) {
  ComparisonRow r;
  r.framework = fw;
  r.benchmark = bench;
  r.status = "compared";
  r.aa_control = aa;
  r.ratio = ratio;
  r.rel_half_width = h;
  r.precise = h <= 0.10;
  r.verdict = verdict;
  r.level = 0.999;
  return r;
}

TEST(Targets, ImpreciseRowsStraddlingAaRowsAndWideMeans) {
  ComparisonView v;
  v.rows = {row("slow", "a/hot", 0.05, "slower"), row("slow", "b/hot", 0.3, "slower"),
            row("slow", "c/hot", 0.5, "inconclusive"),
            row("slow", "harness/calibration/hot", 0.04, "inconclusive", true, 1.02),
            row("fast", "harness/calibration/hot", 0.01, "equivalent", true, 1.0)};
  v.aa = {{"slow", "straddles", 1.02, 0.98, 1.06, 5, {}},
          {"fast", "inside", 1, 0.99, 1.01, {}, {}}};
  v.geomeans = {{"slow", "hot", 300, 200, 450, 0.99},
                {"slow", "cold_start", 9, 1, 81, 0.99},
                {"legion", "hot", 1, 0.5, 2, 0.99}};
  const std::vector<RowTarget> t = replication_targets(v, "legion", 0.10);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].row, "b/hot");
  EXPECT_DOUBLE_EQ(t[0].weight, 1);
  EXPECT_DOUBLE_EQ(t[0].target, 0.09);
  EXPECT_DOUBLE_EQ(t[0].level, 0.999);
  EXPECT_EQ(t[1].row, "c/hot");
  EXPECT_DOUBLE_EQ(t[1].weight, 4);  // inconclusive
  EXPECT_EQ(t[2].row, "harness/calibration/hot");
  EXPECT_NEAR(t[2].target, std::log(1.05) - std::log(1.02), 1e-12);  // room inside the bounds
  EXPECT_EQ(t[3].row, "@hot");  // the hot mean; the cold start's and the baseline's are not
  EXPECT_NEAR(t[3].rel_half_width, (std::log(450.0) - std::log(200.0)) / 2, 1e-12);
  EXPECT_FALSE(targets_met(v, "legion", 0.10));
}

TEST(Targets, MetWhenEveryRowAndMeanIsPreciseAndTheGateCanJudge) {
  ComparisonView v;
  v.rows = {row("slow", "a/hot", 0.05, "slower")};
  v.aa = {{"slow", "inside", 1, 0.99, 1.01, {}, {}}};
  v.geomeans = {{"slow", "hot", 300, 290, 310, 0.99}};
  EXPECT_TRUE(targets_met(v, "legion", 0.10));
  EXPECT_TRUE(replication_targets(v, "legion", 0.10).empty());
  v.aa[0].state = "straddles";
  EXPECT_FALSE(targets_met(v, "legion", 0.10));
}

}  // namespace
}  // namespace legion::driver
