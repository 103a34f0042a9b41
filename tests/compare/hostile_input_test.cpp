// legion-compare given an input nested ~90k levels deep (once a stack overflow when its context
// was copied and written to --json): one line, exit 2.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/run_command.hpp"

namespace {

TEST(CompareHostileInput, DeepInputIsOneLineAndExitTwo) {
  const std::string data = std::string(LEGION_TEST_DATA_DIR) + "/compare/";
  // A real run file with a value nested 90000 levels deep in its context, which legion-compare
  // copies and writes to --json: that overflowed the stack (SIGSEGV).
  std::ifstream in(data + "legion.1.json");
  std::stringstream text;
  text << in.rdbuf();
  std::string run = text.str();
  const auto context = run.find("\"context\": {");
  ASSERT_NE(context, std::string::npos);
  run.insert(context + 12,
             "\"deep\": " + std::string(90'000, '[') + std::string(90'000, ']') + ", ");
  const auto file = std::filesystem::temp_directory_path() /
                    ("legion_compare_deep_" + std::to_string(::getpid()) + ".json");
  std::ofstream(file) << run;
  const std::string compare = std::string(LEGION_BIN_DIR) + "/legion-compare ";
  const std::string out = file.string() + ".out.json";
  const auto r = legion_test::run_command(compare + "--json " + out + " " + file.string() + " " +
                                          data + "slow.1.json 2>&1");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find(file.string() + ": malformed JSON: nested deeper than 512 levels"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  std::filesystem::remove(file);
  std::filesystem::remove(out);
}

}  // namespace
