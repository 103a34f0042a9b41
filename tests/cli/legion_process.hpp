#pragma once
// Running the `legion` executable from a test: one command to completion (exit code, stdout,
// stderr), and a fixture with a scratch SQLite store.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

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
