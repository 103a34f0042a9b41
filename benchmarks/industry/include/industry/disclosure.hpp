#pragma once
// The full disclosure a TPC result carries (TPC-C clause 8, reduced to what applies here):
// the command and configuration, the versions (LEGION, the framework, the compiler), the
// commit, the machine (CPU, cores, memory, kernel, governor, load), the seed. Every
// legion-industry result embeds it; `tpc` also writes it on its own as disclosure.json.
#include <filesystem>
#include <string>

#include "industry/workload.hpp"

namespace industry {

Json disclosure(const std::string& command_line, const Json& config, const std::string& framework,
                const std::string& framework_version);

}  // namespace industry
