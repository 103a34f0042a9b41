#include "legion/sandbox.hpp"

#include <grp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "legion/error.hpp"
#include "support/child_process.hpp"
#include "support/refuse_isolation.hpp"

namespace legion {
namespace {

using legion_test::Refuse;

// python3 from PATH may be a launcher (a pyenv shim, a shell script) that needs more of the
// host than the interpreter does; the sandbox is given the interpreter itself.
std::string real_python() {
  static const std::string python = [] {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(
        popen("python3 -c 'import sys; print(sys.executable)' 2>/dev/null", "r"), pclose);
    std::array<char, 512> buffer{};
    if (!pipe || !fgets(buffer.data(), buffer.size(), pipe.get())) return std::string("python3");
    std::string path = buffer.data();
    while (!path.empty() && path.back() == '\n') path.pop_back();
    return path;
  }();
  return python;
}

SandboxOptions python_options(SandboxLimits limits = {}) {
  SandboxOptions options;
  options.interpreter = real_python();
  options.args = {"-I", "-S"};
  options.limits = limits;
  return options;
}

Sandbox python(SandboxLimits limits = {}) {
  return Sandbox(python_options(limits));
}

// A directory of the test's own, outside anything the sandbox is given.
struct HostDir {
  std::string path;
  HostDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "legion-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = pattern;
  }
  ~HostDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

// Python that tries `action` and prints "allowed" or "refused".
std::string attempt(const std::string& action) {
  return "try:\n    " + action + "\n    print('allowed')\nexcept OSError:\n    print('refused')\n";
}

// What the code of a hostile model tries; every line must print "refused".
struct Probes {
  HostDir host;
  std::string outside, secret, source;
  Probes() {
    outside = host.path + "/written-by-the-code";
    secret = host.path + "/secret";
    std::ofstream(secret) << "top secret\n";
    chmod(secret.c_str(), 0600);
    source = "import os, sys\n" + attempt("open('" + outside + "', 'w').write('x')") +
             attempt("open(os.path.join(sys.prefix, 'written-by-the-code'), 'w').write('x')") +
             attempt("open('" + secret + "').read()");
    if (std::filesystem::exists("/etc/shadow")) source += attempt("open('/etc/shadow').read()");
  }
  std::string expected() const {
    std::string out;
    for (std::size_t pos = 0; (pos = source.find("print('refused')", pos)) != std::string::npos;
         ++pos) {
      out += "refused\n";
    }
    return out;
  }
  bool wrote_outside() const {
    return std::filesystem::exists(outside) ||
           std::filesystem::exists(std::filesystem::path(python_prefix()) / "written-by-the-code");
  }
  static std::string python_prefix() {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(
        popen(("'" + real_python() + "' -I -S -c 'import sys; print(sys.prefix)'").c_str(), "r"),
        pclose);
    std::array<char, 512> buffer{};
    if (!pipe || !fgets(buffer.data(), buffer.size(), pipe.get())) return "/nonexistent";
    std::string path = buffer.data();
    while (!path.empty() && path.back() == '\n') path.pop_back();
    return path;
  }
};

// The code forks a child that leaves the session, closes its output and sleeps: a process
// that, unless the sandbox kills the whole tree, outlives the run. `marker` makes it findable.
std::string daemon_source(const std::string& marker) {
  return "import os\nif os.fork() == 0:\n    os.setsid()\n    os.close(1)\n    os.close(2)\n"
         "    os.execv('/bin/sleep', ['sleep', '" +
         marker + "'])\nprint('parent done')\n";
}

// Pids of live processes running `sleep MARKER`.
std::vector<pid_t> sleepers(const std::string& marker) {
  std::vector<pid_t> found;
  const std::string wanted = std::string("sleep") + '\0' + marker + '\0';
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline", std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (text.str() == wanted) found.push_back(std::stoi(name));
  }
  return found;
}

std::string unique_marker() {
  static int counter = 0;
  return "90." + std::to_string(getpid()) + std::to_string(++counter);
}

// The tree is gone when run() returns: nothing to wait for. Survivors (the bug) are killed so a
// failing run leaves nothing behind.
void expect_no_survivor(const std::string& marker) {
  const std::vector<pid_t> left = sleepers(marker);
  EXPECT_TRUE(left.empty()) << left.size() << " process(es) of the run outlived it";
  for (pid_t pid : left) kill(pid, SIGKILL);
}

// Code that prints every environment it can reach: its own, its parent's and its caller's
// (/proc/PID/environ, the environment the process started with), or "refused" for each it
// cannot read. The caller is the process that runs the sandbox: kCaller stands for its pid
// where that is a child process of the test's (run_refused).
constexpr const char* kCaller = "CALLER_PID";

std::string environment_source(const std::string& caller = std::to_string(getpid())) {
  return "import os\nprint(sorted(os.environ.items()))\n"
         "for pid in (os.getppid(), " +
         caller +
         "):\n    try:\n        print(open('/proc/%d/environ' % pid, 'rb').read())\n"
         "    except OSError:\n        print('refused')\n";
}

struct ScopedSecret {
  ScopedSecret() { setenv("OPENAI_API_KEY", "sk-legion-sandbox-test", 1); }
  ~ScopedSecret() { unsetenv("OPENAI_API_KEY"); }
};

TEST(Sandbox, RunsCodeAndCapturesOutput) {
  const SandboxResult result =
      python().run("import sys\nprint(6 * 7)\nprint('oops', file=sys.stderr)\n");
  EXPECT_TRUE(result.ok()) << result.describe() << result.stderr_text;
  EXPECT_EQ(result.stdout_text, "42\n");
  EXPECT_EQ(result.stderr_text, "oops\n");
}

TEST(Sandbox, ReportsNonZeroExit) {
  const SandboxResult result = python().run("raise SystemExit(3)\n");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.describe(), "exit 3");
}

