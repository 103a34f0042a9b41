// Script-call arguments nested deeply: the nesting limit turns a hostile depth into a one-line
// ScriptError (it once took time quadratic in the depth: 20k levels, 15 s), and templates
// anywhere below the limit are still found and filled.
#include <gtest/gtest.h>

#include <string>

#include "legion/error.hpp"
#include "legion/json_input.hpp"
#include "legion/simulated_model.hpp"

namespace legion {
namespace {

// call echo {"k": {"k": ... "VALUE" ...}} with `levels` objects in all.
std::string nested_call(std::size_t levels, const std::string& value) {
  std::string arguments;
  for (std::size_t i = 0; i < levels; ++i) arguments += "{\"k\": ";
  arguments += value;
  arguments += std::string(levels, '}');
  return "[[script]]\ncall echo " + arguments + "\nanswer done\n[[/script]]";
}

ModelRequest conversation(const std::string& script) {
  return {{{Role::kSystem, script, "", {}, ""}, {Role::kUser, "go 7", "", {}, ""}}, {}};
}

TEST(ScriptNesting, ArgumentsBeyondTheLimitAreAOneLineScriptError) {
  SimulatedModel model;
  try {
    model.complete(conversation(nested_call(20'000, "1")));
    FAIL() << "20000 levels of arguments were accepted";
  } catch (const ScriptError& error) {
    EXPECT_EQ(std::string(error.what()),
              "script line 1: call echo: arguments nested deeper than 512 levels");
  }
}

TEST(ScriptNesting, TemplatesAtTheLimitAreFilled) {
  SimulatedModel model;
  const ChatMessage reply =
      model.complete(conversation(nested_call(kMaxJsonDepth - 1, R"(["{{find:go (\\d)}}", "x"])")))
          .message;
  ASSERT_EQ(reply.tool_calls.size(), 1u);
  const Json* value = &reply.tool_calls[0].arguments;
  for (std::size_t i = 0; i + 1 < kMaxJsonDepth; ++i) value = &(*value)["k"];
  EXPECT_EQ(*value, Json::parse(R"([7, "x"])"));
}

}  // namespace
}  // namespace legion
