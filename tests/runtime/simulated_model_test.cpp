#include "legion/simulated_model.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <thread>

#include "../../legion/src/json_util.hpp"
#include "../../legion/src/script.hpp"
#include "legion/error.hpp"
#include "legion/tokens.hpp"

namespace legion {
namespace {

using namespace std::chrono_literals;

ChatMessage system_message(std::string content) {
  return {Role::kSystem, std::move(content), "", {}, ""};
}
ChatMessage user(std::string content) {
  return {Role::kUser, std::move(content), "", {}, ""};
}
ChatMessage tool(std::string content, std::string id = "call_0_0") {
  return {Role::kTool, std::move(content), "", {}, std::move(id)};
}
ChatMessage assistant(std::string content = "") {
  return {Role::kAssistant, std::move(content), "", {}, ""};
}
std::string script(const std::string& lines) {
  return "[[script]]\n" + lines + "\n[[/script]]";
}

ModelRequest request(std::vector<ChatMessage> messages, std::vector<ToolSpec> tools = {}) {
  return {std::move(messages), std::move(tools)};
}

// A conversation whose first message is the script, then a user turn, then `after`.
ModelRequest scripted(const std::string& lines, std::vector<ChatMessage> after,
                      std::vector<ToolSpec> tools) {
  std::vector<ChatMessage> messages = {system_message(script(lines)), user("go")};
  messages.insert(messages.end(), after.begin(), after.end());
  return request(std::move(messages), std::move(tools));
}

ChatMessage reply(const std::string& lines, std::vector<ChatMessage> after = {},
                  std::vector<ToolSpec> tools = {}) {
  SimulatedModel model;
  return model.complete(scripted(lines, std::move(after), std::move(tools))).message;
}

// The ScriptError a request raises, or "no error".
std::string script_error(const ModelRequest& conversation) {
  SimulatedModel model;
  try {
    model.complete(conversation);
  } catch (const ScriptError& error) {
    return error.what();
  }
  return "no error";
}

std::string error_of(const std::string& lines, std::vector<ChatMessage> after = {},
                     std::vector<ToolSpec> tools = {}) {
  return script_error(scripted(lines, std::move(after), std::move(tools)));
}

TEST(SimulatedModel, CallOperation) {
  const ChatMessage message = reply(R"(call add {"a": 2, "b": 3})");
  EXPECT_EQ(message.role, Role::kAssistant);
  EXPECT_EQ(message.content, "");
  ASSERT_EQ(message.tool_calls.size(), 1u);
  EXPECT_EQ(message.tool_calls[0].id, "call_0_0");
  EXPECT_EQ(message.tool_calls[0].name, "add");
  EXPECT_EQ(message.tool_calls[0].arguments, (Json{{"a", 2}, {"b", 3}}));
}

TEST(SimulatedModel, CallWithoutArgumentsSendsAnEmptyObject) {
  const ChatMessage message = reply("call now");
  ASSERT_EQ(message.tool_calls.size(), 1u);
  EXPECT_EQ(message.tool_calls[0].arguments, Json::object());
}

TEST(SimulatedModel, ParallelCallsMatchBracesOutsideStrings) {
  const ChatMessage message =
      reply(R"(call a {"x": "}{ \" }"} && call b {"y": {"z": [1, {"w": 2}]}}&&call c)");
  ASSERT_EQ(message.tool_calls.size(), 3u);
  EXPECT_EQ(message.tool_calls[0].name, "a");
  EXPECT_EQ(message.tool_calls[0].arguments["x"], "}{ \" }");
  EXPECT_EQ(message.tool_calls[1].id, "call_0_1");
  EXPECT_EQ(message.tool_calls[1].arguments["y"]["z"][1]["w"], 2);
  EXPECT_EQ(message.tool_calls[2].id, "call_0_2");
  EXPECT_EQ(message.tool_calls[2].name, "c");
}

TEST(SimulatedModel, TextOperations) {
  EXPECT_EQ(reply("say Hello there").content, "Hello there");
  EXPECT_EQ(reply("answer 42").content, "42");
  EXPECT_EQ(reply("vote B").content, "VOTE: B");
  EXPECT_EQ(reply("select critic").content, "critic");
  EXPECT_TRUE(reply("answer 42").tool_calls.empty());
}

TEST(SimulatedModel, CodeDecodesNewlinesAndBackslashes) {
  EXPECT_EQ(reply(R"(code python def f():\n    return "a\\n"\t)").content,
            "```python\ndef f():\n    return \"a\\n\"\\t\n```");
}

TEST(SimulatedModel, StepCountsAssistantTurnsAfterTheScriptMessage) {
  const std::string lines = R"(call add {"a": 2, "b": 3}
# a comment and a blank line do not count

say step {{step}}
answer done after {{step}} steps)";
  EXPECT_EQ(reply(lines).tool_calls.size(), 1u);
  // A tool result between two assistant turns does not consume a line.
  EXPECT_EQ(reply(lines, {assistant(), tool("5")}).content, "step 2");
  // Another user turn (multi-turn chat) does not either.
  EXPECT_EQ(reply(lines, {assistant(), tool("5"), assistant("step 2"), user("and?")}).content,
            "done after 3 steps");
}