TEST(Sandbox, TimeoutKillsTheProcess) {
  SandboxLimits limits;
  limits.timeout = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  const SandboxResult result = python(limits).run("while True:\n    pass\n");
  EXPECT_TRUE(result.timed_out);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.signal, 9);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(Sandbox, FileSizeLimitStopsTheWrite) {
  SandboxLimits limits;
  limits.file_size = 4096;
  const SandboxResult result = python(limits).run("open('big', 'w').write('x' * 100000)\n");
  // Python ignores SIGXFSZ, so the limit shows as EFBIG ("File too large") and a failed exit.
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.stderr_text.find("File too large"), std::string::npos) << result.stderr_text;
}

TEST(Sandbox, AddressSpaceLimitStopsTheAllocation) {
  SandboxLimits limits;
  limits.address_space = 256ull << 20;
  const SandboxResult result = python(limits).run("x = bytearray(1 << 30)\n");
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.stderr_text.find("MemoryError"), std::string::npos) << result.stderr_text;
}

TEST(Sandbox, TemporaryDirectoryIsRemoved) {
  const SandboxResult result = python().run("import os\nprint(os.getcwd())\n");
  ASSERT_TRUE(result.ok()) << result.stderr_text;
  EXPECT_EQ(result.stdout_text, result.working_directory + "\n");
  EXPECT_FALSE(std::filesystem::exists(result.working_directory));
}

TEST(Sandbox, ReportsWhetherTheNetworkWasIsolated) {
  // With isolation in force only the loopback interface exists, and it is down.
  const SandboxResult result = python().run(
      "import socket\ntry:\n    socket.create_connection(('127.0.0.1', 9), 1)\n"
      "    print('connected')\nexcept OSError as e:\n    print(type(e).__name__)\n");
  ASSERT_TRUE(result.ok()) << result.stderr_text;
  if (result.network_isolated) {
    EXPECT_EQ(result.stdout_text, "OSError\n");
  }
  EXPECT_EQ(result.network_isolated, sandbox_support().network_isolated);
}

TEST(Sandbox, UnknownInterpreterIsAConfigError) {
  SandboxOptions options;
  options.interpreter = "no-such-interpreter-legion";
  EXPECT_THROW(Sandbox{options}, ConfigError);
}

TEST(Sandbox, CodeCannotWriteOutsideItsDirectoryNorReadOtherFiles) {
  const Probes probes;
  const SandboxResult result = python().run(probes.source);
  ASSERT_TRUE(result.ok()) << result.describe() << ": " << result.stderr_text;
  EXPECT_EQ(result.stdout_text, probes.expected());
  EXPECT_FALSE(probes.wrote_outside());
}

TEST(Sandbox, DaemonizedGrandchildDoesNotOutliveTheRun) {
  const std::string marker = unique_marker();
  const SandboxResult result = python().run(daemon_source(marker));
  EXPECT_TRUE(result.ok()) << result.describe() << ": " << result.stderr_text;
  EXPECT_EQ(result.stdout_text, "parent done\n");
  expect_no_survivor(marker);
}

TEST(Sandbox, ParentEnvironmentDoesNotReachTheCode) {
  const ScopedSecret secret;
  const SandboxResult result = python().run(environment_source());
  ASSERT_TRUE(result.ok()) << result.describe() << ": " << result.stderr_text;
  EXPECT_EQ(result.stdout_text.find("OPENAI_API_KEY"), std::string::npos) << result.stdout_text;
  EXPECT_NE(result.stdout_text.find("refused\nrefused\n"), std::string::npos) << result.stdout_text;
}

