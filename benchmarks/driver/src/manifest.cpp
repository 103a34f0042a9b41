#include "driver/manifest.hpp"

#include <fstream>

#include "driver/driver_error.hpp"

namespace legion::driver {

nlohmann::json to_json(const ProcessRecord& p) {
  auto optional = [](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  auto text_or_null = [](const std::string& s) {
    return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
  };
  return {{"file", p.file},
          {"log", p.log},
          {"framework", p.framework},
          {"index", p.index},
          {"round", p.round},
          {"kind", p.kind},
          {"rows", p.rows.empty() ? nlohmann::json("all") : nlohmann::json(p.rows)},
          {"filter", text_or_null(p.filter)},
          {"started", p.started},
          {"ended", p.ended},
          {"predicted_s", p.predicted_s},
          {"forecast_s", p.forecast_s},
          {"wall_s", p.wall_s},
          {"exit_status", p.exit_status},
          {"signal", p.signal == 0 ? nlohmann::json(nullptr) : nlohmann::json(p.signal)},
          {"timed_out", p.timed_out},
          {"calibration_cpp_ns", optional(p.calibration_cpp_ns)},
          {"interference", to_json(p.interference)},
          {"flagged", !p.flags.empty()},
          {"flags", p.flags},
          {"kept", p.kept},
          {"replaced_by", text_or_null(p.replaced_by)},
          {"rerun_of", text_or_null(p.rerun_of)},
          {"dropped", text_or_null(p.dropped)},
          {"kept_flagged", text_or_null(p.kept_flagged)}};
}

nlohmann::json to_json(const SkippedProcess& s) {
  return {{"framework", s.framework},
          {"kind", s.kind},
          {"rows", s.rows == 0 ? nlohmann::json("all") : nlohmann::json(s.rows)},
          {"round", s.round},
          {"forecast_s", s.forecast_s},
          {"left_s", s.left_s},
          {"reason", "lack of budget"}};
}

void write_json_atomically(const std::filesystem::path& path, const nlohmann::json& doc) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp);
    out << doc.dump(2) << '\n';
    if (!out) throw DriverError(tmp.string() + ": cannot write");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw DriverError(path.string() + ": cannot write: " + ec.message());
}

}  // namespace legion::driver
