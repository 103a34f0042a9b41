// The `legion` executable fed what an attacker or a careless user writes: every case is one
// line on stderr naming the problem and a documented exit status (2 bad input, 1 the command
// failed), never a crash, a hang, raw exception text, or a silent success.
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "legion/store/task_store.hpp"
#include "store/backends.hpp"
#include "support/child_process.hpp"
#include "support/run_command.hpp"

namespace legion::cli {
namespace {

using nlohmann::json;
using store::testing::SqliteBackend;

const std::string kLegion = LEGION_BIN_DIR "/legion";
const std::string kExample = LEGION_SOURCE_DIR "/docs/examples/pipeline.json";

struct Outcome {
  int code;
  std::string out, err;
};

class HostileInput : public ::testing::Test {
 protected:
  // Runs `legion ARGS` through the shell (ARGS may redirect stdout), stderr kept apart.
  Outcome run(const std::string& args, const std::string& prefix = "") {
    const std::string err_file = backend_.dir() + "/stderr.txt";
    auto r = legion_test::run_command(prefix + kLegion + " " + args + " 2>" + err_file);
    std::ifstream in(err_file);
    std::stringstream err;
    err << in.rdbuf();
    return {r.status, r.out, err.str()};
  }
  std::string write(const std::string& name, const std::string& text) {
    std::string path = backend_.dir() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  // Exit `code` and exactly one line on stderr that holds `culprit`.
  static void expect_one_line(const Outcome& o, int code, const std::string& culprit) {
    EXPECT_EQ(o.code, code) << o.err;
    EXPECT_NE(o.err.find(culprit), std::string::npos) << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
  }
  std::string path() const { return backend_.dir() + "/store.db"; }

  SqliteBackend backend_;
  std::string url_ = backend_.url();
};

std::string nested(std::size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

json example() {
  return json::parse(std::ifstream(kExample));
}

TEST_F(HostileInput, DeeplyNestedSpecIsBadInputNotACrash) {
  auto spec = example().dump();
  spec.insert(spec.size() - 1, ", \"model\": " + nested(90'000));
  expect_one_line(run("run " + write("deep.json", spec)), 2, "nested deeper than 512 levels");
}

// nlohmann throws out_of_range.406 (not parse_error) for a number beyond double's range.
TEST_F(HostileInput, NumberOutOfRangeInASpecIsBadInput) {
  expect_one_line(run("run " + write("huge.json", R"({"a": 1e999})")), 2,
                  "number overflow parsing '1e999'");
}

TEST_F(HostileInput, DeeplyNestedTaskFileIsBadInputNotACrash) {
  const auto file = write("deep.jsonl", "{\"key\": \"k\", \"payload\": " + nested(90'000) + "}\n");
  expect_one_line(run("submit --store " + url_ + " --file " + file), 2,
                  "deep.jsonl:1: nested deeper than 512 levels");
}

TEST_F(HostileInput, DeeplyNestedStoredPayloadIsExportedAndDeadLettered) {
  {
    auto store = store::open_store(url_);
    store->submit({"deep", nested(90'000), 1});
  }
  const auto exported = run("export --store " + url_);
  ASSERT_EQ(exported.code, 0) << exported.err;
  const json document = json::parse(exported.out);
  EXPECT_EQ(document["tasks"][0]["payload"], nested(90'000)) << "kept, as its text";
  const auto worker = run("worker --store " + url_ + " --drain");
  ASSERT_EQ(worker.code, 0) << worker.err;
  EXPECT_EQ(json::parse(run("status --json --store " + url_).out)["dead"], 1);
}

TEST_F(HostileInput, ADirectoryIsNotASpecNorATaskFile) {
  expect_one_line(run("run " + backend_.dir()), 2, backend_.dir() + ": is a directory");
  expect_one_line(run("submit --store " + url_ + " --file " + backend_.dir()), 2,
                  backend_.dir() + ": is a directory");
}

TEST_F(HostileInput, SpecNameOfTheWrongTypeNamesTheField) {
  json spec = example();
  spec["name"] = 5;
  expect_one_line(run("run " + write("named.json", spec.dump())), 2, "spec.name: must be a string");
}

TEST_F(HostileInput, OutputThatCannotBeWrittenFails) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full here";
  expect_one_line(run("run " + kExample + " --out /dev/full"), 1,
                  "cannot write /dev/full (No space left on device)");
  expect_one_line(run("run " + kExample + " >/dev/full"), 1, "cannot write to standard output");
  ASSERT_EQ(run("submit --store " + url_ + " --count 3").code, 0);
  expect_one_line(run("export --store " + url_ + " >/dev/full"), 1,
                  "cannot write to standard output");
}

TEST_F(HostileInput, AWorkflowIdOfAnotherSpecIsRefused) {
  ASSERT_EQ(run("run " + kExample + " --store " + url_ + " --workflow-id shared").code, 0);
  json other = example();
  other["pattern"]["input"] = "another start";
  const auto reused = run("run " + write("other.json", other.dump()) + " --store " + url_ +
                          " --workflow-id shared");
  expect_one_line(reused, 2, "workflow id 'shared' belongs to another spec in this store");
  EXPECT_TRUE(reused.out.empty()) << "no stale result: " << reused.out;
  // The spec that made it still resumes from its checkpoint.
  const auto again = run("run " + kExample + " --store " + url_ + " --workflow-id shared");
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(json::parse(again.out)["resumed_from_step"], 2);
}

TEST_F(HostileInput, FanOutBeyondTheThreadLimitIsAnError) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "a sanitized binary reserves terabytes of address space: ulimit -v cannot "
                  "bind it (the release run and runtime.ExecutorThreadLimit cover this)";
#endif
  json spec = example();
  spec["pattern"] = {{"type", "fan_out"},
                     {"threads", 1000},
                     {"branches", {{{"agent", "calculator"}, {"task", "add"}}}}};
  // RLIMIT_AS binds root too (RLIMIT_NPROC does not): the stacks of 1000 threads do not fit.
  const auto r = run("run " + write("fan.json", spec.dump()), "ulimit -v 400000 && exec ");
  expect_one_line(r, 1, "executor: cannot start worker thread ");
}

TEST_F(HostileInput, SqliteUrlNeedsAPath) {
  expect_one_line(run("status --store sqlite://", "cd " + backend_.dir() + " && "), 2,
                  "sqlite:// needs a file path");
  EXPECT_FALSE(std::filesystem::exists(backend_.dir() + "/legion.db"))
      << "nothing created in the working directory";
}

TEST_F(HostileInput, MaxAttemptsThatDoesNotFitIsRefused) {
  const auto file = write("big.jsonl", R"({"key": "k", "max_attempts": 4294967297})"
                                       "\n");
  expect_one_line(run("submit --store " + url_ + " --file " + file), 2,
                  "'max_attempts' must be an integer from 1 to 1000");
}

TEST_F(HostileInput, KeysMustBeUtf8AndTheStoreStaysExportable) {
  ASSERT_EQ(run("submit --store " + url_ + " --count 2").code, 0);
  expect_one_line(run("submit --store " + url_ + " --count 2 --prefix $(printf '\\377')"), 2,
                  "--prefix: not valid UTF-8");
  expect_one_line(run("worker --store " + url_ + " --drain --id $(printf 'w\\377')"), 2,
                  "--id: not valid UTF-8");
  expect_one_line(run("run " + kExample + " --store " + url_ + " --workflow-id $(printf '\\377')"),
                  2, "--workflow-id: not valid UTF-8");
  // The audit log is exported too.
  expect_one_line(run("tasks cancel task-0 --store " + url_ + " --reason $(printf '\\377')"), 2,
                  "--reason: not valid UTF-8");
  const auto exported = run("export --store " + url_);
  ASSERT_EQ(exported.code, 0) << exported.err;
  EXPECT_EQ(json::parse(exported.out)["tasks"].size(), 2u);
}

TEST_F(HostileInput, ATruncatedStoreDoesNotVerify) {
  ASSERT_EQ(run("submit --store " + url_ + " --count 5").code, 0);
  std::filesystem::resize_file(path(), 0);
  for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(path() + suffix);
  for (const std::string command : {"verify", "status", "export"}) {
    expect_one_line(run(command + " --store " + url_), 1, "is not a LEGION store");
  }
}

// Runs `legion ARGS` with the store's directory mounted read-only (a mount namespace of its
// own), so root, whom file modes do not stop, sees a write-protected store too. Exit 125: no
// mount namespace here.
Outcome run_on_read_only_mount(const std::string& dir, const std::string& args) {
  const auto child = legion_test::run_in_child(
      [&] {
        const uid_t uid = geteuid();
        const gid_t gid = getegid();
        if (unshare(CLONE_NEWNS | (uid == 0 ? 0 : CLONE_NEWUSER)) != 0) return std::string("125\n");
        if (uid != 0) {
          std::ofstream("/proc/self/setgroups") << "deny";
          std::ofstream("/proc/self/uid_map") << uid << " " << uid << " 1";
          std::ofstream("/proc/self/gid_map") << gid << " " << gid << " 1";
        }
        if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
            mount(dir.c_str(), dir.c_str(), nullptr, MS_BIND, nullptr) != 0 ||
            mount(nullptr, dir.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0) {
          return std::string("125\n");
        }
        const auto r = legion_test::run_command(kLegion + " " + args + " 2>&1");
        return std::to_string(r.status) + "\n" + r.out;
      },
      std::chrono::seconds(60));
  const auto newline = child.text.find('\n');
  if (newline == std::string::npos) return {-1, "", "the child reported nothing"};
  return {std::stoi(child.text.substr(0, newline)), child.text.substr(newline + 1), ""};
}

TEST_F(HostileInput, AWriteProtectedStoreCanBeInspected) {
  ASSERT_EQ(run("submit --store " + url_ + " --count 5").code, 0);
  // As an archived store would be: no -wal or -shm file next to it.
  ASSERT_EQ(
      legion_test::run_command("sqlite3 " + path() + " 'PRAGMA wal_checkpoint(TRUNCATE);'").status,
      0);
  for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(path() + suffix);
  const auto status = run_on_read_only_mount(backend_.dir(), "status --store " + url_);
  if (status.code == 125) GTEST_SKIP() << "no mount namespace here";
  EXPECT_EQ(status.code, 0) << status.out;
  EXPECT_EQ(status.out, "queued 5  leased 0  done 0  failed 0  dead 0  cancelled 0  total 5\n");
  const auto exported = run_on_read_only_mount(backend_.dir(), "export --store " + url_);
  EXPECT_EQ(exported.code, 0) << exported.out;
  EXPECT_NE(exported.out.find("\"key\": \"task-4\""), std::string::npos) << exported.out;
  // So can the tasks commands that only read.
  const auto listed = run_on_read_only_mount(backend_.dir(), "tasks list --store " + url_);
  EXPECT_EQ(listed.code, 0) << listed.out;
  EXPECT_NE(listed.out.find("task-4"), std::string::npos) << listed.out;
  const auto audit = run_on_read_only_mount(backend_.dir(), "tasks audit --store " + url_);
  EXPECT_EQ(audit.code, 0) << audit.out;
  // A command that writes says so in one line.
  const auto submit = run_on_read_only_mount(backend_.dir(), "submit --count 1 --store " + url_);
  EXPECT_EQ(submit.code, 1) << submit.out;
  EXPECT_NE(submit.out.find("legion: error: sqlite"), std::string::npos) << submit.out;
}

TEST_F(HostileInput, PostgresUrlParametersAreChecked) {
  expect_one_line(
      run("status --store 'postgresql://postgres@127.0.0.1:1/x?reconnect_deadline_ms=-5'"), 2,
      "reconnect_deadline_ms must be a non-negative number of milliseconds");
}

TEST_F(HostileInput, UnreachablePostgresIsAnErrorAtOnce) {
  const auto start = std::chrono::steady_clock::now();
  const auto r = run("status --store 'postgresql://postgres@127.0.0.1:1/x?connect_timeout=2'");
  expect_one_line(r, 1, "postgresql unreachable (the first connection is not retried)");
  // It used to retry for the whole 30 s reconnect deadline first.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15));
}

}  // namespace
}  // namespace legion::cli