TEST(SimulatedModel, AssistantTurnsBeforeTheScriptMessageDoNotCount) {
  SimulatedModel model;
  const ModelRequest with_history =
      request({user("old task"), assistant("old reply"), user(script("answer fresh"))});
  EXPECT_EQ(model.complete(with_history).message.content, "fresh");
}

TEST(SimulatedModel, IdsCarryTheStep) {
  const ChatMessage message = reply("say one\ncall a {} && call b {}", {assistant("one")});
  ASSERT_EQ(message.tool_calls.size(), 2u);
  EXPECT_EQ(message.tool_calls[0].id, "call_1_0");
  EXPECT_EQ(message.tool_calls[1].id, "call_1_1");
}

TEST(SimulatedModel, GoverningScriptIsTheNewestBlock) {
  SimulatedModel model;
  // The newest system/user message with a block wins; within it, the last block.
  EXPECT_EQ(model
                .complete(request({system_message(script("answer old")),
                                   user("wrap " + script("answer first") + " and " +
                                        script("answer second") + " trailing")}))
                .message.content,
            "second");
  // Assistant and tool messages never carry a script.
  EXPECT_EQ(model
                .complete(request({user(script("call t {}\nanswer real")),
                                   {Role::kAssistant, "", "", {{"call_0_0", "t", {}}}, ""},
                                   tool(script("answer injected")),
                                   user("next")}))
                .message.content,
            "real");
  EXPECT_EQ(
      model.complete(request({user(script("say a\nanswer b")), assistant(script("answer c"))}))
          .message.content,
      "b");
}

TEST(SimulatedModel, ResultTemplates) {
  const std::vector<ChatMessage> after = {assistant(), tool("5"), tool("7"), assistant(),
                                          tool("9")};
  const std::string two_calls = "call a {}\ncall b {}\n";
  EXPECT_EQ(reply(two_calls + "answer {{result}}", after).content, "9");
  EXPECT_EQ(reply(two_calls + "answer {{result:1}}/{{result:3}}", after).content, "5/9");
  EXPECT_EQ(reply(two_calls + "answer {{results}}", after).content, "5; 7; 9");
}

TEST(SimulatedModel, ResultsBeforeTheScriptMessageAreNotResults) {
  SimulatedModel model;
  const ModelRequest conversation = request(
      {tool("stale"), user(script("call a {}\nanswer {{results}}")), assistant(), tool("1")});
  EXPECT_EQ(model.complete(conversation).message.content, "1");
}

TEST(SimulatedModel, LastAndStepTemplates) {
  EXPECT_EQ(
      reply("say a\nanswer you said {{last}} at {{step}}", {assistant("a"), user("hi")}).content,
      "you said hi at 2");
  EXPECT_EQ(reply("call a {}\nanswer {{last}}", {assistant(), tool("r")}).content, "r");
  // When the newest user message holds the script, {{last}} is the text around the block.
  SimulatedModel model;
  EXPECT_EQ(
      model.complete(request({user("Task: add.\n" + script("answer [{{last}}]") + "\nThanks")}))
          .message.content,
      "[Task: add.\nThanks]");
}

