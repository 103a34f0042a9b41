// `legion worker` while PostgreSQL is away: a draining worker says what it waits out and gives
// up (it used to wait for ever in silence), and SIGTERM stops a worker that is reconnecting at
// once (it used to sit out the 30 s reconnect deadline first).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "legion/store/task_store.hpp"
#include "store/backends.hpp"

namespace legion::store::testing {
namespace {

using namespace std::chrono_literals;

const std::string kLegion = LEGION_BIN_DIR "/legion";

void postgres(const std::string& command) {
  const std::string line = LEGION_SOURCE_DIR "/scripts/postgres " + command + " >/dev/null";
  ASSERT_EQ(std::system(line.c_str()), 0) << line;
}

// `legion worker ...` with its stderr in a file; killed if still running at the end.
class Worker {
 public:
  Worker(std::vector<std::string> args, std::string err_file) : err_file_(std::move(err_file)) {
    args.insert(args.begin(), {kLegion, "worker", "--test-handler"});
    pid_ = fork();
    if (pid_ == 0) {
      const int err = open(err_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int null = open("/dev/null", O_WRONLY);
      dup2(err, 2);
      dup2(null, 1);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(kLegion.c_str(), argv.data());
      _exit(127);
    }
  }
  ~Worker() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  void terminate() const { kill(pid_, SIGTERM); }
  // The exit status, or -1 when it was still running after `timeout`.
  int wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(10ms);
    }
    return -1;
  }
  std::string err() const {
    std::ifstream in(err_file_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  std::string err_file_;
  pid_t pid_ = -1;
};

std::vector<TaskSpec> slow_tasks(int n) {
  std::vector<TaskSpec> specs;
  for (int i = 0; i < n; ++i)
    specs.push_back({"slow-" + std::to_string(i), R"({"sleep_ms": 20})", 0});
  return specs;
}

TEST(WorkerOutage, DrainingWorkerSaysWhatItWaitsOutAndGivesUp) {
  PostgresBackend backend;
  const std::string url = backend.url() + "&reconnect_deadline_ms=300";
  open_store(url)->submit_batch(slow_tasks(200));
  TempDir dir;
  Worker worker({"--store", url, "--drain", "--id", "w", "--give-up-ms", "1000"},
                dir.path() + "/stderr.txt");
  std::this_thread::sleep_for(300ms);
  postgres("halt");
  const int code = worker.wait(30s);
  postgres("start");
  ASSERT_NE(code, -1) << "the worker still waited 30 s after the server went away";
  EXPECT_EQ(code, 1) << worker.err();
  // The worker's JSON log names the outage (event store_error) before it gives up.
  EXPECT_NE(worker.err().find(R"("event":"store_error","worker":"w","error":"postgresql)"),
            std::string::npos)
      << worker.err();
  EXPECT_NE(worker.err().find("legion: error: gave up after "), std::string::npos) << worker.err();
}

TEST(WorkerOutage, SigtermStopsAWorkerThatIsReconnecting) {
  PostgresBackend backend;
  const std::string url = backend.url();  // the default reconnect deadline: 30 s
  open_store(url)->submit_batch(slow_tasks(5));
  TempDir dir;
  Worker worker({"--store", url, "--id", "w"}, dir.path() + "/stderr.txt");
  std::this_thread::sleep_for(300ms);
  postgres("halt");
  std::this_thread::sleep_for(500ms);  // the worker's next store call is reconnecting now
  const auto asked = std::chrono::steady_clock::now();
  worker.terminate();
  const int code = worker.wait(40s);
  const auto took = std::chrono::steady_clock::now() - asked;
  postgres("start");
  ASSERT_NE(code, -1) << worker.err();
  EXPECT_LT(took, 5s) << "SIGTERM waited for the reconnect deadline: " << worker.err();
}

}  // namespace
}  // namespace legion::store::testing
