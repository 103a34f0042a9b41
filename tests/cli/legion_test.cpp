// The `legion` executable end to end: --help, `legion run` with checkpoints and resume after
// kill -9, usage errors, and `legion worker` processes killed and restarted under `verify`.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/legion_process.hpp"
#include "legion/store/task_store.hpp"
#include "support/wait_until.hpp"

namespace legion::cli {
namespace {

using nlohmann::json;
using store::testing::ChildProcess;
using namespace std::chrono_literals;
using legion::testing::wait_until;

const std::string kOpenAIExample = LEGION_SOURCE_DIR "/docs/examples/pipeline-openai.json";

// legion-simserver on a free port for one test: the URL it printed, SIGTERM at the end.
class SimServer {
 public:
  SimServer() {
    int out[2];
    if (::pipe(out) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      const std::string binary = LEGION_BIN_DIR "/legion-simserver";
      ::execl(binary.c_str(), binary.c_str(), "--port=0", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    std::string line;
    char c;
    while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(out[0]);
    const std::size_t at = line.find("http://");
    if (at != std::string::npos) url_ = line.substr(at);
  }
  ~SimServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  const std::string& url() const { return url_; }

 private:
  pid_t pid_ = -1;
  std::string url_;
};

TEST_F(LegionExecutable, HelpDocumentsEveryCommand) {
  auto help = run("--help");
  ASSERT_EQ(help.code, 0);
  for (const char* command : {"run", "worker", "submit", "status", "verify", "export", "tasks"}) {
    EXPECT_NE(help.out.find(command), std::string::npos) << command;
    EXPECT_EQ(run(std::string(command) + " --help").code, 0) << command;
  }
  EXPECT_NE(run("run --help").out.find("--store"), std::string::npos);
}

TEST_F(LegionExecutable, RunsTheExamplePipeline) {
  auto result = run("run " + kExample);
  ASSERT_EQ(result.code, 0) << result.err;
  auto out = json::parse(result.out);
  EXPECT_EQ(out["answer"], "Ada reports: The sum is 5");
  EXPECT_EQ(out["pattern"], "pipeline");
  EXPECT_EQ(out["usage"]["model_calls"], 4);
  EXPECT_EQ(out["usage"]["tool_calls"], 2);
  EXPECT_EQ(out["resumed_from_step"], 0);
}

// The same pipeline with the model behind an OpenAI-compatible endpoint (legion-simserver): the
// same answer and work, the calls counted by the CLI itself.
TEST_F(LegionExecutable, RunsTheExamplePipelineAgainstAnOpenAIEndpoint) {
  SimServer server;
  ASSERT_FALSE(server.url().empty());
  json spec;
  std::ifstream(kOpenAIExample) >> spec;
  spec["model"]["base_url"] = server.url();
  auto result = run("run " + write("openai.json", spec.dump()));
  ASSERT_EQ(result.code, 0) << result.err;
  auto out = json::parse(result.out);
  EXPECT_EQ(out["answer"], "Ada reports: The sum is 5");
  EXPECT_EQ(out["usage"]["model_calls"], 4);
  EXPECT_EQ(out["usage"]["tool_calls"], 2);
  EXPECT_EQ(out["model_calls_total"], 4);
  EXPECT_GT(out["usage"]["prompt_tokens"], 0);  // the server's usage counts

  // Nothing listening there any more: one line naming the endpoint, non-zero.
  spec["model"]["base_url"] = "http://127.0.0.1:1";
  spec["model"]["max_retries"] = 0;
  auto refused = run("run " + write("refused.json", spec.dump()));
  EXPECT_NE(refused.code, 0);
  EXPECT_NE(refused.err.find("http://127.0.0.1:1/v1/chat/completions"), std::string::npos)
      << refused.err;
  EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
}

TEST_F(LegionExecutable, MalformedSpecsAreOneLineNamingTheFieldWithExit2) {
  auto expect_spec_error = [&](const std::string& spec, const std::string& culprit) {
    auto r = run("run " + write("bad.json", spec));
    EXPECT_EQ(r.code, 2) << spec;
    EXPECT_NE(r.err.find(culprit), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  };
  const std::string agent =
      R"({"name": "a", "instructions": "[[script]]\nanswer hi\n[[/script]]"})";
  expect_spec_error("{", "not valid JSON");
  expect_spec_error(
      R"({"agents": [)" + agent +
          R"(], "pattern": {"type": "single", "agent": "a", "task": "t"}, "colour": 1})",
      "unknown field 'colour'");
  expect_spec_error(R"({"agents": [)" + agent + R"(], "pattern": {"type": "teleport"}})",
                    "unknown pattern 'teleport'");
  expect_spec_error(
      R"({"agents": [)" + agent + R"(], "pattern": {"type": "single", "agent": "b", "task": "t"}})",
      "unknown agent 'b'");
  expect_spec_error(
      R"({"agents": [{"name": "a", "tools": ["serach"]}], "pattern": {"type": "single", "agent": "a", "task": "t"}})",
      "agents[0].tools: unknown tool 'serach'");
  expect_spec_error(R"({"model": {"type": "gpt"}, "agents": [)" + agent +
                        R"(], "pattern": {"type": "single", "agent": "a", "task": "t"}})",
                    "unknown model 'gpt'");
  auto with_model = [&](const std::string& model) {
    return R"({"model": )" + model + R"(, "agents": [)" + agent +
           R"(], "pattern": {"type": "single", "agent": "a", "task": "t"}})";
  };
  expect_spec_error(with_model(R"({"type": "openai", "model": "m"})"),
                    "model.base_url: is required");
  expect_spec_error(with_model(R"({"type": "openai", "base_url": "http://x"})"),
                    "model.model: is required");
  expect_spec_error(with_model(R"({"type": "openai", "base_url": "ftp://x", "model": "m"})"),
                    "model.base_url: must be an http:// or https:// URL");
  expect_spec_error(with_model(R"({"type": "openai", "base_url": "http://x/v1", "model": "m"})"),
                    "model.base_url: give the server's root");
  expect_spec_error(
      with_model(R"({"type": "openai", "base_url": "http://x", "model": "m", "timeout_ms": 0})"),
      "model.timeout_ms: must be a positive integer");
  expect_spec_error(with_model(R"({"type": "openai", "base_url": "http://x", "model": "m",
                                   "connect_timeout_ms": 0})"),
                    "model.connect_timeout_ms: must be a positive integer");
  expect_spec_error(with_model(R"({"type": "openai", "base_url": "http://x", "model": "m",
                                   "temperature": "hot"})"),
                    "model.temperature: must be a number");
  expect_spec_error(
      with_model(R"({"type": "openai", "base_url": "http://x", "model": "m", "max_tokens": 0})"),
      "model.max_tokens: must be a positive integer");
  expect_spec_error(with_model(R"({"type": "openai", "base_url": "http://x", "model": "m",
                                   "max_tokens": 4294967296})"),
                    "model.max_tokens: is too large");
  expect_spec_error(
      with_model(R"({"type": "openai", "base_url": "http://x", "model": "m", "seed": 1})"),
      "model: unknown field 'seed'");
  auto flag = run("run " + kExample + " --frobnicate");
  EXPECT_EQ(flag.code, 2);
  EXPECT_NE(flag.err.find("--frobnicate"), std::string::npos) << flag.err;
}

TEST_F(LegionExecutable, APipelineKilledMidRunResumesAfterItsLastCompletedStage) {
  // 500 ms per model call, two calls per stage: the kill lands as soon as stage 1's
  // checkpoint is in the store, a second before stage 2 could finish.
  json spec = json::parse(std::ifstream(kExample));
  spec["model"]["latency"] = "fixed:500ms";
  std::string path = write("slow.json", spec.dump());
  auto observer = store::open_store(url_);  // the schema exists before the victim starts
  {
    ChildProcess victim({kLegion, "run", path, "--store", url_, "--workflow-id", "wf"});
    EXPECT_TRUE(wait_until([&] { return observer->load_checkpoint("wf").has_value(); }))
        << "stage 1 never checkpointed";
    victim.kill9();
  }
  ASSERT_EQ(observer->load_checkpoint("wf")->step, 1) << "the kill must land during stage 2";
  auto resumed = run("run " + path + " --store " + url_ + " --workflow-id wf");
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  auto out = json::parse(resumed.out);
  EXPECT_EQ(out["resumed_from_step"], 1) << "stage 1 was done before the kill";
  EXPECT_EQ(out["model_calls_total"], 2) << "only stage 2 ran again";
  EXPECT_EQ(out["answer"], "Ada reports: The sum is 5");
  EXPECT_EQ(out["hash"], json::parse(run("run " + kExample).out)["hash"])
      << "a resumed run did the same work as an uninterrupted one";
  // Finished: a third run is answered from the checkpoint alone.
  auto again = json::parse(run("run " + path + " --store " + url_ + " --workflow-id wf").out);
  EXPECT_EQ(again["resumed_from_step"], 2);
  EXPECT_EQ(again["model_calls_total"], 0);
}

TEST_F(LegionExecutable, WorkersKilledAndRestartedLeaveACleanLedger) {
  // 5 ms a task on two threads: ~0.75 s of work, of which the kill leaves most undone.
  ASSERT_EQ(run("submit --store " + url_ + " --count 300 --payload '{\"sleep_ms\": 5}'").code, 0);
  auto observer = store::open_store(url_);
  {
    ChildProcess first({kLegion, "worker", "--store", url_, "--test-handler", "--concurrency", "2",
                        "--batch", "4", "--lease-ms", "1000", "--id", "first"});
    EXPECT_TRUE(wait_until([&] { return observer->stats().done > 0; }))
        << "the first worker never completed a task";
    first.kill9();
  }
  auto mid = json::parse(run("status --store " + url_ + " --json").out);
  EXPECT_GT(mid["done"].get<int>(), 0);
  EXPECT_LT(mid["done"].get<int>(), 300) << "the kill must land mid-run";
  auto drained = run("worker --store " + url_ +
                     " --test-handler --concurrency 2 --batch 4 --drain --id second");
  ASSERT_EQ(drained.code, 0) << drained.err;
  auto verify = run("verify --store " + url_);
  EXPECT_EQ(verify.code, 0) << verify.out;
  auto ledger = json::parse(verify.out);
  EXPECT_EQ(ledger["accepted"], 300);
  EXPECT_EQ(ledger["effects"], 300);
  EXPECT_EQ(ledger["lost"], 0);
  EXPECT_EQ(ledger["unexpected"], 0);
  EXPECT_EQ(ledger["duplicated"], 0);
}

}  // namespace
}  // namespace legion::cli
