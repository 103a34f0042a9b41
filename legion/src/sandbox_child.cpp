#include "sandbox_child.hpp"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <linux/securebits.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

// Rights of later Landlock ABIs, for C library headers older than the kernel.
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif

namespace legion::detail {
namespace {

constexpr uid_t kNobody = 65534;

void report(const SandboxPlan& plan, SandboxReport kind, int a = 0, int b = 0) {
  const SandboxRecord record{static_cast<std::int32_t>(kind), a, b};
  (void)!write(plan.status, &record, sizeof record);
}

[[noreturn]] void fail(const SandboxPlan& plan, SandboxStage stage) {
  report(plan, SandboxReport::kFailed, static_cast<int>(stage), errno);
  _exit(127);
}

void check(const SandboxPlan& plan, bool ok, SandboxStage stage) {
  if (!ok) fail(plan, stage);
}

bool write_file(const char* path, const char* text) {
  const int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const auto size = static_cast<ssize_t>(std::strlen(text));
  const bool ok = write(fd, text, static_cast<std::size_t>(size)) == size;
  close(fd);
  return ok;
}

void default_signals() {
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; ++s) {
    if (s != SIGKILL && s != SIGSTOP) sigaction(s, &action, nullptr);
  }
}

void set_mask(bool block_all) {
  sigset_t set;
  if (block_all) {
    sigfillset(&set);
  } else {
    sigemptyset(&set);
  }
  sigprocmask(SIG_SETMASK, &set, nullptr);
}

int namespace_flags(bool root, bool network) {
  int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
  if (network) flags |= CLONE_NEWNET;
  // Root has CAP_SYS_ADMIN already; a user namespace would only map it to itself.
  if (!root) flags |= CLONE_NEWUSER;
  return flags;
}

// The Landlock ABI version, or 0 (errno set) when the kernel has none or it is refused.
int landlock_abi() {
  const long abi =
      syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return abi > 0 ? static_cast<int>(abi) : 0;
}

// Waits for `pid` until the plan's deadline; false when the deadline passed first.
bool wait_until_deadline(const SandboxPlan& plan, pid_t pid, int& status) {
  sigset_t child;
  sigemptyset(&child);
  sigaddset(&child, SIGCHLD);
  for (;;) {
    if (waitpid(pid, &status, WNOHANG) == pid) return true;
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    timespec left{plan.deadline.tv_sec - now.tv_sec, plan.deadline.tv_nsec - now.tv_nsec};
    if (left.tv_nsec < 0) {
      left.tv_nsec += 1'000'000'000;
      --left.tv_sec;
    }
    if (left.tv_sec < 0) return false;
    sigtimedwait(&child, nullptr, &left);  // a child changed state, or the time is up
  }
}

// --- the code process ---------------------------------------------------------------------

void limit(int resource, std::uint64_t value) {
  const rlimit r{static_cast<rlim_t>(value), static_cast<rlim_t>(value)};
  setrlimit(resource, &r);  // best effort: a refused limit must not stop the run
}

// A root caller's code keeps uid 0 where the host file system is visible (the interpreter may
// live under /root), but without any capability, now or after execve.
bool drop_capabilities() {
  const unsigned long bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                             SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED;
  if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) != 0) return false;
  for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; ++cap) {
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) return false;
  }
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  return syscall(SYS_capset, &header, data) == 0;
}

bool landlock_allow(int ruleset, const char* path, std::uint64_t access, std::uint64_t handled) {
  const int fd = open(path, O_PATH | O_CLOEXEC);
  if (fd < 0) return true;  // nothing there to allow
  struct stat st {};
  if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode)) {
    access &= LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
              LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |
              LANDLOCK_ACCESS_FS_IOCTL_DEV;
  }
  landlock_path_beneath_attr rule{access & handled, fd};
  const bool ok =
      syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) == 0;
  close(fd);
  return ok;
}

