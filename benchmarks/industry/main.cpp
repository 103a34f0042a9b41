// legion-industry: a thin main over the industry benchmark library (industry/cli.hpp).
#include <iostream>

#include "industry/cli.hpp"

int main(int argc, char** argv) {
  return industry::run_cli(argc, argv, std::cout, std::cerr);
}
