#include "legion/sandbox.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "sandbox_child.hpp"

namespace legion {
namespace {

namespace fs = std::filesystem;
using detail::SandboxPlan;
using detail::SandboxRecord;
using detail::SandboxReport;

// What the code may read besides its interpreter's tree: the system directories (links are
// reproduced, so /bin -> usr/bin still resolves inside), the loader's cache and the time zone.
constexpr const char* kSystemPaths[] = {"/usr",   "/bin",   "/sbin",  "/lib",
                                        "/lib32", "/lib64", "/libx32"};
constexpr const char* kEtcFiles[] = {"/etc/ld.so.cache", "/etc/localtime"};
constexpr const char* kDevices[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random",
                                    "/dev/urandom"};
constexpr std::pair<const char*, const char*> kDeviceLinks[] = {{"fd", "/proc/self/fd"},
                                                                {"stdin", "/proc/self/fd/0"},
                                                                {"stdout", "/proc/self/fd/1"},
                                                                {"stderr", "/proc/self/fd/2"}};
constexpr uid_t kNobody = 65534;

// Whatever happens, the temporary directory goes.
struct TempDir {
  std::string path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "legion-sandbox-XXXXXX").string();
    if (!mkdtemp(pattern.data())) {
      throw Error(std::string("sandbox: cannot create a temporary directory: ") +
                  std::strerror(errno));
    }
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (pipe2(fd, O_CLOEXEC) != 0)
      throw Error(std::string("sandbox: pipe: ") + std::strerror(errno));
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (fd[0] >= 0) ::close(fd[0]);
    fd[0] = -1;
  }
  void close_write() {
    if (fd[1] >= 0) ::close(fd[1]);
    fd[1] = -1;
  }
};

// The caller is non-dumpable while any code runs: another process of its uid can then read
// neither its memory nor /proc/PID/environ (where an API key may sit) without CAP_SYS_PTRACE,
// which sandboxed code never has. Counted, so concurrent runs restore it once, after the last.
class NonDumpable {
 public:
  NonDumpable() {
    std::lock_guard lock(mutex_);
    if (running_++ == 0) {
      saved_ = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
      prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
  }
  ~NonDumpable() {
    std::lock_guard lock(mutex_);
    if (--running_ == 0 && saved_ > 0) prctl(PR_SET_DUMPABLE, saved_, 0, 0, 0);
  }
  NonDumpable(const NonDumpable&) = delete;
  NonDumpable& operator=(const NonDumpable&) = delete;

 private:
  static inline std::mutex mutex_;
  static inline int running_ = 0;
  static inline int saved_ = 1;
};

bool under(const std::string& path, const std::string& dir) {
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
                         (dir == "/" || path[dir.size()] == '/'));
}

// An interpreter's tree: the prefix above its bin/ directory, or its directory.
std::string interpreter_tree(const fs::path& executable) {
  const fs::path dir = executable.parent_path();
  return (dir.filename() == "bin" ? dir.parent_path() : dir).string();
}

// Absolute, normal, existing paths; none inside another or inside a system directory.
std::vector<std::string> readable_trees(std::vector<std::string> paths) {
  std::vector<std::string> out;
  for (std::string& path : paths) path = fs::path(path).lexically_normal().string();
  std::sort(paths.begin(), paths.end());
  for (const std::string& path : paths) {
    std::error_code error;
    if (path.empty() || path.front() != '/' || path == "/" || !fs::exists(path, error)) continue;
    const bool covered = std::any_of(std::begin(kSystemPaths), std::end(kSystemPaths),
                                     [&](const char* system) { return under(path, system); }) ||
                         std::any_of(out.begin(), out.end(),
                                     [&](const std::string& kept) { return under(path, kept); });
    if (!covered) out.push_back(path);
  }
  return out;
}

