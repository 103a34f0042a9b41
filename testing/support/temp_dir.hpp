#pragma once
// A fresh temporary directory for one test, removed with everything in it when it goes out of
// scope.
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace legion_test {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "legion-test") {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace legion_test
