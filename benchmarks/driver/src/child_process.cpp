#include "driver/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "driver/driver_error.hpp"

namespace legion::driver {
namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double seconds(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

// Waits until `pid` exits or `deadline` passes; true when it exited (not yet reaped). A pidfd
// wakes us exactly at the exit without polling; kernels before 5.3 fall back to short sleeps.
bool wait_exit(pid_t pid, double deadline) {
#ifdef SYS_pidfd_open
  const int fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (fd >= 0) {
    bool exited = false;
    for (;;) {
      const double left = deadline - now_s();
      if (left <= 0) break;
      pollfd p{fd, POLLIN, 0};
      const int ready = poll(&p, 1, static_cast<int>(std::min(left * 1000.0, 60'000.0)) + 1);
      if (ready > 0) {
        exited = true;
        break;
      }
      if (ready < 0 && errno != EINTR) break;
    }
    close(fd);
    return exited;
  }
#endif
  while (now_s() < deadline) {
    siginfo_t info{};
    if (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
        info.si_pid == pid) {
      return true;
    }
    usleep(5'000);
  }
  return false;
}

int open_output(const std::filesystem::path& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw DriverError(path.string() + ": cannot write: " + std::strerror(errno));
  return fd;
}

}  // namespace

ChildResult run_child(const std::vector<std::string>& argv, const std::filesystem::path& out_path,
                      const std::filesystem::path& err_path, double timeout_s) {
  const int out = open_output(out_path);
  int err = out;
  if (err_path != out_path) {
    try {
      err = open_output(err_path);
    } catch (...) {
      close(out);
      throw;
    }
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  ChildResult r;
  r.before = sample_system();
  const pid_t pid = fork();
  if (pid < 0) {
    close(out);
    if (err != out) close(err);
    throw DriverError(std::string("fork failed: ") + std::strerror(errno));
  }
  if (pid == 0) {
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    execv(args[0], args.data());
    dprintf(STDERR_FILENO, "cannot run %s: %s\n", args[0], std::strerror(errno));
    _exit(127);
  }
  close(out);
  if (err != out) close(err);
  const double start = now_s();
  if (!wait_exit(pid, start + timeout_s)) {
    r.timed_out = true;
    kill(pid, SIGTERM);
    if (!wait_exit(pid, now_s() + 5.0)) kill(pid, SIGKILL);
  }
  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  r.wall_s = now_s() - start;
  r.after = sample_system();
  r.usage.cpu_s = seconds(usage.ru_utime) + seconds(usage.ru_stime);
  r.usage.involuntary_switches = usage.ru_nivcsw;
  r.usage.voluntary_switches = usage.ru_nvcsw;
  if (WIFEXITED(status)) r.exit_status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

}  // namespace legion::driver
