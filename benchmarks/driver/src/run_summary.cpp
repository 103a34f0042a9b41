#include "driver/run_summary.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "driver/duration.hpp"
#include "stats/table.hpp"

namespace legion::driver {
namespace {

std::string fixed(double value, int digits) {
  char out[32];
  std::snprintf(out, sizeof out, "%.*f", digits, value);
  return out;
}

// As legion-compare prints them: 4 significant digits, scientific beyond 1e15 and under 1e-4 (an
// interval over 2 processes can reach 1e27).
std::string optional_number(const std::optional<double>& v) {
  return v ? stats::text::number(*v) : "?";
}

// "title (n):" and the first ten items; every one is in run.json at `key`.
void append_listed(std::vector<std::string>& lines, const std::string& title,
                   const std::vector<std::string>& items, const std::string& key) {
  if (items.empty()) return;
  lines.push_back(title + " (" + std::to_string(items.size()) + "):");
  constexpr std::size_t kShown = 10;
  for (std::size_t i = 0; i < std::min(items.size(), kShown); ++i) lines.push_back("  " + items[i]);
  if (items.size() > kShown) {
    lines.push_back("  ... and " + std::to_string(items.size() - kShown) +
                    " more (run.json: " + key + ")");
  }
}

std::vector<std::string> skipped_lines(const RunFacts& f) {
  std::vector<std::string> items;
  if (f.skipped) {
    for (const SkippedProcess& s : *f.skipped) {
      items.push_back(s.framework + " " + s.kind + " (" +
                      (s.rows == 0 ? std::string("every row") : std::to_string(s.rows) + " rows") +
                      ", round " + std::to_string(s.round) + "): forecast " +
                      format_duration(s.forecast_s) + ", " + format_duration(s.left_s) + " left");
    }
  }
  std::vector<std::string> lines;
  append_listed(lines, "skipped for lack of budget", items, "skipped");
  return lines;
}

std::vector<std::string> quality_lines(const RunFacts& f) {
  std::vector<std::string> lines;
  if (run_disturbed(f.view, *f.processes)) {
    lines.push_back(f.accept_disturbed
                        ? "RUN DISTURBED (accepted with --accept-disturbed): read no ratio as "
                          "a property of the frameworks alone"
                        : "RUN DISTURBED: do not trust these ratios (exit 3; --accept-disturbed "
                          "keeps them)");
  }
  if (f.view) {
    std::string gate = "A/A gate: " + f.view->aa_status;
    for (const AaFramework& a : f.view->aa) {
      if (a.state.empty() || a.state == "inside") continue;
      gate += "; " + a.framework + " " + optional_number(a.ratio) + " [" +
              optional_number(a.lower) + ", " + optional_number(a.upper) + "] " + a.state;
    }
    lines.push_back(gate);
  }
  std::vector<std::string> named;
  for (const ProcessRecord& p : *f.processes) {
    if (!p.kept || p.flags.empty()) continue;
    named.push_back(p.file + " (" + p.flags.front() +
                    (p.kept_flagged.empty() ? "" : "; kept: " + p.kept_flagged) + ")");
  }
  append_listed(lines, "disturbed processes kept", named, "quality.disturbed_processes");
  std::vector<std::string> dropped;
  for (const ProcessRecord& p : *f.processes) {
    if (!p.dropped.empty()) dropped.push_back(p.file + " (" + p.dropped + ")");
  }
  append_listed(lines, "dropped from the comparison, flagged with no re-run left", dropped,
                "quality.dropped_processes");
  std::size_t flagged = 0, replaced = 0;
  for (const ProcessRecord& p : *f.processes) {
    flagged += p.flags.empty() || !p.rerun_of.empty() ? 0 : 1;
    replaced += !p.kept && !p.replaced_by.empty() ? 1 : 0;
  }
  lines.push_back("interference: " + std::to_string(flagged) + " processes flagged, " +
                  std::to_string(replaced) + " replaced by a re-run, " +
                  std::to_string(dropped.size()) + " dropped");
  return lines;
}

std::vector<std::string> precision_lines(const RunFacts& f) {
  std::vector<std::string> lines;
  const PrecisionStatus status = precision_status(*f.view);
  lines.push_back("rows precise (relative half-width <= " + fixed(100 * f.precision, 0) +
                  "%): " + std::to_string(status.precise) + "/" + std::to_string(status.total) +
                  "; widest " + status.widest_text());
  std::vector<std::string> inconclusive;
  for (const ComparisonRow& r : f.view->rows) {
    if (r.aa_control || r.status != "compared" || r.verdict != "inconclusive") continue;
    std::string line = "  " + r.framework + " " + r.benchmark;
    if (r.ratio && r.lower && r.upper) {
      line += " " + stats::text::number(*r.ratio) + " [" + stats::text::number(*r.lower) + ", " +
              stats::text::number(*r.upper) + "]";
    }
    line += r.needs_processes ? ": needs >= " + std::to_string(*r.needs_processes) + " processes"
                              : ": " + r.verdict_text;
    inconclusive.push_back(line);
  }
  lines.push_back("inconclusive rows: " + std::to_string(inconclusive.size()));
  lines.insert(lines.end(), inconclusive.begin(), inconclusive.end());
  if (f.view->machines_mixed) {
    lines.push_back("machines: the processes ran on different machines (see run.json)");
  }
  return lines;
}

}  // namespace

bool run_disturbed(const ComparisonView* view, const std::vector<ProcessRecord>& processes) {
  if (view && view->aa_status == "disturbed") return true;
  return std::any_of(processes.begin(), processes.end(),
                     [](const ProcessRecord& p) { return p.kept && !p.flags.empty(); });
}

std::vector<std::string> run_summary(const RunFacts& f) {
  std::vector<std::string> lines = quality_lines(f);
  std::map<std::string, int> per;
  for (const ProcessRecord& p : *f.processes) per[p.framework] += p.kept ? 1 : 0;
  std::string counts;
  for (const std::string& name : f.frameworks) {
    counts += (counts.empty() ? "" : ", ") + name + " " + std::to_string(per[name]);
  }
  lines.push_back("processes kept: " + counts);
  lines.push_back("time: " + format_duration(f.elapsed_s) + " of a " + format_duration(f.budget_s) +
                  " budget, " + std::to_string(f.looks_done) + " of " +
                  std::to_string(f.looks_planned) + " looks");
  const std::vector<std::string> skipped = skipped_lines(f);
  lines.insert(lines.end(), skipped.begin(), skipped.end());
  if (f.view) {
    const std::vector<std::string> more = precision_lines(f);
    lines.insert(lines.end(), more.begin(), more.end());
  }
  for (const ProcessRecord& p : *f.processes) {
    if (p.exit_status == 1) {
      lines.push_back("validation failed in " + p.file + " (see " + p.log + ")");
    }
  }
  for (const std::string& n : f.notes) lines.push_back("note: " + n);
  const std::vector<std::string> time = time_lines(f);
  lines.insert(lines.end(), time.begin(), time.end());
  return lines;
}

std::vector<std::string> time_lines(const RunFacts& f) {
  struct Spent {
    double wall_s = 0;
    int processes = 0;
    std::map<std::string, std::pair<double, int>> by_kind;  // kind -> (wall, processes)
  };
  std::map<std::string, Spent> per;
  double processes_s = 0;
  for (const ProcessRecord& p : *f.processes) {
    Spent& s = per[p.framework];
    s.wall_s += p.wall_s;
    ++s.processes;
    auto& [wall, count] = s.by_kind[p.kind.empty() ? "full" : p.kind];
    wall += p.wall_s;
    ++count;
    processes_s += p.wall_s;
  }
  std::vector<std::string> lines;
  lines.push_back("where the time went: " + format_duration(processes_s) + " in " +
                  std::to_string(f.processes->size()) + " processes, " +
                  format_duration(f.looks_s) + " in " + std::to_string(f.looks_done) +
                  " comparisons, " +
                  format_duration(std::max(f.elapsed_s - processes_s - f.looks_s, 0.0)) +
                  " other (calibration, the driver)");
  for (const std::string& name : f.frameworks) {
    const auto it = per.find(name);
    if (it == per.end()) continue;
    std::string kinds;
    for (const auto& [kind, spent] : it->second.by_kind) {
      kinds += (kinds.empty() ? "" : ", ") + std::to_string(spent.second) + " " + kind + " " +
               format_duration(spent.first);
    }
    lines.push_back("  " + name + " " + format_duration(it->second.wall_s) + ": " + kinds);
  }
  return lines;
}

}  // namespace legion::driver
