// legion-refuse-isolation [--landlock] COMMAND [ARGS...]: runs COMMAND where new namespaces
// are refused, as in a container with Docker's default seccomp profile (and, with --landlock,
// Landlock too), so the end-to-end tests can check the sandbox's fallbacks through the tools.
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "refuse_isolation.hpp"

int main(int argc, char** argv) {
  int first = 1;
  auto what = legion_test::Refuse::kNamespaces;
  if (argc > 1 && std::strcmp(argv[1], "--landlock") == 0) {
    what = legion_test::Refuse::kNamespacesAndLandlock;
    ++first;
  }
  if (first >= argc) {
    std::fprintf(stderr, "usage: legion-refuse-isolation [--landlock] COMMAND [ARGS...]\n");
    return 2;
  }
  if (!legion_test::refuse_isolation(what)) {
    std::perror("legion-refuse-isolation: seccomp");
    return 2;
  }
  execvp(argv[first], argv + first);
  std::perror("legion-refuse-isolation: exec");
  return 127;
}
