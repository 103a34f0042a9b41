// legion_bridge seen from Python: the same SimulatedModel replies, token counts and latency
// draws as the C++ API, the catalogue tools, BM25 memory and the hashed embedder bit for bit,
// exact JSON conversion, and the GIL released while the model sleeps.
#include <gtest/gtest.h>
#include <pybind11/embed.h>
#include <pybind11/stl.h>

#include <atomic>
#include <thread>

#include "legion/corpus.hpp"
#include "legion/embedder.hpp"
#include "legion/error.hpp"
#include "legion/tokens.hpp"
#include "python_bridge/bridge.hpp"
#include "python_bridge/interpreter.hpp"
#include "python_bridge/json.hpp"

namespace py = pybind11;

namespace legion::python {
namespace {

const char* const kScript =
    "Add.\n[[script]]\ncall add {\"a\": 2, \"b\": 3}\nanswer The sum is {{result}}\n[[/script]]";

class Bridge : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { start_interpreter(); }

  ToolRegistry tools_;
  Bridge() {
    tools_.add("add", "Add two integers.",
               Json{{"type", "object"},
                    {"properties", {{"a", {{"type", "integer"}}}, {"b", {{"type", "integer"}}}}},
                    {"required", {"a", "b"}}},
               [](const Json& a) { return Json(a["a"].get<int>() + a["b"].get<int>()); });
  }
};

TEST_F(Bridge, PythonGetsTheSameRepliesAsCpp) {
  SimulatedModel model({7, LatencyModel::parse("lognormal:1ms,0.5")});
  ModelRequest request;
  request.messages = {{Role::kUser, kScript, {}, {}, {}}};
  request.tools = tools_.specs();
  const SimulatedModel::Deferred cpp = model.complete_deferred(request);

  py::gil_scoped_acquire gil;
  py::dict scope;
  scope["model"] = wrap_model(model);
  scope["tools"] = wrap_tools(tools_, {"add"});
  scope["script"] = kScript;
  py::exec(R"(
first = model.complete_deferred([{"role": "user", "content": script}], tools.specs())
call = first["tool_calls"][0]
result = tools.call(call["name"], call["arguments"])
history = [{"role": "user", "content": script},
           {"role": "assistant", "content": first["content"], "tool_calls": first["tool_calls"]},
           {"role": "tool", "content": result, "tool_call_id": call["id"]}]
second = model.complete(history, tools.specs())
)",
           scope);
  const py::dict first = scope["first"];
  const py::dict call = py::list(first["tool_calls"])[0];
  EXPECT_EQ(call["name"].cast<std::string>(), "add");
  EXPECT_EQ(call["id"].cast<std::string>(), cpp.response.message.tool_calls[0].id);
  EXPECT_EQ(to_json(call["arguments"]), (Json{{"a", 2}, {"b", 3}}));
  EXPECT_EQ(first["prompt_tokens"].cast<std::uint64_t>(), cpp.response.usage.prompt_tokens);
  EXPECT_EQ(first["completion_tokens"].cast<std::uint64_t>(), cpp.response.usage.completion_tokens);
  EXPECT_DOUBLE_EQ(first["wait_s"].cast<double>(), std::chrono::duration<double>(cpp.wait).count());
  EXPECT_GT(cpp.wait.count(), 0);
  EXPECT_EQ(scope["result"].cast<std::string>(), "5");
  EXPECT_EQ(py::dict(scope["second"])["content"].cast<std::string>(), "The sum is 5");
  EXPECT_EQ(model.counters().calls, 3u);  // one from C++, two from Python: one set of books
}

TEST_F(Bridge, ScriptErrorsReachPythonAsScriptError) {
  SimulatedModel model;
  py::gil_scoped_acquire gil;
  py::dict scope;
  scope["model"] = wrap_model(model);
  py::exec(R"(
import legion_bridge
try:
    model.complete([{"role": "user", "content": "no script here"}])
    caught = None
except legion_bridge.ScriptError as e:
    caught = str(e)
is_runtime_error = issubclass(legion_bridge.ScriptError, RuntimeError)
)",
           scope);
  EXPECT_NE(scope["caught"].cast<std::string>().find("no [[script]] block"), std::string::npos);
  EXPECT_TRUE(scope["is_runtime_error"].cast<bool>());
}

