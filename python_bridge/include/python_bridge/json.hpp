#pragma once
// Python objects <-> nlohmann::json, directly (no json.dumps/loads round trip): dict, list,
// tuple, str, int, float, bool and None. Integers stay integers, so a tool argument 5 is
// the JSON number 5 on both sides and hashes the same. Call with the GIL held.
#include <pybind11/pybind11.h>

#include <nlohmann/json.hpp>

namespace legion::python {

nlohmann::json to_json(pybind11::handle object);  // throws legion::ConfigError on other types
pybind11::object from_json(const nlohmann::json& value);

}  // namespace legion::python
