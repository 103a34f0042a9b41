// disk_full (disk_depletion): the SQLite store lives on a tmpfs of size_mb mounted for the run
// (needs CAP_SYS_ADMIN: root); the fault fills it with a file until the kernel says ENOSPC,
// and the heal deletes that file. The store must refuse writes with a clear, retryable "disk
// full" error and commit nothing half-way; nothing acknowledged may be lost; the file must pass
// PRAGMA integrity_check; work resumes once space returns.
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "injectors.hpp"
#include "sqlite_check.hpp"

namespace stress::faults {
namespace {

class DiskFill final : public FaultInjector {
 public:
  const char* name() const override { return "disk_fill"; }

  void prepare(FaultContext& context) override {
    for (const auto& f : context.config.faults.events) {
      if (f.type == "disk_full") size_mb_ = f.size_mb;
    }
    mount_ = context.work_dir / "fs";
    std::filesystem::create_directories(mount_);
    const std::string options = "size=" + std::to_string(size_mb_) + "m,mode=0755";
    if (::mount("legion-stress", mount_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) !=
        0) {
      const int error = errno;
      throw EnvironmentMissing("a size-limited file system for the store: mount -t tmpfs -o " +
                               options + " " + mount_.string() + ": " + std::strerror(error) +
                               (error == EPERM ? " (needs root / CAP_SYS_ADMIN)" : ""));
    }
    mounted_ = true;
    context.sqlite_dir = mount_;
  }

  void inject(FaultContext& context, const ScheduledFault&) override {
    // First the WAL truncated (a checkpoint): SQLite reuses a WAL's blocks, so without it the
    // next commits may need no new space and a short fault would never bite.
    sqlite_checkpoint(sqlite_path(context.store_url));
    const auto filler = (mount_ / "filler").string();
    const int fd = ::open(filler.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) throw legion::Error("cannot create " + filler + ": " + std::strerror(errno));
    std::vector<char> block(1 << 20, 0);
    filled_ = 0;
    // Big blocks first, then small ones: the file system ends up with no byte to spare.
    for (std::size_t size : {std::size_t{1} << 20, std::size_t{4096}, std::size_t{512}}) {
      for (;;) {
        const ssize_t n = ::write(fd, block.data(), size);
        if (n > 0) {
          filled_ += n;
          continue;
        }
        if (n < 0 && errno == EINTR) continue;
        break;  // ENOSPC (or a short write at the end)
      }
    }
    ::close(fd);
  }

  void heal(FaultContext&, const ScheduledFault&) override {
    std::filesystem::remove(mount_ / "filler");
  }

  void finish(FaultContext& context, nlohmann::json&) override {
    std::filesystem::remove(mount_ / "filler");
    integrity_ = sqlite_integrity(sqlite_path(context.store_url));
    context.checks.push_back({"integrity_check", integrity_ == "ok",
                              "PRAGMA integrity_check after the run: " + integrity_});
    std::string first;
    for (const auto& e : context.events.events()) {
      if (e.kind == "store_error" && e.detail.find("disk full") != std::string::npos) {
        first = e.detail;
        break;
      }
    }
    refused_ = first;
    context.checks.push_back(
        {"refused_with_clear_error", !first.empty(),
         first.empty() ? "no write was refused with a disk-full error: the fault never bit"
                       : "first refusal: " + first});
  }

  nlohmann::json describe() const override {
    return {{"method", "tmpfs of size_mb for the SQLite store, filled with a file until ENOSPC"},
            {"size_mb", size_mb_},
            {"mount", mount_.string()},
            {"filled_bytes", filled_},
            {"first_refusal", refused_},
            {"integrity_check", integrity_}};
  }

  ~DiskFill() override {
    if (mounted_) ::umount2(mount_.c_str(), MNT_DETACH);
    std::error_code ignored;
    std::filesystem::remove(mount_, ignored);
  }

 private:
  int size_mb_ = 32;
  std::filesystem::path mount_;
  bool mounted_ = false;
  long long filled_ = 0;
  std::string integrity_, refused_;
};

}  // namespace

std::unique_ptr<FaultInjector> make_disk_fill() {
  return std::make_unique<DiskFill>();
}

}  // namespace stress::faults
