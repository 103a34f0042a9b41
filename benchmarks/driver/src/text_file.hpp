#pragma once
// Whole small text files (/proc entries, logs, JSON the driver's children wrote); private to
// legion_driver.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace legion::driver {

// "" when the file cannot be read.
inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The last line that is not blank: where a failing tool says why.
inline std::string last_line(const std::filesystem::path& path) {
  std::istringstream in(read_text(path));
  std::string line, last;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  }
  return last;
}

}  // namespace legion::driver
