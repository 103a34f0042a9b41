#include "driver/duration.hpp"

#include <gtest/gtest.h>

namespace legion::driver {
namespace {

TEST(Duration, ParsesUnitsAndSums) {
  EXPECT_DOUBLE_EQ(*parse_duration("10m"), 600);
  EXPECT_DOUBLE_EQ(*parse_duration("90s"), 90);
  EXPECT_DOUBLE_EQ(*parse_duration("1h30m"), 5400);
  EXPECT_DOUBLE_EQ(*parse_duration("2m30s"), 150);
  EXPECT_DOUBLE_EQ(*parse_duration("45"), 45);
  EXPECT_DOUBLE_EQ(*parse_duration("0.5s"), 0.5);
}

TEST(Duration, RejectsWhatIsNotADuration) {
  for (const char* bad : {"", "soon", "-5m", "10x", "1m30", "m", "1.2.3s", "10 m"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

TEST(Duration, FormatsForPeople) {
  EXPECT_EQ(format_duration(0.42), "0.4s");
  EXPECT_EQ(format_duration(42), "42s");
  EXPECT_EQ(format_duration(185), "3m05s");
  EXPECT_EQ(format_duration(3720), "1h02m");
  EXPECT_EQ(format_duration(-3), "0.0s");
}

}  // namespace
}  // namespace legion::driver