TEST(Sandbox, ParentIsDumpableAgainAfterTheRun) {
  ASSERT_EQ(prctl(PR_GET_DUMPABLE), 1);
  const SandboxResult result = python().run("print(1)\n");
  EXPECT_TRUE(result.ok()) << result.stderr_text;
  EXPECT_EQ(prctl(PR_GET_DUMPABLE), 1);
}

TEST(Sandbox, NamespacesGiveASizeLimitedWorkDirectory) {
  if (sandbox_support().isolation != SandboxIsolation::kNamespaces) {
    GTEST_SKIP() << "no namespaces here: " << sandbox_support().detail;
  }
  SandboxLimits limits;
  limits.work_dir_bytes = 1 << 20;
  limits.file_size = 64 << 20;
  const SandboxResult result = python(limits).run(
      "try:\n    open('big', 'wb').write(b'x' * (4 << 20))\n    print('allowed')\n"
      "except OSError as e:\n    print(e.strerror)\n");
  EXPECT_EQ(result.isolation, SandboxIsolation::kNamespaces);
  EXPECT_EQ(result.stdout_text, "No space left on device\n") << result.stderr_text;
}

// Root's runs use no user namespace; this one is a caller that is not root (nobody), whose
// namespaces need one: the id maps, the capability drop at exec. Root only (it switches uid).
TEST(Sandbox, WorksForAnUnprivilegedCaller) {
  if (geteuid() != 0) GTEST_SKIP() << "the whole suite already runs unprivileged";
  if (access("/usr/bin/python3", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/python3";
  const auto child = legion_test::run_in_child(
      [] {
        if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0) {
          return std::string("cannot become nobody");
        }
        SandboxOptions options;
        options.interpreter = "/usr/bin/python3";
        options.args = {"-I", "-S"};
        const auto support = sandbox_support();
        try {
          const SandboxResult r = Sandbox(options).run(
              "import os\nprint(os.getuid(), os.getpid())\n"
              "try:\n    open('/usr/legion-probe', 'w')\nexcept OSError:\n    print('refused')\n");
          return std::string(to_string(r.isolation)) + " " +
                 (support.isolation ? to_string(*support.isolation) : "none") + " " + r.describe() +
                 " " + r.stdout_text + r.stderr_text;
        } catch (const std::exception& error) {
          return std::string("error ") + error.what();
        }
      },
      std::chrono::seconds(60));
  std::istringstream words(child.text);
  std::string used, expected, status, code;
  words >> used >> expected >> status >> code;
  EXPECT_EQ(used, expected) << child.text;
  EXPECT_EQ(status + " " + code, "exit 0") << child.text;
  EXPECT_NE(child.text.find("refused"), std::string::npos) << child.text;
  if (used == "namespaces") {
    EXPECT_NE(child.text.find("65534 2\n"), std::string::npos)
        << "uid and pid inside: " << child.text;
  }
}

// --- Where the host refuses namespaces (a container's seccomp profile) ---------------------

// What a run in a child process with isolation refused gave: the result, or the error.
struct RefusedRun {
  std::optional<SandboxResult> result;
  bool unavailable = false;  // SandboxUnavailableError
  std::string error;
};

void put(std::string& out, const std::string& text) {
  out += std::to_string(text.size()) + ":" + text;
}

std::string take(std::istream& in) {
  std::size_t size = 0;
  char colon = 0;
  in >> size >> colon;
  std::string text(size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  return text;
}

RefusedRun run_refused(Refuse what, const SandboxOptions& options, const std::string& source) {
  const auto child = legion_test::run_in_child(
      [&] {
        std::string out;
        if (!legion_test::refuse_isolation(what)) {
          put(out, "error");
          put(out, std::string("cannot install the seccomp filter: ") + std::strerror(errno));
          return out;
        }
        try {
          std::string code = source;
          if (const auto at = code.find(kCaller); at != std::string::npos) {
            code.replace(at, std::string(kCaller).size(), std::to_string(getpid()));
          }
          const SandboxResult r = Sandbox(options).run(code);
          put(out, "result");
          for (const std::string& field :
               {std::to_string(static_cast<int>(r.isolation)), std::to_string(r.exit_code),
                std::to_string(r.signal), std::to_string(r.timed_out), r.stdout_text,
                r.stderr_text}) {
            put(out, field);
          }
        } catch (const SandboxUnavailableError& e) {
          put(out, "unavailable");
          put(out, e.what());
        } catch (const std::exception& e) {
          put(out, "error");
          put(out, e.what());
        }
        return out;
      },
      std::chrono::seconds(60));
  std::istringstream in(child.text);
  RefusedRun run;
  const std::string kind = take(in);
  if (kind == "result") {
    SandboxResult r;
    r.isolation = static_cast<SandboxIsolation>(std::stoi(take(in)));
    r.exit_code = std::stoi(take(in));
    r.signal = std::stoi(take(in));
    r.timed_out = take(in) == "1";
    r.stdout_text = take(in);
    r.stderr_text = take(in);
    run.result = r;
  } else {
    run.unavailable = kind == "unavailable";
    run.error = kind.empty()
                    ? "the child reported nothing (finished: " + std::to_string(child.finished) +
                          ", signal: " + std::to_string(child.signal) + ")"
                    : take(in);
  }
  return run;
}

TEST(SandboxWithoutNamespaces, LandlockStillConfinesTheCode) {
  const Probes probes;
  const RefusedRun run = run_refused(Refuse::kNamespaces, python_options(), probes.source);
  if (run.unavailable) GTEST_SKIP() << "no Landlock on this kernel: " << run.error;
  ASSERT_TRUE(run.result) << run.error;
  EXPECT_EQ(run.result->isolation, SandboxIsolation::kLandlock);
  EXPECT_TRUE(run.result->ok()) << run.result->describe() << ": " << run.result->stderr_text;
  EXPECT_EQ(run.result->stdout_text, probes.expected());
  EXPECT_FALSE(probes.wrote_outside());
}

TEST(SandboxWithoutNamespaces, LandlockRunScrubsTheEnvironmentAndKillsTheTree) {
  const ScopedSecret secret;
  const std::string marker = unique_marker();
  const RefusedRun run = run_refused(Refuse::kNamespaces, python_options(),
                                     environment_source(kCaller) + daemon_source(marker));
  if (run.unavailable) GTEST_SKIP() << "no Landlock on this kernel: " << run.error;
  ASSERT_TRUE(run.result) << run.error;
  EXPECT_TRUE(run.result->ok()) << run.result->describe() << ": " << run.result->stderr_text;
  EXPECT_EQ(run.result->stdout_text.find("OPENAI_API_KEY"), std::string::npos)
      << run.result->stdout_text;
  EXPECT_NE(run.result->stdout_text.find("refused\nrefused\n"), std::string::npos)
      << run.result->stdout_text;
  EXPECT_NE(run.result->stdout_text.find("parent done"), std::string::npos);
  expect_no_survivor(marker);
}

TEST(SandboxWithoutIsolation, RefusesToRunTheCode) {
  const Probes probes;
  const RefusedRun run =
      run_refused(Refuse::kNamespacesAndLandlock, python_options(), probes.source);
  EXPECT_TRUE(run.unavailable) << (run.result ? "the code ran: " + run.result->stdout_text
                                              : run.error);
  // One line that says why and what would allow it, nothing run.
  EXPECT_EQ(run.error.rfind("sandbox: no isolation for the code here: namespaces refused", 0), 0u)
      << run.error;
  EXPECT_NE(run.error.find("allow_unsandboxed"), std::string::npos) << run.error;
  EXPECT_EQ(run.error.find('\n'), std::string::npos) << run.error;
  EXPECT_FALSE(probes.wrote_outside());
}

TEST(SandboxWithoutIsolation, OptInRunsWithAScrubbedEnvironmentAndKillsTheTree) {
  const ScopedSecret secret;
  const std::string marker = unique_marker();
  SandboxOptions options = python_options();
  options.allow_unsandboxed = true;
  const RefusedRun run = run_refused(Refuse::kNamespacesAndLandlock, options,
                                     environment_source(kCaller) + daemon_source(marker));
  ASSERT_TRUE(run.result) << run.error;
  EXPECT_EQ(run.result->isolation, SandboxIsolation::kNone);
  EXPECT_TRUE(run.result->ok()) << run.result->describe() << ": " << run.result->stderr_text;
  // Neither its own environment nor a parent's /proc/PID/environ gives the key away.
  EXPECT_EQ(run.result->stdout_text.find("OPENAI_API_KEY"), std::string::npos)
      << run.result->stdout_text;
  EXPECT_NE(run.result->stdout_text.find("refused\nrefused\n"), std::string::npos)
      << run.result->stdout_text;
  expect_no_survivor(marker);
}

TEST(SandboxWithoutIsolation, SupportReportsWhatIsMissing) {
  const auto child = legion_test::run_in_child(
      [] {
        if (!legion_test::refuse_isolation(Refuse::kNamespacesAndLandlock)) {
          return std::string("filter failed");
        }
        const SandboxSupport support = sandbox_support();
        return (support.isolation ? to_string(*support.isolation) : "none") + std::string(" ") +
               support.detail;
      },
      std::chrono::seconds(30));
  EXPECT_EQ(child.text.rfind("none ", 0), 0u) << child.text;
  EXPECT_NE(child.text.find("Operation not permitted"), std::string::npos) << child.text;
}

}  // namespace
}  // namespace legion