// Read the plan's trees, read and write its devices, anything in the working directory;
// nothing else of the file system.
bool restrict_with_landlock(const SandboxPlan& plan) {
  const int abi = landlock_abi();
  if (abi == 0) return false;
  std::uint64_t handled = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;  // ABI 1: bits 0..12
  if (abi >= 2) handled |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) handled |= LANDLOCK_ACCESS_FS_TRUNCATE;
  if (abi >= 5) handled |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
  struct {
    std::uint64_t handled_access_fs;
  } attr{handled};
  const int ruleset = static_cast<int>(syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0));
  if (ruleset < 0) return false;
  constexpr std::uint64_t read =
      LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
  constexpr std::uint64_t device =
      LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE;
  bool ok = true;
  for (const char* path : plan.readable) ok = ok && landlock_allow(ruleset, path, read, handled);
  for (const char* path : plan.devices) ok = ok && landlock_allow(ruleset, path, device, handled);
  ok = ok && landlock_allow(ruleset, plan.work_dir, handled, handled);
  ok = ok && syscall(SYS_landlock_restrict_self, ruleset, 0) == 0;
  close(ruleset);
  return ok;
}

[[noreturn]] void exec_code(const SandboxPlan& plan, SandboxIsolation isolation) {
  default_signals();
  set_mask(false);
  setsid();
  if (isolation != SandboxIsolation::kNamespaces) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  const int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  check(plan,
        null >= 0 && dup2(null, 0) >= 0 && dup2(plan.out, 1) >= 0 && dup2(plan.err, 2) >= 0 &&
            chdir(plan.work_dir) == 0,
        SandboxStage::kRedirect);
  const SandboxLimits& l = plan.limits;
  limit(RLIMIT_CPU, l.cpu_seconds);
  limit(RLIMIT_AS, l.address_space);
  limit(RLIMIT_FSIZE, l.file_size);
  limit(RLIMIT_NPROC, l.processes);
  limit(RLIMIT_CORE, 0);
  if (plan.root && isolation == SandboxIsolation::kNamespaces) {
    check(plan,
          setgroups(0, nullptr) == 0 && setresgid(kNobody, kNobody, kNobody) == 0 &&
              setresuid(kNobody, kNobody, kNobody) == 0,
          SandboxStage::kDropPrivileges);
  } else if (plan.root) {
    check(plan, drop_capabilities(), SandboxStage::kDropPrivileges);
  }
  check(plan, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, SandboxStage::kDropPrivileges);
  if (isolation == SandboxIsolation::kLandlock) {
    check(plan, restrict_with_landlock(plan), SandboxStage::kLandlock);
  }
  execve(plan.interpreter, plan.argv, plan.envp);
  fail(plan, SandboxStage::kExec);
}

// --- kNamespaces: the new root and PID 1 --------------------------------------------------

