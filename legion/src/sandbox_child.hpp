#pragma once
// The forked side of the sandbox (sandbox.cpp is the caller's side). Everything the children
// need is prepared before fork in a SandboxPlan, because between fork and execve a child of a
// multi-threaded process may only make async-signal-safe calls: system calls, no allocation.
//
// Processes of one run:
//   caller --fork--> supervisor: picks the isolation, enforces the deadline, reports
//     kNamespaces: supervisor --fork--> init (PID 1 of the new PID namespace): builds the
//                  root, runs the code as its child, exits when it does (the kernel then
//                  kills whatever is left in the namespace)
//     kLandlock, kNone: the supervisor is a subreaper; it runs the code as its child and
//                  SIGKILLs every descendant left once the code has exited
//   ... --fork--> code: rlimits, no capabilities, Landlock where chosen, then execve.
// They report to the caller over one pipe in fixed-size records (atomic writes).
#include <sys/types.h>
#include <time.h>

#include <cstdint>
#include <vector>

#include "legion/sandbox.hpp"

namespace legion::detail {

enum class SandboxReport : std::int32_t {
  kIsolation = 1,  // a: SandboxIsolation
  kExit,           // a: the code's wait status
  kTimedOut,       // the deadline passed; the tree was killed
  kFailed,         // a: SandboxStage, b: errno
  kUnavailable,    // a: errno of unshare, b: errno of Landlock
};

enum class SandboxStage : std::int32_t {
  kUidMap,
  kMountPrivate,
  kMountRoot,
  kMakeDirectory,
  kSymlink,
  kBind,
  kRemountReadOnly,
  kMountWork,
  kWriteScript,
  kPivotRoot,
  kFork,
  kDropPrivileges,
  kLandlock,
  kRedirect,
  kExec,
};
const char* to_string(SandboxStage stage);

struct SandboxRecord {
  std::int32_t kind = 0;
  std::int32_t a = 0;
  std::int32_t b = 0;
};

struct SandboxPlan {
  struct Bind {
    enum class Kind { kDirectory, kFile, kDevice };
    const char* source;
    const char* target;  // under the new root, before pivot_root
    Kind kind;
  };
  struct Link {
    const char* target;  // what the link points to
    const char* path;    // under the new root, before pivot_root
  };

  // What runs, and where: the working directory has the same path inside and outside.
  const char* interpreter = nullptr;
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  const char* work_dir = nullptr;
  const char* source = nullptr;
  std::size_t source_size = 0;

  bool isolate_network = true;
  bool allow_unsandboxed = false;
  bool root = false;  // the caller's euid is 0: no user namespace, the code runs as nobody

  // kNamespaces. The new root is a tmpfs mounted over work_dir in the private mount namespace
  // (the host sees nothing of it); paths below are under it until pivot_root.
  const char* uid_map = nullptr;  // "U U 1", for a caller that is not root
  const char* gid_map = nullptr;
  const char* skeleton_options = nullptr;
  std::vector<const char*> directories;  // parents first
  std::vector<Link> links;
  std::vector<Bind> binds;
  const char* work_mount = nullptr;  // the working directory under the new root
  const char* work_options = nullptr;
  const char* script_in_root = nullptr;
  const char* proc_mount = nullptr;
  const char* old_root = nullptr;

  // kLandlock: what the code may read (trees or files), and the devices it may also write.
  std::vector<const char*> readable;
  std::vector<const char*> devices;

  SandboxLimits limits;
  timespec deadline{};  // CLOCK_MONOTONIC
  pid_t caller = 0;
  int out = -1, err = -1, status = -1;  // write ends of the three pipes
};

// In the forked supervisor; never returns.
[[noreturn]] void run_supervisor(const SandboxPlan& plan);

// In a forked child: the isolation a run would get; writes one kIsolation or kUnavailable
// record to `status`, then exits.
[[noreturn]] void probe_isolation(bool root, int status);

}  // namespace legion::detail
