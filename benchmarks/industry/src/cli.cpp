#include "industry/cli.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <array>
#include <cstdlib>
#include <ostream>

#include "industry/academic.hpp"
#include "industry/enterprise.hpp"
#include "industry/scalability.hpp"
#include "industry/tpc.hpp"
#include "legion/error.hpp"
#include "registry.hpp"

namespace industry {
namespace {

std::string joined(int argc, const char* const* argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) out += (i ? " " : "") + std::string(argv[i]);
  return out;
}

// "CLASS=SECONDS" -> the class's p90 limit.
void apply_limit(TpcOptions& o, const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos) throw UsageError("--limit '" + text + "': expected CLASS=SECONDS");
  const std::string name = text.substr(0, eq);
  double seconds = 0;
  try {
    std::size_t used = 0;
    seconds = std::stod(text.substr(eq + 1), &used);
    if (used != text.size() - eq - 1) throw std::invalid_argument("trailing text");
  } catch (const std::exception&) {
    throw UsageError("--limit '" + text + "': SECONDS is not a number");
  }
  if (!(seconds > 0)) throw UsageError("--limit '" + text + "': SECONDS must be > 0");
  if (name == "delivery_deferred") {
    o.deferred_p90_limit_s = seconds;
  } else {
    o.p90_limit_s[tpc_class_index(name)] = seconds;
  }
}

void print_summary(const BenchmarkResult& r, const std::string& file, std::ostream& out) {
  const Json& j = r.json;
  const std::string status = j.value("status", "");
  out << j.value("benchmark", "") << " " << j.value("framework", "") << ": " << status;
  if (status == "unsupported") out << ": " << j.value("unsupported", "");
  if (status == "error") out << ": " << j.value("error", "");
  if (j.contains("headline") && j["headline"].contains("tx_per_min") &&
      !j["headline"]["tx_per_min"].is_null()) {
    out << ", " << j["headline"]["tx_per_min"].get<double>() << " agent tx/min at SLO";
  }
  out << " -> " << file << "\n";
}

