#pragma once
// The operation history behind the zero-loss check, after Jepsen's total-queue checker: every
// task (or message) has a unique id, and the run records for it
//   invoke  the store (or bus) acknowledged the submission,
//   ok      it completed with the right answer, as seen when the completion committed,
//   fail    a definite error (rejected submission, dead letter, wrong answer),
//   info    indeterminate (no outcome seen before the drain deadline).
// After the run the durable state is drained and audited against the history.
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace stress {

enum class Op { kInvoke, kOk, kFail, kInfo };

// Thread-safe; one mutex is enough at the rates the store sustains (a few 10k/s). Ids below
// `capacity` live in an array allocated up front, so recording does not allocate and the
// history does not pass for a leak in an endurance run; other ids go to a map.
class History {
 public:
  explicit History(std::size_t capacity = 0) : dense_(capacity) {}

  void record(std::uint64_t id, Op op);
  // Ids invoked but with neither ok nor fail yet become info (the drain deadline passed).
  void close_open_operations();

  struct Counts {
    std::uint64_t invoke = 0, ok = 0, fail = 0, info = 0;
  };
  Counts counts() const;

  // Per id: how often each op was recorded. Copy of the ids with any, for the audit.
  struct Entry {
    std::uint32_t invoke = 0, ok = 0, fail = 0, info = 0;
    bool empty() const { return invoke == 0 && ok == 0 && fail == 0 && info == 0; }
  };
  std::unordered_map<std::uint64_t, Entry> entries() const;

 private:
  Entry& entry(std::uint64_t id);  // needs mutex_
  // Visits the non-empty entries of `self` (const or not); needs mutex_.
  template <typename Self, typename Visit>
  static void for_each(Self& self, Visit&& visit);

  mutable std::mutex mutex_;
  std::vector<Entry> dense_;
  std::unordered_map<std::uint64_t, Entry> sparse_;
};

// What the drained durable state holds: one element per completed effect, so an id present
// twice was applied twice.
struct Drained {
  std::vector<std::uint64_t> completed;  // ids with a correct, committed result
  std::vector<std::uint64_t> failed;     // ids the store holds as dead (definite failures)
  std::uint64_t pending = 0;             // still queued or leased after the drain
};

struct Audit {
  std::uint64_t invoked = 0, ok = 0, fail = 0, info = 0;
  // Acknowledged (invoked) and neither completed nor definitely failed in the drained state,
  // or seen ok but absent from it.
  std::uint64_t lost = 0;
  std::uint64_t unexpected = 0;  // completed in the store but never invoked
  std::uint64_t duplicated = 0;  // ids completed (or seen ok) more than once
  std::uint64_t recovered = 0;   // info in the history, completed in the drained state
  bool pass() const { return lost == 0 && unexpected == 0; }
};

Audit audit(const History& history, const Drained& drained);

}  // namespace stress
