#pragma once
// Child processes for the crash tests: any command, or the legion-store-worker helper.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace legion::store::testing {

// A child process (fork + exec of args[0]) that a test can SIGKILL or wait for.
class ChildProcess {
 public:
  // output: when set, the child's stdout goes to OUTPUT.out and its stderr to OUTPUT.err.
  explicit ChildProcess(std::vector<std::string> args, const std::string& output = "") {
    pid_ = fork();
    if (pid_ == 0) {
      if (!output.empty()) {
        int out = ::open((output + ".out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = ::open((output + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0 || err < 0) _exit(126);
        dup2(out, STDOUT_FILENO);
        dup2(err, STDERR_FILENO);
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(args[0].c_str(), argv.data());
      _exit(127);
    }
    if (pid_ < 0) throw std::runtime_error("fork failed");
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() {
    if (pid_ > 0) kill9();
  }
  void signal(int sig) { ::kill(pid_, sig); }
  bool running() const { return pid_ > 0; }
  void kill9() {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  // Exit status, or -1 when it had not exited by the deadline (then it is killed).
  int wait(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill9();
    return -1;
  }

 private:
  pid_t pid_ = -1;
};

// legion-store-worker URL ID BATCH LEASE_MS WORK_US: drains the store, then exits 0.
class WorkerProcess : public ChildProcess {
 public:
  WorkerProcess(const std::string& url, const std::string& id, int batch, int lease_ms, int work_us)
      : ChildProcess({std::string(LEGION_BIN_DIR) + "/legion-store-worker", url, id,
                      std::to_string(batch), std::to_string(lease_ms), std::to_string(work_us)}) {}
};

}  // namespace legion::store::testing