TEST(SimulatedModel, FindTemplate) {
  SimulatedModel model;
  const ModelRequest conversation =
      request({system_message("Context: code of item 4711 is RED. code of item 4711 is BLUE."),
               user("Question?\n" + script("answer {{find:code of item 4711 is (\\w+)}}")),
               user("no match here")});
  // The last match wins, and its first capture group is the value.
  EXPECT_EQ(model.complete(conversation).message.content, "BLUE");
  // A newer message's match beats an older one's; a regex without groups yields the match.
  const ModelRequest newer =
      request({user("id=1"), user(script("answer {{find:id=\\d}}")), user("id=2 and id=3")});
  EXPECT_EQ(model.complete(newer).message.content, "id=3");
  // A quantifier's closing brace stays in the regex.
  const ModelRequest quantified =
      request({user("abc 1234 5678"), user(script("answer {{find:(\\d{4}) }}"))});
  EXPECT_EQ(model.complete(quantified).message.content, "1234");
}

// Found by tests/fuzz/script (results/2026-12-04-fuzz-1m): nested quantifiers made
// std::regex's backtracking matcher run for minutes; RE2 takes time linear in the text. The
// first alternative cannot match and backtracks 2^N ways at every position under std::regex.
TEST(SimulatedModel, FindWithNestedQuantifiersOverALongTextFinishes) {
  SimulatedModel model;
  const ModelRequest conversation = request(
      {user(std::string(20000, 'a') + "!"), user(script("answer {{find:(?:a|a)*b|(a{3})!}}"))});
  std::timespec before{};
  std::timespec after{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &before);
  EXPECT_EQ(model.complete(conversation).message.content, "aaa");
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &after);
  const double seconds = static_cast<double>(after.tv_sec - before.tv_sec) +
                         static_cast<double>(after.tv_nsec - before.tv_nsec) * 1e-9;
  EXPECT_LT(seconds, 2.0) << "CPU seconds for one {{find:}} over 20,000 bytes";
}

// Taking RE2's matches one after another costs the square of the text when each search
// reads on to the end: in `a.*b|(a)` over "aaa..." every `a` matches, yet the first
// alternative stays possible until the last byte. Over these 4 MiB that takes hours; the
// search starts detail::kFindWindowBytes before the end instead.
TEST(SimulatedModel, FindOverALongTextSearchesItsLastWindow) {
  SimulatedModel model;
  const ModelRequest pathological = request(
      {user(std::string(std::size_t{4} << 20, 'a')), user(script("answer {{find:a.*b|(a)}}"))});
  EXPECT_EQ(model.complete(pathological).message.content, "a");

  // A match that starts before the window is not found in its message: the search goes on
  // to older messages. One that starts on the window's first byte is found, and \b there
  // judges it by the byte before.
  const std::size_t window = detail::kFindWindowBytes;
  const std::string too_early = "code=1 " + std::string(window, '.');
  const std::string on_the_edge = "xcode=2" + std::string(window - 6, '.');
  auto find = [&](const std::string& text, const std::string& regex) {
    return model
        .complete(
            request({user("code=0"), user(text), user(script("answer {{find:" + regex + "}}"))}))
        .message.content;
  };
  EXPECT_EQ(find(too_early, "code=(\\d)"), "0");
  EXPECT_EQ(find(on_the_edge, "code=(\\d)"), "2");
  EXPECT_EQ(find(on_the_edge, "\\bcode=(\\d)"), "0");
}

