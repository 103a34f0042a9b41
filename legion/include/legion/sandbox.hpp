#pragma once
// A sandbox for untrusted code (a model's Python snippet). What it isolates, what it needs
// from the host and what happens where that is missing: docs/sandbox.md.
//
// Each run executes the interpreter with a scrubbed environment (PATH, HOME, TMPDIR, LANG
// only), rlimits (CPU, address space, file size, processes), a wall-clock timeout, and the
// strongest isolation the host allows:
// - kNamespaces: new mount, PID, IPC, UTS and network namespaces (and a user namespace when not
//   root). The code sees a fresh root holding read-only binds of the system directories and of
//   the interpreter's own tree, a private size-limited tmpfs as its working directory, no
//   network, and only its own processes; it runs as the caller's uid (as nobody when the
//   caller is root) with no capabilities. It runs as the child of the namespace's PID 1, so
//   when it exits (or times out) every process it left behind is killed with the namespace.
// - kLandlock: where namespaces are refused (a container's seccomp profile) but the kernel has
//   Landlock: the code may read only the same directories and write only its working
//   directory (a host temporary directory; RLIMIT_FSIZE bounds each file, not the total); the
//   host network stays visible. A subreaper kills whatever the code left behind.
// - kNone: no file-system isolation at all. Only with SandboxOptions::allow_unsandboxed; run()
//   otherwise throws SandboxUnavailableError. The environment is scrubbed and the process
//   tree killed as in kLandlock.
// In every mode the calling process is non-dumpable while code runs (its /proc/PID/environ and
// memory are closed to other processes of its uid), and a root caller's code runs without
// capabilities. The mode of each run is in SandboxResult::isolation, so callers record what
// was really in force.
//
// The working directory has the same path inside the sandbox as on the host; the host's is
// removed after every run, whatever the outcome.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legion/error.hpp"

namespace legion {

enum class SandboxIsolation { kNamespaces, kLandlock, kNone };
const char* to_string(SandboxIsolation isolation);  // "namespaces", "landlock", "none"

// No isolation is available here and the options do not allow running without it.
class SandboxUnavailableError : public Error {
 public:
  using Error::Error;
};

struct SandboxLimits {
  std::chrono::milliseconds timeout{10000};    // wall clock, then the whole tree is SIGKILLed
  std::uint64_t cpu_seconds = 10;              // RLIMIT_CPU
  std::uint64_t address_space = 1ull << 30;    // RLIMIT_AS, bytes
  std::uint64_t file_size = 16ull << 20;       // RLIMIT_FSIZE, bytes
  std::uint64_t processes = 64;                // RLIMIT_NPROC (not enforced for uid 0)
  std::uint64_t work_dir_bytes = 64ull << 20;  // kNamespaces: size of the working directory
  std::size_t max_output = 1 << 20;            // bytes kept of stdout and of stderr
};

struct SandboxOptions {
  std::string interpreter;        // absolute path or a name searched in PATH
  std::vector<std::string> args;  // before the script path, e.g. {"-I"}
  std::string script_name = "main.py";
  bool isolate_network = true;  // kNamespaces: a private network namespace
  // Host paths the code may read besides the system directories (/usr, /bin, /lib...) and the
  // interpreter's tree (the prefix of the path given and of the file it resolves to).
  std::vector<std::string> read_only_paths;
  // Where neither namespaces nor Landlock are available: run the code anyway (kNone) instead
  // of throwing SandboxUnavailableError. Callers must report that they did.
  bool allow_unsandboxed = false;
  SandboxLimits limits;
};

struct SandboxResult {
  int exit_code = -1;  // the process's exit status, -1 when it was killed by a signal
  int signal = 0;      // the signal that ended it, 0 when it exited
  bool timed_out = false;
  SandboxIsolation isolation = SandboxIsolation::kNone;
  bool network_isolated = false;
  std::string stdout_text;
  std::string stderr_text;
  std::string working_directory;  // already removed when the result is returned
  std::chrono::nanoseconds wall{0};
  bool ok() const { return exit_code == 0 && signal == 0 && !timed_out; }
  std::string describe() const;  // "exit 0", "exit 3", "killed by signal 9", "timed out"
};

class Sandbox {
 public:
  // Throws ConfigError when the interpreter cannot be found.
  explicit Sandbox(SandboxOptions options);
  const SandboxOptions& options() const { return options_; }
  const std::string& interpreter_path() const { return interpreter_path_; }

  // Writes `source` to the script file in a new working directory and runs it there.
  // Throws SandboxUnavailableError when no isolation is available and the options do not
  // allow running without; Error when the sandbox itself cannot work (no temporary
  // directory, fork failed, a namespace set-up step failed, exec failed). Whatever the code
  // does is reported in the result. Safe to call from several threads at once.
  SandboxResult run(const std::string& source) const;

 private:
  SandboxOptions options_;
  std::string interpreter_path_;
  std::vector<std::string> read_only_paths_;  // options' plus the interpreter's trees
};

// What Sandbox::run would use here (forks a child that tries, as run does): the isolation, or
// nullopt when none is available (run then needs allow_unsandboxed), and why in `detail`
// ("namespaces: unshare: Operation not permitted; landlock: Function not implemented").
struct SandboxSupport {
  std::optional<SandboxIsolation> isolation;
  bool network_isolated = false;
  std::string detail;
};
SandboxSupport sandbox_support();

// The executable `name` resolved against PATH (or itself when it holds a '/'), or "" if none.
std::string find_executable(const std::string& name);

}  // namespace legion
