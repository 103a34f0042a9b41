// Threshold evaluation: each configured limit becomes a verdict; zero loss is always judged.
#include "stress/thresholds.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

const stress::Verdict* find(const std::vector<stress::Verdict>& v, const std::string& name) {
  for (const auto& x : v) {
    if (x.name == name) return &x;
  }
  return nullptr;
}

TEST(StressThresholds, ZeroLossIsAlwaysJudged) {
  stress::Measurements m;
  m.lost = 1;
  const auto v = stress::evaluate({}, m);
  ASSERT_NE(find(v, "lost"), nullptr);
  EXPECT_FALSE(find(v, "lost")->pass);
  EXPECT_TRUE(find(v, "unexpected")->pass);
  EXPECT_FALSE(stress::all_pass(v));
}

TEST(StressThresholds, LimitsAndMeasuredValues) {
  stress::Thresholds t;
  t.p99_ms = 250;
  t.error_rate = 0.001;
  t.min_throughput = 10;
  stress::Measurements m;
  m.p99_ms = 251;
  m.error_rate = 0.0005;
  m.throughput = 10;
  const auto v = stress::evaluate(t, m);
  EXPECT_FALSE(find(v, "p99_ms")->pass);
  EXPECT_DOUBLE_EQ(find(v, "p99_ms")->measured, 251);
  EXPECT_TRUE(find(v, "error_rate")->pass);
  EXPECT_TRUE(find(v, "min_throughput")->pass);
  m.error_rate = 0.001;  // strictly below
  EXPECT_FALSE(find(stress::evaluate(t, m), "error_rate")->pass);
}

TEST(StressThresholds, UnmeasurableValuesFailNeverPass) {
  stress::Thresholds t;
  t.p99_ms = 250;
  t.leak_kb_per_min = 100;
  t.recovery_s = 10;
  stress::Measurements m;
  m.p99_ms = std::nan("");
  const auto v = stress::evaluate(t, m);
  EXPECT_FALSE(find(v, "p99_ms")->pass);
  EXPECT_FALSE(find(v, "leak_kb_per_min")->pass);
  EXPECT_FALSE(find(v, "recovery_s")->pass);
}

TEST(StressThresholds, LeakVerdictUsesTheUpperBoundOfTheSlope) {
  // RSS growing 1 MB/min with noise: a 100 KB/min budget is breached, 2 MB/min is not.
  std::vector<double> t, rss;
  for (int i = 0; i < 120; ++i) {
    t.push_back(i * 0.5);
    rss.push_back(50'000 + 1024.0 * (i * 0.5) / 60.0 + ((i * 7919) % 13) - 6);
  }
  const auto trend = stress::fit_trend(t, rss, 0.25);
  ASSERT_TRUE(trend);
  EXPECT_NEAR(trend->slope_per_min, 1024, 30);
  EXPECT_GE(trend->upper_per_min, trend->slope_per_min);
  EXPECT_LT(trend->mann_kendall_p, 1e-6);
  EXPECT_NEAR(trend->window_s, 44.5, 1e-9);  // 59.5 s less the first 25%
  stress::Measurements m;
  m.rss_trend = trend;
  m.min_trend_window_s = 30;
  stress::Thresholds tight, loose;
  tight.leak_kb_per_min = 100;
  loose.leak_kb_per_min = 2048;
  EXPECT_FALSE(find(stress::evaluate(tight, m), "leak_kb_per_min")->pass);
  EXPECT_TRUE(find(stress::evaluate(loose, m), "leak_kb_per_min")->pass);
}

TEST(StressThresholds, LeakVerdictDiscountsBoundedCachesWhenProbed) {
  // RSS rising 1 MB/min, all of it a cache filling up: flat net of the cache.
  std::vector<double> t, rss, net;
  for (int i = 0; i < 240; ++i) {
    t.push_back(i * 0.5);
    rss.push_back(50'000 + 1024.0 * (i * 0.5) / 60.0);
    net.push_back(50'000 + ((i * 7919) % 13) - 6);
  }
  stress::Measurements m;
  m.min_trend_window_s = 30;
  m.rss_trend = stress::fit_trend(t, rss, 0.25);
  stress::Thresholds th;
  th.leak_kb_per_min = 100;
  EXPECT_FALSE(find(stress::evaluate(th, m), "leak_kb_per_min")->pass);
  m.rss_net_trend = stress::fit_trend(t, net, 0.25);
  const auto verdicts = stress::evaluate(th, m);
  const auto* leak = find(verdicts, "leak_kb_per_min");
  EXPECT_TRUE(leak->pass);
  EXPECT_NE(leak->note.find("net of SQLite"), std::string::npos);
  // A real leak under the cache still fails.
  for (std::size_t i = 0; i < net.size(); ++i) net[i] += 512.0 * t[i] / 60.0;
  m.rss_net_trend = stress::fit_trend(t, net, 0.25);
  EXPECT_FALSE(find(stress::evaluate(th, m), "leak_kb_per_min")->pass);
}

TEST(StressThresholds, FlatSeriesHasNoTrend) {
  std::vector<double> t = {0, 1, 2, 3, 4, 5}, y = {7, 7, 7, 7, 7, 7};
  const auto trend = stress::fit_trend(t, y, 0.0);
  ASSERT_TRUE(trend);
  EXPECT_DOUBLE_EQ(trend->upper_per_min, 0.0);
  EXPECT_FALSE(stress::fit_trend(std::vector<double>{0, 1}, std::vector<double>{1, 2}, 0.0));
}

TEST(StressThresholds, TooShortATrendIsReportedButNotJudged) {
  std::vector<double> t, rss;
  for (int i = 0; i < 20; ++i) {
    t.push_back(i * 0.1);
    rss.push_back(1000.0 * i);  // steep, but over 2 s
  }
  stress::Measurements m;
  m.rss_trend = stress::fit_trend(t, rss, 0.0);
  stress::Thresholds th;
  th.leak_kb_per_min = 10;
  const auto v = stress::evaluate(th, m);  // default: a trend needs 60 s
  const auto* leak = find(v, "leak_kb_per_min");
  EXPECT_TRUE(leak->pass);
  EXPECT_FALSE(leak->judged);
  EXPECT_GT(leak->measured, 10);
  EXPECT_EQ(stress::to_json(v)[2]["judged"], false);
}

}  // namespace
