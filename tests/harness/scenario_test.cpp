// The catalog as data: a malformed spec is rejected once, at load, in one line naming the
// file and the field; templates and expressions expand as documented.
#include "scenario.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "run_adapter.hpp"
#include "spec_template.hpp"

namespace legion::adapters {
namespace {

using test_support::kCatalog;

class MalformedSpec : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("legion-spec-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    std::ifstream in(kCatalog + "/simple_task.json");
    spec_ = Json::parse(in);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Loads `spec_` after `edit`; returns the error message ("" when it loads).
  std::string load(const std::function<void(Json&)>& edit) {
    Json spec = spec_;
    edit(spec);
    const auto file = dir_ / "simple_task.json";
    std::ofstream(file) << spec.dump(2);
    try {
      load_scenario(file);
      return "";
    } catch (const ScenarioError& error) {
      std::string message = error.what();
      EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
      EXPECT_EQ(message.rfind(file.string(), 0), 0u) << "names the file: " << message;
      return message;
    }
  }

  std::filesystem::path dir_;
  Json spec_;
};

TEST_F(MalformedSpec, TheUnchangedSpecLoads) {
  EXPECT_EQ(load([](Json&) {}), "");
}

TEST_F(MalformedSpec, NamesTheField) {
  EXPECT_NE(
      load([](Json& s) { s["pattern"] = "solo"; }).find("field 'pattern': unknown pattern 'solo'"),
      std::string::npos);
  EXPECT_NE(load([](Json& s) { s.erase("expected"); }).find("field 'expected': missing"),
            std::string::npos);
  EXPECT_NE(load([](Json& s) { s["tools"] = {"teleport"}; }).find("field 'tools[0]'"),
            std::string::npos);
  EXPECT_NE(load([](Json& s) { s["agents"][0].erase("role"); }).find("field 'agents[0].role'"),
            std::string::npos);
  EXPECT_NE(load([](Json& s) {
              s["expected"] = "${a + c}";
            }).find("field 'expected': expression 'a + c': unknown variable 'c'"),
            std::string::npos);
  EXPECT_NE(load([](Json& s) { s["colour"] = 1; }).find("field 'colour': unknown field"),
            std::string::npos);
  EXPECT_NE(load([](Json& s) { s["id"] = "other"; }).find("field 'id'"), std::string::npos);
  EXPECT_NE(load([](Json& s) { s["inputs"][0]["random"] = {1}; }).find("field 'inputs[0].random'"),
            std::string::npos);
}

// A group chat's conversation memory is a spec field, not recognised from the scenario's id.
TEST_F(MalformedSpec, ConversationMemoryIsABooleanOfAGroupChat) {
  EXPECT_NE(load([](Json& s) {
              s["conversation_memory"] = "yes";
            }).find("field 'conversation_memory': expected true or false"),
            std::string::npos);
  EXPECT_NE(load([](Json& s) {
              s["conversation_memory"] = true;
            }).find("field 'conversation_memory': only the group_chat pattern"),
            std::string::npos);
}

TEST(Catalog, TheConversationKeepsItsMemoryTheTeamChatDoesNot) {
  const Scenario conversation = load_scenario(kCatalog + "/multi_turn_conversation.json");
  EXPECT_TRUE(conversation.conversation_memory);
  EXPECT_TRUE(
      instantiate(conversation, parameter_grid(conversation, true).front(), 1).conversation_memory);
  const Scenario team = load_scenario(kCatalog + "/team_coordination.json");
  EXPECT_FALSE(team.conversation_memory);
  EXPECT_FALSE(instantiate(team, parameter_grid(team, true).front(), 1).conversation_memory);
}

// Found by tests/fuzz/scenario_spec: a number beyond a double's range is not a parse_error
// to nlohmann but out_of_range.406, which escaped as raw exception text.
TEST_F(MalformedSpec, ANumberOutOfRangeIsInvalidJson) {
  const auto file = dir_ / "simple_task.json";
  std::ofstream(file) << R"({"id": "simple_task", "expected": 1e999})";
  try {
    load_scenario(file);
    FAIL();
  } catch (const ScenarioError& error) {
    EXPECT_NE(std::string(error.what()).find("not valid JSON"), std::string::npos) << error.what();
  }
}

TEST_F(MalformedSpec, InvalidJsonIsNamed) {
  const auto file = dir_ / "simple_task.json";
  std::ofstream(file) << "{\"id\": ";
  try {
    load_scenario(file);
    FAIL();
  } catch (const ScenarioError& error) {
    EXPECT_NE(std::string(error.what()).find("not valid JSON"), std::string::npos);
  }
}

TEST(Catalog, ParametersExpandToTheirGrid) {
  const Scenario s = load_scenario(kCatalog + "/large_context_retrieval.json");
  ASSERT_EQ(parameter_grid(s).size(), 3u);
  ASSERT_EQ(parameter_grid(s, true).size(), 1u);
  EXPECT_EQ(parameter_grid(s, true).front().at("docs"), 1000);
  const ScenarioInput input = instantiate(s, {{"docs", 1000}}, 42);
  EXPECT_EQ(input.corpus_documents, 1000u);
  EXPECT_EQ(input.expected.size(), 8u);  // a corpus fact code
  EXPECT_LT(std::stoll(input.variables.at("item")), 1000);
}

TEST(Templates, ExpandVariablesAndExpressions) {
  const Variables vars{{"a", "7"}, {"b", "3"}, {"name", "x"}};
  EXPECT_EQ(expand("${a} + ${b} = ${a + b}, ${name}, ${(a - b) * 2 % 5}, {{result}}", vars),
            "7 + 3 = 10, x, 3, {{result}}");
  EXPECT_EQ(evaluate("-a / 2", vars), -3);
  EXPECT_THROW(evaluate("a / (b - 3)", vars), std::invalid_argument);
  EXPECT_THROW(evaluate("name + 1", vars), std::invalid_argument);
  EXPECT_THROW(expand("${a", vars), std::invalid_argument);
}

}  // namespace
}  // namespace legion::adapters
