#pragma once
// Test-environment helpers without GoogleTest, shared by the store tests and the store
// benchmark: a temporary directory, and the URL of the throwaway PostgreSQL server.
#include <stdlib.h>

#include <cstdio>
#include <string>

#include "support/temp_dir.hpp"

namespace legion::store::testing {

using TempDir = legion_test::TempDir;

// `scripts/postgres url` prints the server's URL; LEGION_PG_URL overrides it (an external
// server). Empty when there is none.
inline std::string postgres_url_or_empty() {
  if (const char* env = std::getenv("LEGION_PG_URL")) return env;
  FILE* pipe = popen(LEGION_SOURCE_DIR "/scripts/postgres url 2>/dev/null", "r");
  if (!pipe) return "";
  char buffer[512] = {};
  std::string url = fgets(buffer, sizeof buffer, pipe) ? buffer : "";
  if (pclose(pipe) != 0) return "";
  while (!url.empty() && (url.back() == '\n' || url.back() == ' ')) url.pop_back();
  return url;
}

}  // namespace legion::store::testing