std::filesystem::path self_exe() {
  std::array<char, 4096> buffer{};
  const ssize_t n = ::readlink("/proc/self/exe", buffer.data(), buffer.size() - 1);
  return n > 0 ? std::filesystem::path(std::string(buffer.data(), static_cast<std::size_t>(n)))
               : std::filesystem::path("legion-industry");
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app("legion-industry: industry-standard benchmarks for LEGION and the frameworks");
  app.require_subcommand(1);
  app.fallthrough();  // --quiet after the subcommand too
  bool quiet = false;
  app.add_flag("--quiet", quiet, "no progress on stderr");

  auto* frameworks_cmd =
      app.add_subcommand("frameworks", "list the frameworks (the harness's adapters)");

  TpcOptions tpc = default_tpc_options();
  std::string tpc_out;
  std::vector<std::string> limits;
  auto* tpc_cmd = app.add_subcommand("tpc", "agent transaction benchmark modelled on TPC-C");
  tpc_cmd->add_option("--framework", tpc.framework, "framework to run")->capture_default_str();
  tpc_cmd->add_option("--time-scale", tpc.time_scale, "shrink every phase by F (0 < F <= 1)")
      ->capture_default_str();
  tpc_cmd->add_option("--seed", tpc.seed, "seed of the mix, parameters, latencies")
      ->capture_default_str();
  tpc_cmd->add_option("--out", tpc_out, "directory for tpc.json and disclosure.json")->required();
  tpc_cmd->add_option("--terminals", tpc.terminals, "terminals (prepared workers)")
      ->capture_default_str();
  tpc_cmd->add_option("--model-latency", tpc.latency, "simulated model latency per call")
      ->capture_default_str();
  tpc_cmd->add_option("--limit", limits, "CLASS=SECONDS: a class's p90 limit (repeatable)");
  tpc_cmd
      ->add_option("--keying-scale", tpc.keying_scale,
                   "TPC-C keying and think times times F (0: off)")
      ->capture_default_str();
  tpc_cmd->add_option("--start-rate", tpc.search.start_rate, "first trial's rate, tx/s")
      ->capture_default_str();
  tpc_cmd->add_option("--max-rate", tpc.search.max_rate, "highest rate tried, tx/s")
      ->capture_default_str();
  tpc_cmd->add_option("--min-rate", tpc.search.min_rate, "lowest rate tried, tx/s")
      ->capture_default_str();
  tpc_cmd->add_option("--bisections", tpc.search.max_bisections, "bisection steps at most")
      ->capture_default_str();

  AcademicOptions academic;
  std::string academic_out = ".";
  std::string baseline;
  auto* academic_cmd =
      app.add_subcommand("academic", "AgentDojo's task suites replayed through a framework");
  academic_cmd->add_option("--framework", academic.framework, "framework to run")
      ->capture_default_str();
  academic_cmd->add_option("--suite", academic.suite, "banking, slack, travel or workspace")
      ->required();
  academic_cmd->add_option("--task", academic.tasks, "user task id (repeatable; default: all)");
  academic_cmd
      ->add_option("--benchmark-version", academic.benchmark_version, "AgentDojo benchmark version")
      ->capture_default_str();
  academic_cmd->add_option("--seed", academic.seed, "seed of the model latencies")
      ->capture_default_str();
  academic_cmd->add_option("--model-latency", academic.latency, "simulated model latency per call")
      ->capture_default_str();
  academic_cmd->add_option("--repetitions", academic.repetitions, "timed runs per task")
      ->capture_default_str();
  academic_cmd->add_option("--baseline", baseline, "a LEGION academic-SUITE.json to compare with");
  academic_cmd->add_option("--out", academic_out, "directory for academic-SUITE.json")
      ->capture_default_str();

  EnterpriseOptions enterprise;
  std::string enterprise_out;
  auto* enterprise_cmd =
      app.add_subcommand("enterprise", "a document-processing workflow with exactly-once posting");
  enterprise_cmd->add_option("--framework", enterprise.framework, "framework to run")
      ->capture_default_str();
  enterprise_cmd->add_option("--documents", enterprise.documents, "documents at full scale")
      ->capture_default_str();
  enterprise_cmd
      ->add_option("--time-scale", enterprise.time_scale,
                   "documents times F (0 < F <= 1; at least 50)")
      ->capture_default_str();
  enterprise_cmd->add_option("--seed", enterprise.seed, "seed of documents and delays")
      ->capture_default_str();
  enterprise_cmd->add_option("--workers", enterprise.workers, "worker threads")
      ->capture_default_str();
  enterprise_cmd->add_option("--model-latency", enterprise.latency, "simulated model latency")
      ->capture_default_str();
  enterprise_cmd->add_option("--review", enterprise.review, "the reviewer's response time")
      ->capture_default_str();
  enterprise_cmd
      ->add_option("--review-timeout-ms", enterprise.review_timeout_ms,
                   "escalate to the supervisor after this")
      ->capture_default_str();
  enterprise_cmd->add_option("--out", enterprise_out, "directory for enterprise.json")->required();

  ScalabilityOptions scal;
  std::string scal_out;
  auto* scal_cmd = app.add_subcommand(
      "scalability", "throughput vs worker processes and threads, fitted with the USL");
  scal_cmd->add_option("--framework", scal.framework, "framework to run")->capture_default_str();
  scal_cmd->add_option("--instances", scal.instances, "worker processes (PostgreSQL), e.g. 1,2,4,8")
      ->delimiter(',')
      ->capture_default_str();
  scal_cmd->add_option("--threads", scal.threads, "worker threads in one process, e.g. 1,2,4,8")
      ->delimiter(',')
      ->capture_default_str();
  bool no_horizontal = false, no_vertical = false;
  scal_cmd->add_flag("--no-horizontal", no_horizontal, "skip the worker processes");
  scal_cmd->add_flag("--no-vertical", no_vertical, "skip the threads");
  scal_cmd->add_option("--repetitions", scal.repetitions, "repetitions per level")
      ->capture_default_str();
  scal_cmd
      ->add_option("--tasks-per-instance", scal.tasks_per_instance,
                   "tasks per worker per repetition at full scale")
      ->capture_default_str();
  scal_cmd->add_option("--time-scale", scal.time_scale, "tasks times F (0 < F <= 1)")
      ->capture_default_str();
  scal_cmd->add_option("--seed", scal.seed, "seed")->capture_default_str();
  scal_cmd->add_option("--model-latency", scal.latency, "simulated model latency")
      ->capture_default_str();
  scal_cmd->add_option("--pg-url", scal.pg_url, "PostgreSQL URL (env LEGION_PG_URL)");
  scal_cmd->add_option("--out", scal_out, "directory for scalability.json")->required();

  WorkerProcessOptions worker;
  auto* worker_cmd = app.add_subcommand("worker", "internal: a horizontal-scaling worker process");
  worker_cmd->group("");  // not listed in --help
  worker_cmd->add_option("--store", worker.store_url)->required();
  worker_cmd->add_option("--concurrency", worker.concurrency);
  worker_cmd->add_option("--batch", worker.batch);
  worker_cmd->add_option("--id", worker.id);
  worker_cmd->add_option("--framework", worker.framework);
  worker_cmd->add_option("--orders-url", worker.orders_url)->required();
  worker_cmd->add_option("--seed", worker.seed);
  worker_cmd->add_option("--model-latency", worker.latency);

  try {
    app.parse(argc, argv);
    if (*worker_cmd) return run_worker_process(worker);
    if (*frameworks_cmd) {
      for (const auto& name : legion::adapters::adapter_names()) out << name << "\n";
      return 0;
    }
    if (*scal_cmd) {
      scal.out_dir = scal_out;
      if (no_horizontal) scal.instances.clear();
      if (no_vertical) scal.threads.clear();
      if (scal.pg_url.empty()) {
        if (const char* env = std::getenv("LEGION_PG_URL")) scal.pg_url = env;
      }
      scal.self = self_exe();
      scal.command_line = joined(argc, argv);
      scal.progress = quiet ? nullptr : &err;
      const auto r = run_scalability(scal);
      print_summary(r, (scal.out_dir / "scalability.json").string(), out);
      for (const char* mode : {"vertical", "horizontal"}) {
        if (!r.json.contains(mode) || !r.json[mode].contains("verdict")) continue;
        const auto& m = r.json[mode];
        out << "  " << mode << ": verdict " << m["verdict"]["result"].get<std::string>();
        if (m["usl"].contains("sigma")) {
          out << ", USL sigma " << m["usl"]["sigma"].get<double>() << " ["
              << m["usl"]["sigma_ci"]["lower"].get<double>() << ", "
              << m["usl"]["sigma_ci"]["upper"].get<double>() << "], kappa "
              << m["usl"]["kappa"].get<double>() << " ["
              << m["usl"]["kappa_ci"]["lower"].get<double>() << ", "
              << m["usl"]["kappa_ci"]["upper"].get<double>() << "]";
        }
        out << "\n";
      }
      return r.exit_code;
    }
    if (*enterprise_cmd) {
      enterprise.out_dir = enterprise_out;
      enterprise.command_line = joined(argc, argv);
      enterprise.progress = quiet ? nullptr : &err;
      const auto r = run_enterprise(enterprise);
      print_summary(r, (enterprise.out_dir / "enterprise.json").string(), out);
      if (r.json.contains("headline")) {
        const auto& h = r.json["headline"];
        const auto& p = r.json["latency"]["processing"];
        out << "  " << h["documents"] << " documents, " << h["throughput_docs_per_s"].get<double>()
            << " docs/s, processing p50/p95/p99/p99.9 " << p.value("p50_ms", NAN) << "/"
            << p.value("p95_ms", NAN) << "/" << p.value("p99_ms", NAN) << "/"
            << p.value("p999_ms", NAN) << " ms, exactly-once "
            << (h["exactly_once"].get<bool>() ? "proved" : "FAILED") << "\n";
      }
      return r.exit_code;
    }
    if (*academic_cmd) {
      academic.out_dir = academic_out;
      academic.baseline = baseline;
      academic.command_line = joined(argc, argv);
      academic.progress = quiet ? nullptr : &err;
      const auto r = run_academic(academic);
      const auto file = (academic.out_dir / ("academic-" + academic.suite + ".json")).string();
      print_summary(r, file, out);
      if (r.json.contains("summary")) {
        out << "  passed " << r.json["summary"]["passed"] << " of " << r.json["summary"]["tasks"]
            << " user tasks (AgentDojo's utility check)\n";
      }
      return r.exit_code;
    }
    if (*tpc_cmd) {
      for (const auto& l : limits) apply_limit(tpc, l);
      tpc.out_dir = tpc_out;
      tpc.command_line = joined(argc, argv);
      tpc.progress = quiet ? nullptr : &err;
      const auto r = run_tpc(tpc);
      print_summary(r, (tpc.out_dir / "tpc.json").string(), out);
      return r.exit_code;
    }
    return 2;
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help, out, err);
  } catch (const CLI::ParseError& e) {
    err << "legion-industry: error: " << e.what() << "\n";
    return 2;
  } catch (const UsageError& e) {
    err << "legion-industry: error: " << e.what() << "\n";
    return 2;
  } catch (const legion::ConfigError& e) {
    err << "legion-industry: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    err << "legion-industry: error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace industry
