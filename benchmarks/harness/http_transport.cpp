#include "http_transport.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <vector>

#include "legion/error.hpp"

namespace legion::harness {
namespace {

using namespace std::chrono_literals;

// Reads the child's first line ("legion-simserver listening on http://127.0.0.1:PORT") within
// `limit`; empty on timeout or EOF.
std::string first_line(int fd, std::chrono::milliseconds limit) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return {};
    pollfd entry{fd, POLLIN, 0};
    if (::poll(&entry, 1, static_cast<int>(left.count())) <= 0) continue;
    char buffer[256];
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got <= 0) return {};
    line.append(buffer, static_cast<std::size_t>(got));
  }
  return line.substr(0, line.find('\n'));
}

class MeteredAdapter final : public Adapter {
 public:
  MeteredAdapter(std::unique_ptr<Adapter> inner, const simserver::CounterBlock& counters)
      : inner_(std::move(inner)), counters_(counters) {}

  std::string name() const override { return inner_->name(); }
  std::string version() const override { return inner_->version(); }
  StartReport start() override { return inner_->start(); }
  // A scenario the framework cannot run is that; one it can run still needs its OpenAI client.
  Support support(const Scenario& scenario) const override {
    Support out = inner_->support(scenario);
    return out.supported ? inner_->http_support() : out;
  }
  Support http_support() const override { return inner_->http_support(); }
  void prepare(const Scenario& scenario, const RunConfig& config) override {
    inner_->prepare(scenario, config);
  }
  void teardown() override { inner_->teardown(); }
  std::uint64_t heap_in_use_bytes() const override { return inner_->heap_in_use_bytes(); }

  Outcome run(const ScenarioInput& input) override {
    const simserver::CounterSnapshot before = simserver::snapshot(counters_);
    Outcome out = inner_->run(input);
    const simserver::CounterSnapshot used = simserver::snapshot(counters_) - before;
    if (used.errors > 0) {
      throw Error("the model server answered " + std::to_string(used.errors) +
                  " request(s) of this run with an error (its reply is in the framework's "
                  "exception, if the framework raised one)");
    }
    out.model_calls = used.calls;
    out.prompt_tokens = used.prompt_tokens;
    out.completion_tokens = used.completion_tokens;
    out.model_time = std::chrono::nanoseconds(used.model_ns);
    out.metrics["server_cpu_ns"] = static_cast<double>(used.server_cpu_ns);
    return out;
  }

 private:
  std::unique_ptr<Adapter> inner_;
  const simserver::CounterBlock& counters_;
};

}  // namespace

std::filesystem::path sibling_executable(const std::string& name) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path(name) : self.parent_path() / name;
}

SimServerProcess::SimServerProcess(const SimServerOptions& options) {
  if (::access(options.binary.c_str(), X_OK) != 0) {
    throw ConfigError(options.binary.string() + " not found or not executable: build the " +
                      "legion-simserver target (scripts/setup builds it)");
  }
  std::vector<std::string> args = {
      options.binary.string(), "--port=0", "--seed=" + std::to_string(options.seed),
      "--model-latency=" + options.latency, "--counters-fd=" + std::to_string(counters_.fd)};
  if (!options.upstream.empty()) args.push_back("--upstream=" + options.upstream);
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw ConfigError("pipe: " + std::string(std::strerror(errno)));
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) {
    ::close(out[0]);
    ::close(out[1]);
    throw ConfigError("fork: " + std::string(std::strerror(errno)));
  }
  if (pid_ == 0) {
    // The server must not outlive legion-bench, however it ends.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);
    ::dup2(out[1], STDOUT_FILENO);  // dup2 clears CLOEXEC on the copy
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  const std::string line = first_line(out[0], 10s);
  ::close(out[0]);
  const std::string marker = "listening on ";
  const std::size_t at = line.find(marker);
  if (at == std::string::npos) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    throw ConfigError("legion-simserver did not start (its error is above)");
  }
  base_url_ = line.substr(at + marker.size());
}

SimServerProcess::~SimServerProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  ::waitpid(pid_, nullptr, 0);
}

std::unique_ptr<Adapter> metered(std::unique_ptr<Adapter> inner,
                                 const simserver::CounterBlock& counters) {
  return std::make_unique<MeteredAdapter>(std::move(inner), counters);
}

}  // namespace legion::harness