// No clock in the verdict: the sleeper holds the GIL from mark() until complete() releases
// it, so when this thread gets the GIL the model call must still be in flight (calls == 0).
// Had complete() kept the GIL, we would get it only after the call was counted.
TEST_F(Bridge, TheGilIsReleasedWhileTheModelSleeps) {
  SimulatedModel model({1, LatencyModel::parse("fixed:2s")});
  std::atomic<bool> marked{false};
  std::thread sleeper([&] {
    py::gil_scoped_acquire gil;
    py::dict scope;
    scope["model"] = wrap_model(model);
    scope["script"] = kScript;
    scope["mark"] = py::cpp_function([&] { marked = true; });
    py::exec("mark(); model.complete([{'role': 'user', 'content': script}])", scope);
  });
  while (!marked) std::this_thread::yield();
  std::uint64_t calls_seen = 0;
  {
    py::gil_scoped_acquire gil;
    calls_seen = model.counters().calls;
  }
  sleeper.join();
  EXPECT_EQ(calls_seen, 0u);
  EXPECT_EQ(model.counters().calls, 1u);
}

TEST_F(Bridge, MemoryIsTheRuntimesBm25) {
  DocumentStore store;
  store.add_batch(generate_corpus(200, 3));
  const std::string query = corpus_fact_query(17);
  const auto hits = store.search_bm25(query, 3);
  py::gil_scoped_acquire gil;
  const py::list found = wrap_memory(&store).attr("search")(query, 3);
  ASSERT_EQ(found.size(), hits.size());
  for (std::size_t i = 0; i < hits.size(); ++i) {
    const py::tuple hit = found[i];
    EXPECT_EQ(hit[0].cast<std::string>(), std::string(hits[i].id));
    EXPECT_EQ(hit[1].cast<std::string>(), store.document(hits[i].index).text);
  }
  EXPECT_EQ(wrap_memory(&store).attr("size").cast<std::size_t>(), 200u);
  EXPECT_TRUE(wrap_memory(nullptr).is_none());
}

TEST_F(Bridge, EmbeddingsAndTokensAreTheRuntimes) {
  const HashedEmbedder embedder;
  py::gil_scoped_acquire gil;
  py::module_ bridge = py::module_::import("legion_bridge");
  const std::string text = "The code of item 42 is K00XYZ1.";
  EXPECT_EQ(bridge.attr("embed")(text).cast<std::vector<float>>(), embedder.embed(text));
  const auto many = bridge.attr("embed_many")(std::vector<std::string>{text, "other words"})
                        .cast<std::vector<std::vector<float>>>();
  EXPECT_EQ(many.at(1), embedder.embed("other words"));
  EXPECT_EQ(bridge.attr("EMBEDDING_DIMENSIONS").cast<std::size_t>(), embedder.dimensions());
  EXPECT_EQ(bridge.attr("count_tokens")(text).cast<std::uint64_t>(), count_tokens(text));
}

TEST_F(Bridge, JsonConversionKeepsTypes) {
  py::gil_scoped_acquire gil;
  const Json value = Json::parse(
      R"({"int": 5, "neg": -7, "big": 9007199254740993, "float": 2.5, "bool": true,
          "null": null, "text": "caf\u00e9", "list": [1, "a", [false]], "obj": {"k": {}}})");
  const py::object round = from_json(value);
  EXPECT_TRUE(py::isinstance<py::int_>(py::dict(round)["int"]));
  EXPECT_TRUE(py::isinstance<py::bool_>(py::dict(round)["bool"]));
  EXPECT_EQ(to_json(round), value);
  EXPECT_THROW(to_json(py::eval("object()")), ConfigError);
  EXPECT_THROW(to_json(py::eval("{1: 2}")), ConfigError);
}

TEST_F(Bridge, MessagesConvertToTheRuntimesType) {
  py::gil_scoped_acquire gil;
  const auto messages = to_messages(py::eval(R"([
      {"role": "system", "content": "s"},
      {"role": "assistant", "content": "", "tool_calls": [
          {"id": "call_0_0", "name": "add", "arguments": {"a": 1}}]},
      {"role": "tool", "content": "1", "tool_call_id": "call_0_0", "name": None}])"));
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[1].role, Role::kAssistant);
  EXPECT_EQ(messages[1].tool_calls.at(0).arguments, (Json{{"a", 1}}));
  EXPECT_EQ(messages[2].tool_call_id, "call_0_0");
  EXPECT_THROW(to_messages(py::eval("[{'role': 'wizard', 'content': ''}]")), ConfigError);
}

}  // namespace
}  // namespace legion::python
