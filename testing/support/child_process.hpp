#pragma once
// A piece of a test run in a forked child process: for what must not touch the test process
// (a seccomp filter, an rlimit, a mount namespace) or may hang or crash (the defect under
// test). What the body returns comes back as text; a child still running after the timeout is
// killed, so a hang fails the test instead of the whole run.
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

namespace legion_test {

struct ChildOutcome {
  bool finished = false;  // false: killed after the timeout
  int signal = 0;         // the signal that ended it, 0 when it exited
  std::string text;       // what the body returned
};

inline ChildOutcome run_in_child(const std::function<std::string()>& body,
                                 std::chrono::milliseconds timeout) {
  ChildOutcome outcome;
  int fds[2];
  if (pipe(fds) != 0) return outcome;
  const pid_t pid = fork();
  if (pid < 0) return outcome;
  if (pid == 0) {
    close(fds[0]);
    const std::string text = body();
    for (std::size_t done = 0; done < text.size();) {
      const ssize_t n = write(fds[1], text.data() + done, text.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char buffer[4096];
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  // The pipe is drained while waiting, so a body with a long answer cannot block on it.
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  while (waitpid(pid, &status, WNOHANG) == 0) {
    for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) text.append(buffer, n);
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      close(fds[0]);
      return outcome;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) text.append(buffer, n);
  close(fds[0]);
  outcome.finished = true;
  outcome.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  outcome.text = std::move(text);
  return outcome;
}

// What `ulimit -u N` does to this process: at most `max` processes and threads for its user.
// The kernel does not enforce RLIMIT_NPROC for root, so a root process first becomes nobody
// (65534) - for good: call it in a child process only.
inline bool limit_threads(rlim_t max) {
  if (geteuid() == 0 && (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0)) {
    return false;
  }
  const rlimit r{max, max};
  return setrlimit(RLIMIT_NPROC, &r) == 0;
}

}  // namespace legion_test
