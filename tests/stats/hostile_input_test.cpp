// Input files an attacker or a careless user writes, for the statistics module and legion-stats:
// JSON nested ~90k levels deep (a stack overflow in whatever copies or writes the parsed value)
// is one line and exit 2.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "stats/error.hpp"
#include "stats/gbench_json.hpp"
#include "stats/json_input.hpp"
#include "stats/targets.hpp"
#include "support/run_command.hpp"

namespace {

std::string nested(std::size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

std::string error_of(const std::function<void()>& parse) {
  try {
    parse();
  } catch (const stats::StatsError& e) {
    return e.what();
  }
  return "no error";
}

TEST(StatsHostileInput, NestingBeyondTheLimitIsMalformedJson) {
  EXPECT_NO_THROW(stats::parse_json_input(nested(stats::kMaxJsonDepth), "x.json"));
  EXPECT_EQ(error_of([] { stats::parse_json_input(nested(stats::kMaxJsonDepth + 1), "x.json"); }),
            "x.json: malformed JSON: nested deeper than 512 levels");
  const std::string deep = "{\"benchmarks\": [], \"context\": " + nested(90'000) + "}";
  EXPECT_EQ(error_of([&] { stats::parse_gbench_json(deep, "real_time", "run.json"); }),
            "run.json: malformed JSON: nested deeper than 512 levels");
  EXPECT_EQ(error_of([&] { stats::parse_targets(nested(90'000), "targets.json"); }),
            "targets.json: malformed JSON: nested deeper than 512 levels");
}

// nlohmann throws out_of_range.406, not parse_error, for a number beyond double's range.
TEST(StatsHostileInput, NumberOutOfRangeIsMalformedJson) {
  EXPECT_EQ(error_of([] { stats::parse_json_input(R"({"a": 1e999})", "x.json"); }),
            "x.json: malformed JSON: number overflow parsing '1e999'");
  EXPECT_EQ(error_of([] {
              stats::parse_gbench_json(R"({"benchmarks": [1e999]})", "real_time", "run.json");
            }),
            "run.json: malformed JSON: number overflow parsing '1e999'");
}

TEST(StatsHostileInput, CliRejectsADeepFileInOneLine) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("legion_stats_deep_" + std::to_string(::getpid()) + ".json");
  std::ofstream(file) << "{\"benchmarks\": " << nested(90'000) << "}";
  const auto r = legion_test::run_command(std::string(LEGION_BIN_DIR) + "/legion-stats summary " +
                                          file.string() + " 2>&1");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("nested deeper than 512 levels"), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  std::filesystem::remove(file);
}

}  // namespace
