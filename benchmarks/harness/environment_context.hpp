#pragma once
// The environment a run happened in, for the JSON context (benchmark::AddCustomContext):
// what a reader needs to reproduce or distrust a figure.
#include <cstdint>
#include <map>
#include <string>

namespace legion::harness {

// git commit, compiler, build type, CPU governor, load average, versions and notes.
std::map<std::string, std::string> environment_context();

}  // namespace legion::harness