// A read-only bind keeps the flags the kernel locks on it in a user namespace.
bool remount_read_only(const char* target) {
  struct statvfs fs {};
  if (statvfs(target, &fs) != 0) return false;
  unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID;
  if (fs.f_flag & ST_NODEV) flags |= MS_NODEV;
  if (fs.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
  if (fs.f_flag & ST_NOATIME) flags |= MS_NOATIME;
  if (fs.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
  if (fs.f_flag & ST_RELATIME) flags |= MS_RELATIME;
  return mount(nullptr, target, nullptr, flags, nullptr) == 0;
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

void build_root(const SandboxPlan& plan) {
  using Stage = SandboxStage;
  check(plan, mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0,
        Stage::kMountPrivate);
  check(plan,
        mount("tmpfs", plan.work_dir, "tmpfs", MS_NOSUID | MS_NODEV, plan.skeleton_options) == 0,
        Stage::kMountRoot);
  for (const char* dir : plan.directories) {
    check(plan, mkdir(dir, 0755) == 0 || errno == EEXIST, Stage::kMakeDirectory);
  }
  for (const auto& link : plan.links) {
    check(plan, symlink(link.target, link.path) == 0, Stage::kSymlink);
  }
  for (const auto& bind : plan.binds) {
    using Kind = SandboxPlan::Bind::Kind;
    if (bind.kind != Kind::kDirectory) {
      const int fd = open(bind.target, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
      check(plan, fd >= 0, Stage::kBind);
      close(fd);
    }
    check(plan, mount(bind.source, bind.target, nullptr, MS_BIND | MS_REC, nullptr) == 0,
          Stage::kBind);
    if (bind.kind != Kind::kDevice) {
      check(plan, remount_read_only(bind.target), Stage::kRemountReadOnly);
    }
  }
  check(plan,
        mount("tmpfs", plan.work_mount, "tmpfs", MS_NOSUID | MS_NODEV, plan.work_options) == 0,
        Stage::kMountWork);
  const int script = open(plan.script_in_root, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
  check(plan, script >= 0 && write_all(script, plan.source, plan.source_size), Stage::kWriteScript);
  if (plan.root) (void)!fchown(script, kNobody, kNobody);
  close(script);
  // A fresh /proc shows this namespace's processes only. Best effort: some containers mask
  // parts of their /proc, and then the kernel refuses a new instance; the code runs without.
  mount("proc", plan.proc_mount, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
  check(plan, mkdir(plan.old_root, 0700) == 0, Stage::kPivotRoot);
  check(plan,
        syscall(SYS_pivot_root, plan.work_dir, plan.old_root) == 0 && chdir("/") == 0 &&
            umount2("/.old", MNT_DETACH) == 0 && rmdir("/.old") == 0,
        Stage::kPivotRoot);
  check(plan,
        mount(nullptr, "/", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV,
              nullptr) == 0,
        Stage::kRemountReadOnly);
}

// PID 1 of the new PID namespace. When it exits the kernel kills every other process of the
// namespace, so the code's daemons end with it; when the supervisor dies, so does it.
[[noreturn]] void namespace_init(const SandboxPlan& plan) {
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  build_root(plan);
  const pid_t code = fork();
  check(plan, code >= 0, SandboxStage::kFork);
  if (code == 0) exec_code(plan, SandboxIsolation::kNamespaces);
  close(plan.out);
  close(plan.err);
  for (;;) {  // reaps orphans too, until the code itself has exited
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid == code) {
      report(plan, SandboxReport::kExit, status);
      _exit(0);
    }
    if (pid < 0 && errno != EINTR) _exit(0);
  }
}

bool enter_namespaces(const SandboxPlan& plan) {
  if (unshare(namespace_flags(plan.root, plan.isolate_network)) != 0) return false;
  if (!plan.root) {
    // A non-dumpable process's /proc files belong to root, its own id maps included: dumpable
    // for the three writes. No code runs yet, and code of other runs, in namespaces too (the
    // host allows them all or none), cannot see this process.
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    const bool mapped = write_file("/proc/self/setgroups", "deny") &&
                        write_file("/proc/self/uid_map", plan.uid_map) &&
                        write_file("/proc/self/gid_map", plan.gid_map);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    check(plan, mapped, SandboxStage::kUidMap);
  }
  return true;
}

// --- kLandlock and kNone: the subreaper ---------------------------------------------------

// SIGKILLs this process's children until it has none: the code's orphans are reparented here
// (PR_SET_CHILD_SUBREAPER), whatever sessions or process groups they made.
void kill_descendants() {
  for (;;) {
    const int fd = open("/proc/thread-self/children", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      char buffer[4096];
      pid_t pid = 0;
      for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) {
        for (ssize_t i = 0; i < n; ++i) {
          if (buffer[i] >= '0' && buffer[i] <= '9') {
            pid = pid * 10 + (buffer[i] - '0');
          } else if (pid > 0) {
            kill(pid, SIGKILL);
            pid = 0;
          }
        }
      }
      if (pid > 0) kill(pid, SIGKILL);
      close(fd);
    }
    const pid_t reaped = waitpid(-1, nullptr, fd >= 0 ? 0 : WNOHANG);
    if (reaped < 0 && errno == EINTR) continue;
    if (reaped <= 0) return;  // no child left (or, without /proc, none to reap now)
  }
}

}  // namespace

const char* to_string(SandboxStage stage) {
  switch (stage) {
    case SandboxStage::kUidMap:
      return "writing the user namespace's id maps";
    case SandboxStage::kMountPrivate:
      return "making the mount namespace private";
    case SandboxStage::kMountRoot:
      return "mounting the new root";
    case SandboxStage::kMakeDirectory:
      return "making a directory of the new root";
    case SandboxStage::kSymlink:
      return "making a symbolic link of the new root";
    case SandboxStage::kBind:
      return "binding a host path into the new root";
    case SandboxStage::kRemountReadOnly:
      return "making a bind read-only";
    case SandboxStage::kMountWork:
      return "mounting the working directory";
    case SandboxStage::kWriteScript:
      return "writing the script";
    case SandboxStage::kPivotRoot:
      return "switching to the new root";
    case SandboxStage::kFork:
      return "fork";
    case SandboxStage::kDropPrivileges:
      return "dropping privileges";
    case SandboxStage::kLandlock:
      return "restricting the file system with Landlock";
    case SandboxStage::kRedirect:
      return "redirecting the code's input and output";
    case SandboxStage::kExec:
      return "exec";
  }
  return "?";
}

void run_supervisor(const SandboxPlan& plan) {
  set_mask(true);  // signals are waited for (SIGCHLD), never handled
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  sigaction(SIGCHLD, &action, nullptr);  // an inherited SIG_IGN would reap children for us
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (getppid() != plan.caller) _exit(1);  // the caller died before the line above
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);      // it holds a copy of the caller's memory

  const int namespaces_errno = enter_namespaces(plan) ? 0 : errno;
  SandboxIsolation isolation = SandboxIsolation::kNamespaces;
  if (namespaces_errno != 0 && landlock_abi() > 0) {
    isolation = SandboxIsolation::kLandlock;
  } else if (namespaces_errno != 0) {
    if (!plan.allow_unsandboxed) {
      report(plan, SandboxReport::kUnavailable, namespaces_errno, errno);
      _exit(0);
    }
    isolation = SandboxIsolation::kNone;
  }
  report(plan, SandboxReport::kIsolation, static_cast<int>(isolation));

  int status = 0;
  if (isolation == SandboxIsolation::kNamespaces) {
    const pid_t init = fork();
    check(plan, init >= 0, SandboxStage::kFork);
    if (init == 0) namespace_init(plan);
    if (!wait_until_deadline(plan, init, status)) {
      kill(init, SIGKILL);  // PID 1: the whole namespace goes with it
      while (waitpid(init, &status, 0) < 0 && errno == EINTR) {
      }
      report(plan, SandboxReport::kTimedOut);
    }
    _exit(0);  // init reported the code's exit
  }
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  const pid_t code = fork();
  check(plan, code >= 0, SandboxStage::kFork);
  if (code == 0) exec_code(plan, isolation);
  const bool exited = wait_until_deadline(plan, code, status);
  if (!exited) {
    kill(code, SIGKILL);
    while (waitpid(code, &status, 0) < 0 && errno == EINTR) {
    }
  }
  kill_descendants();
  if (exited) {
    report(plan, SandboxReport::kExit, status);
  } else {
    report(plan, SandboxReport::kTimedOut);
  }
  _exit(0);
}

void probe_isolation(bool root, int status) {
  SandboxPlan plan;
  plan.status = status;
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  const int namespaces_errno = unshare(namespace_flags(root, true)) == 0 ? 0 : errno;
  if (namespaces_errno == 0) {
    report(plan, SandboxReport::kIsolation, static_cast<int>(SandboxIsolation::kNamespaces));
  } else if (landlock_abi() > 0) {
    report(plan, SandboxReport::kIsolation, static_cast<int>(SandboxIsolation::kLandlock),
           namespaces_errno);
  } else {
    report(plan, SandboxReport::kUnavailable, namespaces_errno, errno);
  }
  _exit(0);
}

}  // namespace legion::detail