// Owns the strings a SandboxPlan points into (a deque never moves its elements).
class PlanBuilder {
 public:
  PlanBuilder(const SandboxOptions& options, const std::string& interpreter,
              const std::vector<std::string>& trees, const std::string& work_dir,
              const std::string& source) {
    const bool root = geteuid() == 0;
    plan_.root = root;
    plan_.isolate_network = options.isolate_network;
    plan_.allow_unsandboxed = options.allow_unsandboxed;
    plan_.limits = options.limits;
    plan_.work_dir = keep(work_dir);
    plan_.source = source.data();
    plan_.source_size = source.size();
    const std::string script = work_dir + "/" + options.script_name;
    args_.push_back(interpreter);
    args_.insert(args_.end(), options.args.begin(), options.args.end());
    args_.push_back(script);
    env_ = {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + work_dir, "TMPDIR=" + work_dir,
            "LANG=C.UTF-8"};
    for (std::string& a : args_) argv_.push_back(a.data());
    argv_.push_back(nullptr);
    for (std::string& e : env_) envp_.push_back(e.data());
    envp_.push_back(nullptr);
    plan_.interpreter = args_.front().c_str();
    plan_.argv = argv_.data();
    plan_.envp = envp_.data();

    // The new root is built on a tmpfs mounted over the working directory's path.
    const std::string& new_root = work_dir;
    const std::string id_map = std::to_string(geteuid()) + " " + std::to_string(geteuid()) + " 1";
    plan_.uid_map = keep(id_map);
    plan_.gid_map = keep(std::to_string(getegid()) + " " + std::to_string(getegid()) + " 1");
    plan_.skeleton_options = keep("size=1m,nr_inodes=4096,mode=0755");
    const uid_t uid = root ? kNobody : geteuid();
    const gid_t gid = root ? kNobody : getegid();
    plan_.work_options = keep(
        "size=" + std::to_string(std::max<std::uint64_t>(options.limits.work_dir_bytes, 4096)) +
        ",nr_inodes=16384,mode=0700,uid=" + std::to_string(uid) + ",gid=" + std::to_string(gid));
    for (const char* system : kSystemPaths)
      add_path(new_root, system, SandboxPlan::Bind::Kind::kDirectory);
    for (const char* file : kEtcFiles) add_path(new_root, file, SandboxPlan::Bind::Kind::kFile);
    for (const char* device : kDevices) {
      add_path(new_root, device, SandboxPlan::Bind::Kind::kDevice);
      plan_.devices.push_back(device);
    }
    directories(new_root, "/dev");
    for (const auto& [name, target] : kDeviceLinks) {
      plan_.links.push_back({target, keep(new_root + "/dev/" + name)});
    }
    for (const std::string& tree : trees) {
      if (under(work_dir, tree)) continue;  // it would hide the working directory
      add_path(new_root, tree, SandboxPlan::Bind::Kind::kDirectory);
    }
    directories(new_root, "/proc");
    directories(new_root, work_dir);
    plan_.work_mount = keep(new_root + work_dir);
    plan_.script_in_root = keep(new_root + script);
    plan_.proc_mount = keep(new_root + "/proc");
    plan_.old_root = keep(new_root + "/.old");
  }

  SandboxPlan& plan() { return plan_; }

 private:
  const char* keep(std::string text) {
    strings_.push_back(std::move(text));
    return strings_.back().c_str();
  }

  // Each missing ancestor of `path` (parents first), as a directory under the new root.
  void directories(const std::string& root, const std::string& path) {
    for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
      const std::string dir = path.substr(0, slash);
      if (std::find(made_.begin(), made_.end(), dir) == made_.end()) {
        made_.push_back(dir);
        plan_.directories.push_back(keep(root + dir));
      }
      if (slash == std::string::npos) return;
    }
  }

  // A host path in the new root: a link as a link, a directory or file as a bind (read-only
  // unless a device). Missing paths are left out.
  void add_path(const std::string& root, const std::string& path, SandboxPlan::Bind::Kind kind) {
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0) return;
    const std::string parent = fs::path(path).parent_path().string();
    if (parent != "/") directories(root, parent);
    if (S_ISLNK(st.st_mode)) {
      std::error_code error;
      const fs::path target = fs::read_symlink(path, error);
      if (!error) plan_.links.push_back({keep(target.string()), keep(root + path)});
      if (kind != SandboxPlan::Bind::Kind::kDevice) plan_.readable.push_back(keep(path));
      return;
    }
    if (stat(path.c_str(), &st) != 0) return;
    if (S_ISDIR(st.st_mode)) {
      directories(root, path);
      kind = SandboxPlan::Bind::Kind::kDirectory;
    } else if (kind == SandboxPlan::Bind::Kind::kDirectory) {
      kind = SandboxPlan::Bind::Kind::kFile;
    }
    plan_.binds.push_back({keep(path), keep(root + path), kind});
    if (kind != SandboxPlan::Bind::Kind::kDevice) plan_.readable.push_back(keep(path));
  }

  std::deque<std::string> strings_;
  std::vector<std::string> made_;
  std::vector<std::string> args_, env_;
  std::vector<char*> argv_, envp_;
  SandboxPlan plan_;
};

