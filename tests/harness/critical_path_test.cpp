#include "critical_path.hpp"

#include <gtest/gtest.h>

#include "legion/error.hpp"
#include "legion/tokens.hpp"

namespace legion::adapters {
namespace {

using namespace std::chrono_literals;

// A run of `calls` model calls whose script sits in the system prompt.
std::vector<ChatMessage> run(const std::string& script, int calls) {
  std::vector<ChatMessage> transcript = {
      {Role::kSystem, "[[script]]\n" + script + "\n[[/script]]", {}, {}, {}},
      {Role::kUser, "go", {}, {}, {}}};
  for (int i = 0; i < calls; ++i) {
    transcript.push_back({Role::kAssistant, "reply " + std::to_string(i), {}, {}, {}});
    transcript.push_back({Role::kUser, "next", {}, {}, {}});
  }
  return transcript;
}

TEST(CriticalPath, SideBySideRunsCountTheLongestSequentialOnesTheSum) {
  const SimulatedModel model({42, LatencyModel::parse("fixed:20ms")});
  const std::vector<std::vector<ChatMessage>> runs = {run("say a", 2), run("say b", 3),
                                                      run("say c", 1)};
  const ModelLatency concurrent = model_latency(Pattern::kConcurrent, runs, model);
  EXPECT_EQ(concurrent.critical_path, 60ms);
  EXPECT_EQ(concurrent.sum, 120ms);
  EXPECT_EQ(model_latency(Pattern::kConsensus, runs, model).critical_path, 60ms);
  const ModelLatency pipeline = model_latency(Pattern::kPipeline, runs, model);
  EXPECT_EQ(pipeline.critical_path, 120ms);
  EXPECT_EQ(pipeline.sum, 120ms);
}

TEST(CriticalPath, RandomDrawsAreTheModelsOwn) {
  const SimulatedModel model({7, LatencyModel::parse("lognormal:20ms,0.5")});
  const std::vector<std::vector<ChatMessage>> runs = {run("say a", 2)};
  ModelRequest first;
  first.messages.assign(runs[0].begin(), runs[0].begin() + 2);
  ModelRequest second;
  second.messages.assign(runs[0].begin(), runs[0].begin() + 4);
  const auto expected = model.latency_for(first, count_completion_tokens(runs[0][2])) +
                        model.latency_for(second, count_completion_tokens(runs[0][4]));
  EXPECT_EQ(model_latency(Pattern::kSingle, runs, model).critical_path, expected);
  EXPECT_NE(expected, 40ms);
  // A transcript that does not show the script cannot be priced under a random model.
  const std::vector<std::vector<ChatMessage>> bare = {
      {{Role::kUser, "go", {}, {}, {}}, {Role::kAssistant, "x", {}, {}, {}}}};
  EXPECT_THROW(model_latency(Pattern::kSingle, bare, model), ScriptError);
}

}  // namespace
}  // namespace legion::adapters
