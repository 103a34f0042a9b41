#include "simserver/wire.hpp"

#include <gtest/gtest.h>

namespace legion::simserver {
namespace {

Json parse(const std::string& text) {
  return Json::parse(text);
}

WireError refused(const std::string& body) {
  const ParseResult result = parse_chat_request(body);
  EXPECT_FALSE(result.request.has_value()) << body;
  return result.error;
}

TEST(Wire, ParsesMessagesToolsAndStreamOptions) {
  const ParseResult result = parse_chat_request(R"({
    "model": "m", "temperature": 0, "stream": true, "stream_options": {"include_usage": true},
    "messages": [
      {"role": "developer", "content": "be brief"},
      {"role": "user", "content": [{"type": "text", "text": "add "}, {"type": "text", "text": "2 and 3"}], "name": "ann"},
      {"role": "assistant", "content": null, "tool_calls": [
        {"id": "call_0_0", "type": "function", "function": {"name": "add", "arguments": "{\"a\":2,\"b\":3}"}}]},
      {"role": "tool", "tool_call_id": "call_0_0", "content": "5"}],
    "tools": [{"type": "function", "function": {"name": "add", "description": "a + b",
               "parameters": {"type": "object"}}}]})");
  ASSERT_TRUE(result.request.has_value()) << result.error.message;
  const ChatRequest& chat = *result.request;
  EXPECT_EQ(chat.model, "m");
  EXPECT_TRUE(chat.stream);
  EXPECT_TRUE(chat.include_usage);
  ASSERT_EQ(chat.request.messages.size(), 4u);
  EXPECT_EQ(chat.request.messages[0].role, Role::kSystem);
  EXPECT_EQ(chat.request.messages[1].content, "add 2 and 3");
  EXPECT_EQ(chat.request.messages[1].name, "ann");
  ASSERT_EQ(chat.request.messages[2].tool_calls.size(), 1u);
  EXPECT_EQ(chat.request.messages[2].tool_calls[0].arguments, (Json{{"a", 2}, {"b", 3}}));
  EXPECT_EQ(chat.request.messages[3].tool_call_id, "call_0_0");
  ASSERT_EQ(chat.request.tools.size(), 1u);
  EXPECT_EQ(chat.request.tools[0].name, "add");
  EXPECT_EQ(chat.request.tools[0].parameters, (Json{{"type", "object"}}));
}

TEST(Wire, RefusesWhatOpenAIRefusesNamingTheField) {
  EXPECT_EQ(refused("{not json").message, "the request body is not valid JSON");
  EXPECT_EQ(refused("[1]").message, "the request body must be a JSON object");
  EXPECT_EQ(refused(R"({"messages": [{"role": "user", "content": "x"}]})").param, "model");
  EXPECT_EQ(refused(R"({"model": "m"})").param, "messages");
  EXPECT_EQ(refused(R"({"model": "m", "messages": []})").param, "messages");
  EXPECT_EQ(refused(R"({"model": "m", "messages": [{"content": "x"}]})").param, "messages[0].role");
  EXPECT_EQ(refused(R"({"model": "m", "messages": [{"role": "wizard", "content": "x"}]})").param,
            "messages[0].role");
  EXPECT_EQ(refused(R"({"model": "m", "messages": [{"role": "tool", "content": "x"}]})").param,
            "messages[0].tool_call_id");
  EXPECT_EQ(refused(R"({"model": "m", "messages": [{"role": "user", "content": {"a": 1}}]})").param,
            "messages[0].content");
  EXPECT_EQ(refused(R"({"model": "m", "messages": [{"role": "assistant", "tool_calls": [
      {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{oops"}}]}]})")
                .param,
            "messages[0].tool_calls[0].function.arguments");
  EXPECT_EQ(refused(R"({"model": "m", "messages": [{"role": "user", "content": "x"}],
                        "tools": [{"type": "retrieval"}]})")
                .param,
            "tools[0]");
  EXPECT_EQ(
      refused(R"({"model": "m", "n": 2, "messages": [{"role": "user", "content": "x"}]})").param,
      "n");
  const Json error = parse(error_body(refused("{")))["error"];
  EXPECT_EQ(error["type"], "invalid_request_error");
  EXPECT_TRUE(error["param"].is_null());
  EXPECT_TRUE(error["code"].is_null());
}

ModelResponse tool_reply() {
  ModelResponse response;
  response.message.role = Role::kAssistant;
  response.message.tool_calls = {{"call_0_0", "add", {{"a", 2}, {"b", 3}}}};
  response.usage = {31, 7};
  return response;
}

TEST(Wire, CompletionShape) {
  const ReplyIds ids{"chatcmpl-x", 1700000000, "m"};
  Json body = parse(completion_body(tool_reply(), ids));
  EXPECT_EQ(body["object"], "chat.completion");
  EXPECT_EQ(body["id"], "chatcmpl-x");
  EXPECT_EQ(body["model"], "m");
  const Json& choice = body["choices"][0];
  EXPECT_EQ(choice["finish_reason"], "tool_calls");
  EXPECT_TRUE(choice["message"]["content"].is_null());
  EXPECT_EQ(choice["message"]["tool_calls"][0]["function"]["arguments"], R"({"a":2,"b":3})");
  EXPECT_EQ(body["usage"],
            (Json{{"prompt_tokens", 31}, {"completion_tokens", 7}, {"total_tokens", 38}}));

  ModelResponse text;
  text.message.content = "The sum is 5";
  body = parse(completion_body(text, ids));
  EXPECT_EQ(body["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(body["choices"][0]["message"]["content"], "The sum is 5");
  EXPECT_FALSE(body["choices"][0]["message"].contains("tool_calls"));
}

TEST(Wire, StreamChunksRebuildTheReply) {
  ModelResponse response = tool_reply();
  response.message.content = "Adding them now";
  const std::vector<std::string> chunks = stream_chunks(response, {"id", 1, "m"}, true);
  std::string content;
  std::string arguments;
  std::string finish;
  for (const std::string& text : chunks) {
    const Json chunk = parse(text);
    EXPECT_EQ(chunk["object"], "chat.completion.chunk");
    if (chunk["choices"].empty()) {
      EXPECT_EQ(chunk["usage"]["total_tokens"], 38);
      continue;
    }
    const Json& delta = chunk["choices"][0]["delta"];
    if (delta.contains("content") && delta["content"].is_string()) content += delta["content"];
    if (delta.contains("tool_calls")) {
      arguments += delta["tool_calls"][0]["function"]["arguments"].get<std::string>();
    }
    if (chunk["choices"][0]["finish_reason"].is_string())
      finish = chunk["choices"][0]["finish_reason"];
  }
  EXPECT_EQ(content, "Adding them now");
  EXPECT_EQ(arguments, R"({"a":2,"b":3})");
  EXPECT_EQ(finish, "tool_calls");
  EXPECT_TRUE(parse(chunks.back())["choices"].empty());  // the usage chunk comes last
}

TEST(Wire, Models) {
  const Json list = parse(models_body("legion-simulated"));
  EXPECT_EQ(list["object"], "list");
  EXPECT_EQ(list["data"][0]["id"], "legion-simulated");
  EXPECT_EQ(list["data"][0]["object"], "model");
}

}  // namespace
}  // namespace legion::simserver