timespec monotonic_after(std::chrono::milliseconds delay) {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const auto ns = static_cast<long long>(now.tv_nsec) +
                  std::chrono::duration_cast<std::chrono::nanoseconds>(delay).count();
  return {static_cast<time_t>(now.tv_sec + ns / 1'000'000'000),
          static_cast<long>(ns % 1'000'000'000)};
}

void append_capped(std::string& to, const char* data, std::size_t n, std::size_t cap) {
  if (to.size() < cap) to.append(data, std::min(n, cap - to.size()));
}

std::string errno_text(int error) {
  return error == 0 ? "refused" : std::strerror(error);
}

std::string unavailable_detail(int namespaces_errno, int landlock_errno) {
  return "namespaces refused (unshare: " + errno_text(namespaces_errno) +
         "); landlock unavailable (" + errno_text(landlock_errno) + ")";
}

std::string isolation_detail(SandboxIsolation isolation, bool root, int namespaces_errno) {
  if (isolation == SandboxIsolation::kNamespaces) {
    return root ? "namespaces (mount, pid, ipc, uts, net)"
                : "namespaces (user, mount, pid, ipc, uts, net)";
  }
  return "landlock (file system only; namespaces refused: unshare: " +
         errno_text(namespaces_errno) + "; host network visible)";
}

}  // namespace

const char* to_string(SandboxIsolation isolation) {
  switch (isolation) {
    case SandboxIsolation::kNamespaces:
      return "namespaces";
    case SandboxIsolation::kLandlock:
      return "landlock";
    case SandboxIsolation::kNone:
      return "none";
  }
  return "?";
}

std::string find_executable(const std::string& name) {
  if (name.empty()) return "";
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/" + name;
    if (end > start && access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

SandboxSupport sandbox_support() {
  Pipe status;
  const bool root = geteuid() == 0;
  const pid_t pid = fork();
  if (pid < 0) return {std::nullopt, false, std::string("fork: ") + std::strerror(errno)};
  if (pid == 0) detail::probe_isolation(root, status.fd[1]);
  status.close_write();
  SandboxRecord record;
  const bool read_one = read(status.fd[0], &record, sizeof record) == sizeof record;
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  SandboxSupport support;
  if (!read_one) {
    support.detail = "the probe process ended without an answer";
  } else if (record.kind == static_cast<int>(SandboxReport::kIsolation)) {
    support.isolation = static_cast<SandboxIsolation>(record.a);
    support.network_isolated = *support.isolation == SandboxIsolation::kNamespaces;
    support.detail = isolation_detail(*support.isolation, root, record.b);
  } else {
    support.detail = unavailable_detail(record.a, record.b);
  }
  return support;
}

std::string SandboxResult::describe() const {
  if (timed_out) return "timed out";
  if (signal != 0) return "killed by signal " + std::to_string(signal);
  return "exit " + std::to_string(exit_code);
}

Sandbox::Sandbox(SandboxOptions options) : options_(std::move(options)) {
  interpreter_path_ = find_executable(options_.interpreter);
  if (interpreter_path_.empty()) {
    throw ConfigError("sandbox: interpreter '" + options_.interpreter + "' not found");
  }
  // The path as given (a virtualenv's python) and the file it resolves to (the real
  // installation): both trees must be there for the interpreter to start.
  std::vector<std::string> trees = options_.read_only_paths;
  const fs::path given = fs::absolute(interpreter_path_);
  trees.push_back(interpreter_tree(given));
  std::error_code error;
  const fs::path real = fs::canonical(given, error);
  if (!error) trees.push_back(interpreter_tree(real));
  read_only_paths_ = readable_trees(std::move(trees));
}

SandboxResult Sandbox::run(const std::string& source) const {
  const auto start = std::chrono::steady_clock::now();
  const NonDumpable non_dumpable;
  TempDir dir;
  SandboxResult result;
  result.working_directory = dir.path;
  {
    // On the host for kLandlock and kNone; kNamespaces writes it into its own tmpfs.
    const std::string script = dir.path + "/" + options_.script_name;
    std::ofstream file(script, std::ios::binary);
    file << source;
    if (!file) throw Error("sandbox: cannot write " + script);
  }
  PlanBuilder builder(options_, interpreter_path_, read_only_paths_, dir.path, source);
  SandboxPlan& plan = builder.plan();
  plan.deadline = monotonic_after(options_.limits.timeout);
  plan.caller = getpid();

  Pipe out, err, status;
  plan.out = out.fd[1];
  plan.err = err.fd[1];
  plan.status = status.fd[1];
  const pid_t pid = fork();
  if (pid < 0) throw Error(std::string("sandbox: fork: ") + std::strerror(errno));
  if (pid == 0) detail::run_supervisor(plan);
  out.close_write();
  err.close_write();
  status.close_write();

  // The supervisor enforces the timeout and exits once the whole tree is gone, closing the
  // status pipe; this deadline only guards against the supervisor itself hanging.
  const auto hard_deadline = start + options_.limits.timeout + std::chrono::seconds(5);
  pollfd fds[3] = {{out.fd[0], POLLIN, 0}, {err.fd[0], POLLIN, 0}, {status.fd[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.stdout_text, &result.stderr_text};
  std::string records;
  bool killed = false;
  char buffer[8192];
  while (fds[2].fd >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        hard_deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      if (killed) break;
      kill(pid, SIGKILL);
      killed = true;
      left = std::chrono::milliseconds(2000);
    }
    const int ready = poll(fds, 3, static_cast<int>(left.count()) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    for (int i = 0; i < 3; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        if (i < 2) {
          append_capped(*sinks[i], buffer, static_cast<std::size_t>(n), options_.limits.max_output);
        } else {
          records.append(buffer, static_cast<std::size_t>(n));
        }
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;  // the Pipe destructor closes it
      }
    }
  }
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  // Every writer is gone now (or, after a kill, going): take what is left in the pipes.
  for (int i = 0; i < 2; ++i) {
    if (fds[i].fd < 0) continue;
    fcntl(fds[i].fd, F_SETFL, O_NONBLOCK);
    for (ssize_t n; (n = read(fds[i].fd, buffer, sizeof buffer)) > 0;) {
      append_capped(*sinks[i], buffer, static_cast<std::size_t>(n), options_.limits.max_output);
    }
  }

  std::optional<int> code_status;
  bool timed_out = killed;
  for (std::size_t at = 0; at + sizeof(SandboxRecord) <= records.size();
       at += sizeof(SandboxRecord)) {
    SandboxRecord r;
    std::memcpy(&r, records.data() + at, sizeof r);
    switch (static_cast<SandboxReport>(r.kind)) {
      case SandboxReport::kIsolation:
        result.isolation = static_cast<SandboxIsolation>(r.a);
        break;
      case SandboxReport::kExit:
        code_status = r.a;
        break;
      case SandboxReport::kTimedOut:
        timed_out = true;
        break;
      case SandboxReport::kUnavailable:
        throw SandboxUnavailableError(
            "sandbox: no isolation for the code here: " + unavailable_detail(r.a, r.b) +
            "; refusing to run it unsandboxed (allow that with SandboxOptions::allow_unsandboxed)");
      case SandboxReport::kFailed: {
        const auto stage = static_cast<detail::SandboxStage>(r.a);
        if (stage == detail::SandboxStage::kExec) {
          throw Error("sandbox: cannot start " + interpreter_path_ + ": " + std::strerror(r.b));
        }
        throw Error(std::string("sandbox: ") + to_string(result.isolation) + ": " +
                    detail::to_string(stage) + ": " + std::strerror(r.b));
      }
    }
  }
  result.network_isolated =
      result.isolation == SandboxIsolation::kNamespaces && options_.isolate_network;
  if (code_status) {
    if (WIFEXITED(*code_status)) result.exit_code = WEXITSTATUS(*code_status);
    if (WIFSIGNALED(*code_status)) result.signal = WTERMSIG(*code_status);
  } else if (timed_out) {
    result.timed_out = true;
    result.signal = SIGKILL;
  } else {
    throw Error("sandbox: the supervisor process ended without a result (wait status " +
                std::to_string(wstatus) + ")");
  }
  result.wall = std::chrono::steady_clock::now() - start;
  return result;
}

}  // namespace legion
