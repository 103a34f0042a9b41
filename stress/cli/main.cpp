// legion-stress: a thin main over the stress library (stress/include/stress/cli.hpp).
#include <iostream>

#include "stress/cli.hpp"

int main(int argc, char** argv) {
  return stress::run_cli(argc, argv, std::cout, std::cerr);
}
