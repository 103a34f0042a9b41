#include "legion/error.hpp"
#include "python_bridge/json.hpp"

namespace py = pybind11;

namespace legion::python {

nlohmann::json to_json(py::handle object) {
  // bool before int: Python's bool is an int subclass.
  if (object.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(object)) return object.cast<bool>();
  if (py::isinstance<py::int_>(object)) return object.cast<std::int64_t>();
  if (py::isinstance<py::float_>(object)) return object.cast<double>();
  if (py::isinstance<py::str>(object)) return object.cast<std::string>();
  if (py::isinstance<py::dict>(object)) {
    nlohmann::json out = nlohmann::json::object();
    for (auto [key, value] : object.cast<py::dict>()) {
      if (!py::isinstance<py::str>(key)) throw ConfigError("JSON object keys must be strings");
      out[key.cast<std::string>()] = to_json(value);
    }
    return out;
  }
  if (py::isinstance<py::list>(object) || py::isinstance<py::tuple>(object)) {
    nlohmann::json out = nlohmann::json::array();
    for (py::handle item : object) out.push_back(to_json(item));
    return out;
  }
  throw ConfigError("cannot convert a Python " +
                    py::str(py::type::handle_of(object).attr("__name__")).cast<std::string>() +
                    " to JSON");
}

py::object from_json(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return py::none();
    case nlohmann::json::value_t::boolean:
      return py::bool_(value.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return py::int_(value.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return py::int_(value.get<std::uint64_t>());
    case nlohmann::json::value_t::number_float:
      return py::float_(value.get<double>());
    case nlohmann::json::value_t::string:
      return py::str(value.get_ref<const std::string&>());
    case nlohmann::json::value_t::array: {
      py::list out;
      for (const nlohmann::json& item : value) out.append(from_json(item));
      return out;
    }
    case nlohmann::json::value_t::object: {
      py::dict out;
      for (const auto& [key, item] : value.items()) out[py::str(key)] = from_json(item);
      return out;
    }
    default:
      throw ConfigError("cannot convert JSON of type " + std::string(value.type_name()));
  }
}

}  // namespace legion::python