// What RE2 leaves out (backreferences, lookaround) is a bad regex when the script is parsed;
// bytes that are not UTF-8 are read one by one, as std::regex did.
TEST(SimulatedModel, FindRegexSyntaxIsRe2) {
  for (const std::string regex : {"(a)\\1", "a(?=b)", "(?<!a)b"}) {
    const std::string error = error_of("answer {{find:" + regex + "}}");
    EXPECT_EQ(error.rfind("script line 1: template '{{find:" + regex + "}}': bad regex: ", 0), 0u)
        << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
  SimulatedModel model;
  EXPECT_EQ(model.complete(request({user("x\xf1\xf2y"), user(script("answer {{find:x(.)}}"))}))
                .message.content,
            "\xf1");
  EXPECT_EQ(model.complete(request({user("a1 a2"), user(script("answer {{find:\\ba(\\d)}}"))}))
                .message.content,
            "2");
}

TEST(SimulatedModel, FindIgnoresTheScriptBlockItself) {
  SimulatedModel model;
  const ModelRequest conversation =
      request({user("before MAGIC=1 " + script("answer {{find:MAGIC=(\\d)}}") + " MAGIC=2")});
  EXPECT_EQ(model.complete(conversation).message.content, "2");
  const ModelRequest only_in_block = request({user(script("answer {{find:answer (\\w+)}}"))});
  EXPECT_THROW(model.complete(only_in_block), ScriptError);
}

TEST(SimulatedModel, TemplatesInCallArguments) {
  const ChatMessage message = reply(
      "call add {\"a\": 2, \"b\": 3}\n"
      "call mul {\"a\": \"{{result}}\", \"b\": 4, \"note\": \"got \\\"{{result}}\\\"\", "
      "\"list\": [\"{{step}}\"]}",
      {assistant(), tool("5")});
  ASSERT_EQ(message.tool_calls.size(), 1u);
  const Json& arguments = message.tool_calls[0].arguments;
  // A value that is exactly one template and a number becomes a number.
  EXPECT_EQ(arguments["a"], 5);
  EXPECT_EQ(arguments["note"], "got \"5\"");
  EXPECT_EQ(arguments["list"][0], 2);
  EXPECT_EQ(arguments["b"], 4);
  const ChatMessage text =
      reply("call a {}\ncall b {\"q\": \"{{result}}\"}", {assistant(), tool("x \"y\"")});
  EXPECT_EQ(text.tool_calls[0].arguments["q"], "x \"y\"");
}

TEST(SimulatedModel, DelegateToADelegateTool) {
  const ToolSpec delegate{"delegate", "Hand work to a worker", Json::object()};
  const ChatMessage message =
      reply("delegate researcher Find the capital of {{step}}", {}, {delegate});
  ASSERT_EQ(message.tool_calls.size(), 1u);
  EXPECT_EQ(message.tool_calls[0].id, "call_0_0");
  EXPECT_EQ(message.tool_calls[0].name, "delegate");
  EXPECT_EQ(message.tool_calls[0].arguments,
            (Json{{"worker", "researcher"}, {"task", "Find the capital of 1"}}));
}

TEST(SimulatedModel, DelegateFillsACrewAiLikeSchema) {
  const ToolSpec ask{"Ask question to coworker", "", Json::object()};
  const ToolSpec crew{"Delegate_work_to_coworker",
                      "Delegate a specific task to one of the coworkers",
                      {{"type", "object"},
                       {"properties",
                        {{"task", {{"type", "string"}}},
                         {"context", {{"type", "string"}}},
                         {"coworker", {{"type", "string"}}},
                         {"priority", {{"type", "string"}}},
                         {"deadline", {{"type", {"string", "null"}}}}}},
                       {"required", {"task", "context", "coworker"}}}};
  const ChatMessage message =
      reply("say hi\ndelegate writer Write the report", {assistant("hi")}, {ask, crew});
  ASSERT_EQ(message.tool_calls.size(), 1u);
  EXPECT_EQ(message.tool_calls[0].id, "call_1_0");
  EXPECT_EQ(message.tool_calls[0].name, "Delegate_work_to_coworker");
  EXPECT_EQ(message.tool_calls[0].arguments,
            (Json{{"task", "Write the report"}, {"context", ""}, {"coworker", "writer"}}));
}

TEST(SimulatedModel, DelegateWithoutADelegationToolFails) {
  const ToolSpec other{"search", "", Json::object()};
  const std::string error = error_of("delegate writer Write", {}, {other});
  EXPECT_NE(error.find("script line 1: delegate"), std::string::npos) << error;
}

TEST(SimulatedModel, MalformedScriptsNameTheLine) {
  EXPECT_EQ(error_of("say hi\ncal add {}"), "script line 2: unknown operation 'cal'");
  EXPECT_EQ(error_of("# note\n\ncall add {\"a\": }"),
            "script line 3: call add: arguments are not a JSON object");
  EXPECT_EQ(error_of("call add [1, 2]"),
            "script line 1: call add: arguments are not a JSON object");
  EXPECT_EQ(error_of("call add {\"a\": 1"),
            "script line 1: call add: arguments are not a JSON object");
  EXPECT_EQ(error_of("call add {} junk"),
            "script line 1: call add: unexpected text after the arguments: 'junk'");
  EXPECT_EQ(error_of("call a {} && say b"),
            "script line 1: call a: '&&' must be followed by another call");
  EXPECT_EQ(error_of("say ok\n  \nanswer {{resultz}}"),
            "script line 3: unknown template '{{resultz}}'");
  EXPECT_EQ(error_of("answer {{result:0}}"),
            "script line 1: template '{{result:0}}': K must be a positive integer");
  EXPECT_NE(error_of("answer {{find:(}}").find("script line 1: template '{{find:(}}': bad regex"),
            std::string::npos);
  EXPECT_EQ(error_of("vote"), "script line 1: vote needs an option: vote OPTION");
  EXPECT_EQ(error_of("delegate bob"),
            "script line 1: delegate needs a worker and a task: delegate WORKER TEXT");
  EXPECT_EQ(error_of("code python"),
            "script line 1: code needs a language and a source: code LANG SOURCE");
  EXPECT_EQ(error_of("\n# only comments\n"),
            "script line 1: empty script (no operation between [[script]] and [[/script]])");
}

TEST(SimulatedModel, ConversationErrors) {
  EXPECT_EQ(script_error(request({user("no script here"), assistant(script("answer no"))})),
            "no [[script]] block in the conversation");
  EXPECT_EQ(script_error(request({user("[[script]]\nanswer 1\n")})),
            "script line 1: unterminated [[script]] block (no [[/script]] follows it)");
  EXPECT_EQ(error_of("say a\nanswer b", {assistant("a"), assistant("b")}),
            "script has 2 steps; step 3 requested");
  EXPECT_EQ(
      error_of("say a\nanswer {{result}}", {assistant("a")}),
      "script line 2: step 2: template {{result}} has no tool result after the script message");
  EXPECT_EQ(error_of("call a {}\nanswer {{result:2}}", {assistant(), tool("1")}),
            "script line 2: step 2: template {{result:2}} has no referent: 1 tool results");
  EXPECT_EQ(error_of("answer {{find:nothing (\\d+)}}"),
            "script line 1: step 1: template {{find:nothing (\\d+)}} matches nothing in the "
            "conversation");
}

TEST(SimulatedModel, OneLineBlockAndCrlf) {
  SimulatedModel model;
  EXPECT_EQ(model.complete(request({user("[[script]]answer inline[[/script]]")})).message.content,
            "inline");
  EXPECT_EQ(model
                .complete(request(
                    {user("[[script]]\r\nsay a\r\nanswer b\r\n[[/script]]"), assistant("a")}))
                .message.content,
            "b");
}

TEST(SimulatedModel, ScriptsAreCachedByContentNotByPosition) {
  SimulatedModel model;
  EXPECT_EQ(model.complete(request({user(script("answer one"))})).message.content, "one");
  EXPECT_EQ(model.complete(request({user(script("answer two"))})).message.content, "two");
  EXPECT_EQ(
      model.complete(request({user("other wrapper " + script("answer one"))})).message.content,
      "one");
}

TEST(TokenRule, CountsBytesMessagesToolsAndCalls) {
  EXPECT_EQ(count_tokens(""), 0u);
  EXPECT_EQ(count_tokens("abcd"), 1u);
  EXPECT_EQ(count_tokens("abcde"), 2u);
  ChatMessage call_reply{
      Role::kAssistant, "ok", "", {{"call_0_0", "add", {{"a", 2}, {"b", 3}}}}, ""};
  // "ok" 1 + "add" 1 + {"a":2,"b":3} (13 bytes) 4.
  EXPECT_EQ(count_completion_tokens(call_reply), 6u);
  const ToolSpec spec{"add", "Adds", {{"type", "object"}}};  // 3 + 4 + 17 bytes = 24 -> 6
  const ModelRequest conversation{{user("12345678"), call_reply}, {spec}};
  // (4 + 2) + (4 + 6) + 6.
  EXPECT_EQ(count_prompt_tokens(conversation), 22u);
}

TEST(TokenRule, DumpedSizeMatchesDump) {
  const std::vector<Json> values = {
      nullptr,
      true,
      false,
      0,
      -17,
      18446744073709551615ull,
      1.5,
      1e100,
      -0.0,
      "",
      "plain",
      "esc \" \\ \b \f \n \r \t \x01 \x1f \x7f",
      "unicode é 漢字 😀",
      Json::array(),
      Json::object(),
      Json::parse(R"({"a":[1,{"b":null,"c":[true,"x"]}],"d":{},"e":2.25})")};
  for (const Json& value : values) {
    EXPECT_EQ(detail::dumped_size(value), value.dump().size()) << value.dump();
  }
}

TEST(SimulatedModel, ReportsTokenUsage) {
  SimulatedModel model;
  const ModelRequest conversation = request({user(script("answer The sum is 5"))});
  const ModelResponse response = model.complete(conversation);
  EXPECT_EQ(response.usage.prompt_tokens, count_prompt_tokens(conversation));
  EXPECT_EQ(response.usage.completion_tokens, count_tokens("The sum is 5"));
  EXPECT_FALSE(response.has_tool_calls());
}

TEST(SimulatedModel, DeterministicAcrossCallsAndInstances) {
  const ModelRequest conversation = request(
      {system_message(script("call add {\"a\": 2, \"b\": 3}\nanswer The sum is {{result}}")),
       user("add"),
       {Role::kAssistant, "", "", {{"call_0_0", "add", {{"a", 2}, {"b", 3}}}}, ""},
       tool("5")});
  SimulatedModelOptions options;
  options.seed = 7;
  options.latency = LatencyModel::parse("lognormal:1us,0.8");
  SimulatedModel first(options);
  SimulatedModel second(options);
  const ModelResponse a = first.complete(conversation);
  const ModelResponse b = first.complete(conversation);
  const ModelResponse c = second.complete(conversation);
  EXPECT_EQ(a.message, b.message);
  EXPECT_EQ(a.message, c.message);
  EXPECT_EQ(a.message.content, "The sum is 5");
  EXPECT_EQ(a.usage.prompt_tokens, c.usage.prompt_tokens);
  EXPECT_EQ(a.usage.completion_tokens, c.usage.completion_tokens);
  EXPECT_EQ(first.latency_for(conversation, 3), second.latency_for(conversation, 3));

  // Another seed: other latency draws, same replies.
  options.seed = 8;
  SimulatedModel reseeded(options);
  EXPECT_EQ(reseeded.complete(conversation).message, a.message);
  EXPECT_NE(reseeded.latency_for(conversation, 3), first.latency_for(conversation, 3));
  // The draw depends on where the request stands in the scripted work (script and step), not
  // on its wording: a framework that wraps the task or words a tool result its own way draws
  // the same latency for the same step, so every framework sees the same draws.
  ModelRequest reworded = conversation;
  reworded.messages.back().content = "the tool said 5";
  reworded.messages[1].content = "Current Task: add";
  EXPECT_EQ(first.latency_for(reworded, 3), first.latency_for(conversation, 3));
  ModelRequest first_step = conversation;
  first_step.messages.resize(2);
  EXPECT_NE(first.latency_for(first_step, 3), first.latency_for(conversation, 3));
  ModelRequest other_script = conversation;
  other_script.messages[0] = system_message(script("call add {\"a\": 2, \"b\": 4}\nanswer x"));
  EXPECT_NE(first.latency_for(other_script, 3), first.latency_for(conversation, 3));
}

TEST(SimulatedModel, ModelTimeCoversTheFixedLatency) {
  SimulatedModelOptions options;
  options.latency = LatencyModel::parse("fixed:2ms");
  SimulatedModel model(options);
  const ModelResponse response = model.complete(request({user(script("answer slow"))}));
  EXPECT_GE(response.model_time, 2ms);
  EXPECT_EQ(model.counters().model_time, response.model_time);
  EXPECT_EQ(model.latency_for(request({user(script("answer slow"))}), 1), 2ms);
}

// The deferred path hands the latency to the caller (an event loop awaits it) instead of
// sleeping, and books it as model time, so both paths report the same work.
TEST(SimulatedModel, DeferredReplyIsCompleteWithoutTheSleep) {
  SimulatedModelOptions options;
  options.latency = LatencyModel::parse("lognormal:1s,0.5");
  SimulatedModel deferred(options), blocking({options.seed, LatencyModel::parse("none")});
  const ModelRequest conversation = request({user(script("call add {\"a\": 1}\nanswer x"))});
  const auto start = std::chrono::steady_clock::now();
  const SimulatedModel::Deferred out = deferred.complete_deferred(conversation);
  EXPECT_LT(std::chrono::steady_clock::now() - start, out.wait);  // not slept
  EXPECT_EQ(out.wait, deferred.latency_for(conversation, out.response.usage.completion_tokens));
  EXPECT_GE(out.response.model_time, out.wait);
  EXPECT_EQ(deferred.counters().model_time, out.response.model_time);
  EXPECT_EQ(deferred.counters().calls, 1u);
  const ModelResponse same = blocking.complete(conversation);
  EXPECT_EQ(out.response.message, same.message);
  EXPECT_EQ(out.response.usage.prompt_tokens, same.usage.prompt_tokens);
  EXPECT_EQ(out.response.usage.completion_tokens, same.usage.completion_tokens);
  EXPECT_EQ(blocking.complete_deferred(conversation).wait, 0ns);
}

TEST(SimulatedModel, CountersAreExactUnderConcurrency) {
  SimulatedModel model;
  const ModelRequest conversation = request(
      {system_message(script("call add {\"a\": 2, \"b\": 3}\nanswer {{result}}")), user("go")},
      {ToolSpec{"add", "Adds", {{"type", "object"}}}});
  const ModelResponse expected = model.complete(conversation);
  model.reset_counters();
  EXPECT_EQ(model.counters().calls, 0u);
  EXPECT_EQ(model.counters().model_time, 0ns);

  constexpr int kThreads = 8;
  constexpr int kCalls = 500;
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        // Half the threads use their own script text, so the cache sees concurrent misses.
        ModelRequest mine = conversation;
        if (t % 2 == 1) mine.messages[0].content += " thread " + std::to_string(t);
        if (model.complete(mine).message != expected.message) ++mismatches;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
  const ModelCounters counters = model.counters();
  EXPECT_EQ(counters.calls, static_cast<std::uint64_t>(kThreads * kCalls));
  EXPECT_EQ(counters.completion_tokens, kThreads * kCalls * expected.usage.completion_tokens);
  // Odd threads' system messages are 9-10 bytes longer: count them exactly.
  std::uint64_t prompt = 0;
  for (int t = 0; t < kThreads; ++t) {
    ModelRequest mine = conversation;
    if (t % 2 == 1) mine.messages[0].content += " thread " + std::to_string(t);
    prompt += kCalls * count_prompt_tokens(mine);
  }
  EXPECT_EQ(counters.prompt_tokens, prompt);
}

}  // namespace
}  // namespace legion
