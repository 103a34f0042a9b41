#include "legion/message.hpp"

#include <gtest/gtest.h>

#include "legion/error.hpp"

namespace legion {
namespace {

std::vector<ChatMessage> sample_transcript() {
  ChatMessage system{Role::kSystem, "You add numbers.", "", {}, ""};
  ChatMessage user{Role::kUser, "What is 2+3?", "alice", {}, ""};
  ChatMessage assistant{Role::kAssistant, "", "", {{"call_0_0", "add", {{"a", 2}, {"b", 3}}}}, ""};
  ChatMessage tool{Role::kTool, "5", "", {}, "call_0_0"};
  return {system, user, assistant, tool};
}

TEST(Message, RoleNamesRoundTrip) {
  for (Role role : {Role::kSystem, Role::kUser, Role::kAssistant, Role::kTool}) {
    EXPECT_EQ(role_from_string(to_string(role)), role);
  }
  EXPECT_THROW(role_from_string("robot"), ConfigError);
}

TEST(Message, JsonRoundTrip) {
  for (const ChatMessage& message : sample_transcript()) {
    EXPECT_EQ(message_from_json(to_json(message)), message) << to_json(message).dump();
  }
}

TEST(Message, ToolCallArgumentsTravelAsAString) {
  const Json json = to_json(sample_transcript()[2]);
  ASSERT_TRUE(json["tool_calls"][0]["function"]["arguments"].is_string());
  EXPECT_EQ(json["tool_calls"][0]["function"]["arguments"], R"({"a":2,"b":3})");
  EXPECT_EQ(json["tool_calls"][0]["type"], "function");
}

TEST(Message, RejectsMalformedJson) {
  EXPECT_THROW(message_from_json(Json::array()), ConfigError);
  EXPECT_THROW(message_from_json(Json{{"role", "robot"}}), ConfigError);
  const Json bad_arguments = {
      {"role", "assistant"},
      {"tool_calls", {{{"id", "x"}, {"function", {{"name", "f"}, {"arguments", "{not json"}}}}}}};
  EXPECT_THROW(message_from_json(bad_arguments), ConfigError);
}

// Found by tests/fuzz/openai_reply: a server's reply with a field of the wrong type ("role":
// [...], "name": 5, a tool call that is not an object) threw nlohmann's type_error out of the
// model instead of a ConfigError (a ModelError "malformed reply" to the caller).
TEST(Message, FieldsOfTheWrongTypeAreConfigErrors) {
  const auto error = [](const Json& json) -> std::string {
    try {
      message_from_json(json);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_EQ(error(Json{{"role", Json::array()}}), "message 'role' must be a string");
  EXPECT_EQ(error(Json{{"role", "assistant"}, {"name", 5}}), "message 'name' must be a string");
  EXPECT_EQ(error(Json{{"tool_call_id", true}}), "message 'tool_call_id' must be a string");
  EXPECT_EQ(error(Json{{"tool_calls", {1}}}), "a tool call must be a JSON object");
  EXPECT_EQ(error(Json{{"tool_calls", {{{"function", "f"}}}}}),
            "a tool call's 'function' must be an object");
  EXPECT_EQ(error(Json{{"tool_calls", {{{"id", 7}}}}}), "tool call 'id' must be a string");
  EXPECT_EQ(error(Json{{"tool_calls", {{{"function", {{"name", "f"}, {"arguments", "[1]"}}}}}}}),
            "tool call 'f' has arguments that are not an object");
  // Null where a string or the arguments may be left out reads as absent.
  const ChatMessage message = message_from_json(Json{
      {"role", nullptr},
      {"tool_calls", {{{"id", nullptr}, {"function", {{"name", "f"}, {"arguments", "null"}}}}}}});
  EXPECT_EQ(message.role, Role::kUser);
  ASSERT_EQ(message.tool_calls.size(), 1u);
  EXPECT_EQ(message.tool_calls[0].arguments, Json::object());
}

TEST(Message, NullContentBecomesEmpty) {
  const ChatMessage message = message_from_json(Json{{"role", "assistant"}, {"content", nullptr}});
  EXPECT_EQ(message.content, "");
  EXPECT_EQ(message.role, Role::kAssistant);
}

// Found by tests/fuzz/script: a script's delegate worker or call argument can hold bytes that
// are not UTF-8 (a {{find:(.)}} capture cuts a character in two); a strict dump() threw
// json type_error.316 out of every pattern's transcript hash.
TEST(Message, ToolCallArgumentsThatAreNotUtf8StillSerialiseAndHash) {
  ChatMessage call{
      Role::kAssistant, "", "", {{"call_0_0", "delegate", {{"worker", "\xf1\xf1"}}}}, ""};
  Json json;
  ASSERT_NO_THROW(json = to_json(call));
  EXPECT_EQ(json["tool_calls"][0]["function"]["arguments"], "{\"worker\":\"\ufffd\ufffd\"}");
  EXPECT_NO_THROW(hash_transcript({call}));
  EXPECT_NE(hash_transcript({call}), hash_transcript({}));
}

TEST(HashTranscript, IsStableAcrossRuns) {
  // Pinned: a change of this value changes every recorded output hash.
  EXPECT_EQ(hex64(hash_transcript(sample_transcript())), "ee02a6f43d468b7b");
  EXPECT_EQ(hex64(hash_transcript({})), hex64(fnv1a("legion-transcript-v1")));
}

TEST(HashTranscript, IsSensitiveToEveryField) {
  const std::uint64_t base = hash_transcript(sample_transcript());
  std::vector<std::vector<ChatMessage>> variants(7, sample_transcript());
  variants[0][1].role = Role::kSystem;
  variants[1][1].content = "What is 2+4?";
  variants[2][1].name = "bob";
  variants[3][3].tool_call_id = "call_0_1";
  variants[4][2].tool_calls[0].name = "sub";
  variants[5][2].tool_calls[0].arguments["b"] = 4;
  variants[6].pop_back();
  for (std::size_t i = 0; i < variants.size(); ++i) {
    EXPECT_NE(hash_transcript(variants[i]), base) << "variant " << i;
  }
  // Field separators keep ("ab","c") and ("a","bc") apart.
  std::vector<ChatMessage> left = {{Role::kUser, "ab", "c", {}, ""}};
  std::vector<ChatMessage> right = {{Role::kUser, "a", "bc", {}, ""}};
  EXPECT_NE(hash_transcript(left), hash_transcript(right));
}

}  // namespace
}  // namespace legion
