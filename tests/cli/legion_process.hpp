#pragma once
// Running the `legion` executable from a test: one command to completion (exit code, stdout,
// stderr), and a fixture with a scratch SQLite store.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "legion/store/task_store.hpp"
#include "store/backends.hpp"
#include "store/worker_process.hpp"

namespace legion::cli {

inline const std::string kLegion = LEGION_BIN_DIR "/legion";
inline const std::string kExample = LEGION_SOURCE_DIR "/docs/examples/pipeline.json";

struct Outcome {
  int code;
  std::string out, err;
};

inline Outcome legion(const std::string& args, const std::string& scratch) {
  std::string err_file = scratch + "/stderr.txt";
  FILE* pipe = popen((kLegion + " " + args + " 2>" + err_file).c_str(), "r");
  std::string out;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  int status = pclose(pipe);
  std::ifstream err_in(err_file);
  std::stringstream err;
  err << err_in.rdbuf();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out, err.str()};
}

class LegionExecutable : public ::testing::Test {
 protected:
  // Waits until workflow `id` has checkpointed step `step` (true), or `timeout` passed: a kill
  // meant to land after a stage lands after it however slow the machine (a sanitizer build on
  // a loaded host), not after a guessed time.
  bool wait_for_checkpoint(const std::string& id, int step, std::chrono::milliseconds timeout) {
    auto store = store::open_store(url_);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto checkpoint = store->load_checkpoint(id);
      if (checkpoint && checkpoint->step >= step) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  Outcome run(const std::string& args) { return legion(args, backend_.dir()); }
  std::string write(const std::string& name, const std::string& text) {
    std::string path = backend_.dir() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  store::testing::SqliteBackend backend_;
  std::string url_ = backend_.url();
};

}  // namespace legion::cli
