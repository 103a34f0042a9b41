// Scenario specs an attacker or a careless user writes: JSON nested ~90k levels deep (once a
// stack overflow) and ${...} expressions whose 64-bit arithmetic overflows (once a silently
// wrong figure, so a wrong expected answer). Each is a one-line error.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "scenario.hpp"
#include "spec_template.hpp"

namespace legion::adapters {
namespace {

std::string error_of(const std::string& expression, const Variables& variables) {
  try {
    evaluate(expression, variables);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "no error";
}

TEST(HostileSpec, DeeplyNestedSpecIsAnErrorNotACrash) {
  const auto dir = std::filesystem::temp_directory_path() / "legion-hostile-spec";
  std::filesystem::create_directories(dir);
  const auto file = dir / "deep.json";
  std::ofstream(file) << "{\"id\": \"deep\", \"tasks\": " << std::string(90'000, '[')
                      << std::string(90'000, ']') << "}";
  try {
    load_scenario(file);
    ADD_FAILURE() << "loaded";
  } catch (const ScenarioError& error) {
    EXPECT_EQ(std::string(error.what()), file.string() + ": nested deeper than 512 levels");
  }
  std::filesystem::remove_all(dir);
}

TEST(HostileSpec, ArithmeticThatOverflowsIsAnError) {
  const Variables big = {{"a", "3037000500"}, {"b", "9223372036854775807"}};
  const std::string overflow = "overflows a 64-bit integer";
  EXPECT_EQ(error_of("a * a", big), "expression 'a * a': " + overflow);  // 3037000500^2 > 2^63-1
  EXPECT_EQ(error_of("a*b*b*b", big), "expression 'a*b*b*b': " + overflow);
  EXPECT_EQ(error_of("b + 1", big), "expression 'b + 1': " + overflow);
  EXPECT_EQ(error_of("-b - 2", big), "expression '-b - 2': " + overflow);
  EXPECT_EQ(error_of("(-b - 1) / -1", big), "expression '(-b - 1) / -1': " + overflow);
  EXPECT_EQ(error_of("99999999999999999999", big),
            "expression '99999999999999999999': number 99999999999999999999 " + overflow);
  EXPECT_EQ(evaluate("b - 1 + 1", big), 9223372036854775807);  // the edge itself is fine
  EXPECT_EQ(evaluate("(-b - 1) % 7", big), -1);
  EXPECT_THROW(expand("${a*b*b*b}", big), std::invalid_argument);
}

}  // namespace
}  // namespace legion::adapters
