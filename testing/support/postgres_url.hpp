#pragma once
// The URL of the throwaway PostgreSQL server the tests and the store benchmark use:
// `scripts/postgres url` prints it; LEGION_PG_URL overrides it (an external server). Empty
// when there is none.
#include <stdio.h>
#include <stdlib.h>

#include <string>

namespace legion_test {

inline std::string postgres_url_or_empty() {
  if (const char* env = std::getenv("LEGION_PG_URL")) return env;
  FILE* pipe = popen(LEGION_POSTGRES_SCRIPT " url 2>/dev/null", "r");
  if (!pipe) return "";
  char buffer[512] = {};
  std::string url = fgets(buffer, sizeof buffer, pipe) ? buffer : "";
  if (pclose(pipe) != 0) return "";
  while (!url.empty() && (url.back() == '\n' || url.back() == ' ')) url.pop_back();
  return url;
}

}  // namespace legion_test
