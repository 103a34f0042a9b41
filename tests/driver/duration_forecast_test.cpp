#include "driver/duration_forecast.hpp"

#include <gtest/gtest.h>

namespace legion::driver {
namespace {

TEST(DurationForecast, ScalesByTheWorstRatioOfTheSameFrameworkAndKind) {
  const std::vector<MeasuredProcess> so_far = {
      {"crewai", "rows", 11.6, 50.3},    // 4.3x the model
      {"crewai", "rows", 19.1, 17.3},    // 0.9x
      {"crewai", "full", 40.0, 42.0},    // another kind
      {"langchain", "rows", 5.0, 25.0},  // another framework
      {"crewai", "rows", 0.0, 30.0}};    // no prediction to compare with
  EXPECT_NEAR(forecast_s(so_far, "crewai", "rows", 25.1), 25.1 * 50.3 / 11.6, 1e-9);
  EXPECT_NEAR(forecast_s(so_far, "crewai", "full", 40.0), 42.0, 1e-9);
}

TEST(DurationForecast, NeverBelowTheModelNorInventedWithoutHistory) {
  const std::vector<MeasuredProcess> so_far = {{"direct", "rows", 4.0, 2.0}};
  EXPECT_DOUBLE_EQ(forecast_s(so_far, "direct", "rows", 3.0), 3.0);
  EXPECT_DOUBLE_EQ(forecast_s(so_far, "direct", "cold_start", 1.5), 1.5);
  EXPECT_DOUBLE_EQ(forecast_s({}, "crewai", "rows", 7.0), 7.0);
}

}  // namespace
}  // namespace legion::driver
