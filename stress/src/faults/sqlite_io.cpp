// sqlite_io_error (part of db_connection_loss, for the embedded store): every write and sync
// of the SQLite store fails through the store's fault VFS (legion/store/sqlite_fault_vfs.hpp)
// while the fault lasts, with SQLITE_IOERR (a failing device) or SQLITE_FULL. The store must
// report a retryable error and commit nothing half-way; the workers wait it out; afterwards
// the file passes PRAGMA integrity_check.
#include "injectors.hpp"
#include "legion/store/sqlite_fault_vfs.hpp"
#include "sqlite_check.hpp"

namespace stress::faults {
namespace {

namespace vfs = legion::store::fault_vfs;

class SqliteIo final : public FaultInjector {
 public:
  const char* name() const override { return "sqlite_fault_vfs"; }

  void prepare(FaultContext& context) override {
    vfs::install();
    context.sqlite_vfs = vfs::kName;
    before_ = vfs::injected();
  }

  void inject(FaultContext&, const ScheduledFault& fault) override {
    error_ = fault.spec.error;
    vfs::arm(0, fault.spec.error == "full" ? vfs::Error::kFull : vfs::Error::kIoErr);
  }

  void heal(FaultContext&, const ScheduledFault&) override { vfs::disarm(); }

  void finish(FaultContext& context, nlohmann::json&) override {
    vfs::disarm();
    injected_ = vfs::injected() - before_;
    integrity_ = sqlite_integrity(sqlite_path(context.store_url));
    context.checks.push_back({"integrity_check", integrity_ == "ok",
                              "PRAGMA integrity_check after the run: " + integrity_});
    context.checks.push_back({"io_errors_injected", injected_ > 0,
                              std::to_string(injected_) + " writes or syncs failed on purpose"});
  }

  nlohmann::json describe() const override {
    return {{"method", "SQLite VFS failing every xWrite/xSync while armed"},
            {"error", error_ == "full" ? "SQLITE_FULL" : "SQLITE_IOERR_WRITE"},
            {"writes_failed", injected_},
            {"integrity_check", integrity_}};
  }

 private:
  int before_ = 0, injected_ = 0;
  std::string error_ = "ioerr", integrity_;
};

}  // namespace

std::unique_ptr<FaultInjector> make_sqlite_io() {
  return std::make_unique<SqliteIo>();
}

}  // namespace stress::faults
