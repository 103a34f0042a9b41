#include "legion/latency.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "legion/error.hpp"

namespace legion {
namespace {

using std::chrono::nanoseconds;
using namespace std::chrono_literals;

TEST(ParseDuration, AcceptsEveryUnit) {
  EXPECT_EQ(parse_duration("800ns"), 800ns);
  EXPECT_EQ(parse_duration("250us"), 250us);
  EXPECT_EQ(parse_duration("2ms"), 2ms);
  EXPECT_EQ(parse_duration("1.5s"), 1500ms);
  EXPECT_EQ(parse_duration("0ms"), 0ns);
  EXPECT_EQ(parse_duration("0.5us"), 500ns);
}

TEST(ParseDuration, RejectsMalformedText) {
  for (const char* text : {"", "2", "ms", "2 ms", "-1ms", "+1ms", "1e3ms", "2m", "2msx", ".5ms",
                           "5.ms", "1..2ms", "99999999999s"}) {
    EXPECT_THROW(parse_duration(text), ConfigError) << text;
  }
}

TEST(LatencyModel, ParsesEachKind) {
  EXPECT_EQ(LatencyModel::parse("none").kind(), LatencyModel::Kind::kNone);
  EXPECT_EQ(LatencyModel::parse("fixed:2ms").kind(), LatencyModel::Kind::kFixed);
  EXPECT_EQ(LatencyModel::parse("lognormal:20ms,0.5").kind(), LatencyModel::Kind::kLognormal);
  EXPECT_EQ(LatencyModel::parse("per-token:50us+2ms").kind(), LatencyModel::Kind::kPerToken);
  EXPECT_EQ(LatencyModel::parse("per-token:50us").kind(), LatencyModel::Kind::kPerToken);
  EXPECT_EQ(LatencyModel::none().kind(), LatencyModel::Kind::kNone);
}

TEST(LatencyModel, SpecRoundTrips) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"none", "none"},
      {"fixed:2ms", "fixed:2ms"},
      {"fixed:1.5ms", "fixed:1500us"},
      {"fixed:2000ms", "fixed:2s"},
      {"fixed:0s", "fixed:0ns"},
      {"lognormal:20ms,0.5", "lognormal:20ms,0.5"},
      {"lognormal:1.25s,1", "lognormal:1250ms,1"},
      {"per-token:50us+2ms", "per-token:50us+2ms"},
      {"per-token:7ns", "per-token:7ns"},
  };
  for (const auto& [spec, canonical] : cases) {
    const LatencyModel model = LatencyModel::parse(spec);
    EXPECT_EQ(model.spec(), canonical) << spec;
    EXPECT_EQ(LatencyModel::parse(model.spec()).spec(), canonical) << spec;
  }
}

TEST(LatencyModel, InvalidSpecsNameTheSpec) {
  for (const std::string spec : {"fast",
                                 "fixed:",
                                 "fixed:2 ms",
                                 "lognormal:1ms",
                                 "fixed:-1ms",
                                 "",
                                 "none:",
                                 "lognormal:1ms,",
                                 "lognormal:1ms,-1",
                                 "lognormal:1ms,x",
                                 "per-token:",
                                 "per-token:1ms+",
                                 "fixed:2ms ",
                                 "lognormal:abc",
                                 "lognormal:20ms,0",
                                 "lognormal:20ms,0.0",
                                 "lognormal:0ms,0.5",
                                 "lognormal:-20ms,0.5",
                                 "lognormal:20ms,-0.5",
                                 "lognormal:20ms,11"}) {
    try {
      LatencyModel::parse(spec);
      ADD_FAILURE() << "accepted '" << spec << "'";
    } catch (const ConfigError& error) {
      EXPECT_NE(std::string(error.what()).find("'" + spec + "'"), std::string::npos)
          << error.what();
    }
  }
}

TEST(LatencyModel, FixedAndPerTokenSamples) {
  EXPECT_EQ(LatencyModel::none().sample(1, 2, 3), 0ns);
  EXPECT_EQ(LatencyModel::parse("fixed:2ms").sample(1, 2, 3), 2ms);
  EXPECT_EQ(LatencyModel::parse("per-token:50us+2ms").sample(1, 2, 10), 2500us);
  EXPECT_EQ(LatencyModel::parse("per-token:50us").sample(1, 2, 0), 0ns);
}

TEST(LatencyModel, LognormalIsDeterministicPerSeedAndKey) {
  const LatencyModel model = LatencyModel::parse("lognormal:20ms,0.5");
  EXPECT_EQ(model.sample(7, 99, 0), model.sample(7, 99, 0));
  EXPECT_NE(model.sample(7, 99, 0), model.sample(8, 99, 0));
  EXPECT_NE(model.sample(7, 99, 0), model.sample(7, 100, 0));
}

TEST(LatencyModel, LognormalMedianAndSpreadMatchTheSpec) {
  const LatencyModel model = LatencyModel::parse("lognormal:20ms,0.5");
  std::vector<double> draws;
  for (std::uint64_t key = 0; key < 10000; ++key) {
    draws.push_back(static_cast<double>(model.sample(42, key * 0x9e3779b97f4a7c15ull, 0).count()));
  }
  std::sort(draws.begin(), draws.end());
  const double median = draws[draws.size() / 2];
  EXPECT_NEAR(median / 20e6, 1.0, 0.05);
  // exp(0.5 * 1.2816) = 1.898: the 90th percentile sits ~1.9x above the median.
  const double p90 = draws[draws.size() * 9 / 10];
  EXPECT_NEAR(p90 / median, 1.898, 0.1);
}

}  // namespace
}  // namespace legion
