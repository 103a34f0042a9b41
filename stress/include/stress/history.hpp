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
#include <string>
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
  // The lease token of the completion acknowledged for `id` (the worker saw it accepted): the
  // audit checks it is the one the store kept, so an acknowledgement that came before its
  // commit, whose batch then died and was redone, shows.
  void record_token(std::uint64_t id, std::int64_t token);
  // Ids invoked but with neither ok nor fail yet become info (the drain deadline passed).
  void close_open_operations();

  struct Counts {
    std::uint64_t invoke = 0, ok = 0, fail = 0, info = 0;
  };
  Counts counts() const;

  // Per id: how often each op was recorded. Copy of the ids with any, for the audit.
  struct Entry {
    std::uint32_t invoke = 0, ok = 0, fail = 0, info = 0;
    // Acknowledged completion's lease token; 0: none recorded; -1: two different ones.
    std::int64_t token = 0;
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
  std::vector<std::uint64_t> completed;   // ids with a correct, committed result
  std::vector<std::uint64_t> failed;      // ids the store holds as dead (definite failures)
  std::uint64_t pending = 0;              // still queued or leased after the drain
  std::vector<std::uint64_t> wrong;       // ids done with a wrong answer (also in `failed`)
  std::vector<std::string> pending_keys;  // the first few of them, to name in the result
  // Lease token of each completed id's committed completion (where the store tells it).
  std::unordered_map<std::uint64_t, std::int64_t> done_token;
};

struct Audit {
  std::uint64_t invoked = 0, ok = 0, fail = 0, info = 0;
  // Acknowledged (invoked) and neither completed nor definitely failed in the drained state,
  // or seen ok but absent from it, or seen ok with a completion the store did not keep.
  std::uint64_t lost = 0;
  std::uint64_t unexpected = 0;     // completed in the store but never invoked
  std::uint64_t duplicated = 0;     // ids completed (or seen ok) more than once
  std::uint64_t recovered = 0;      // info in the history, completed in the drained state
  std::uint64_t dead_lettered = 0;  // invoked, dead in the store (no attempts left)
  std::uint64_t wrong_answer = 0;   // invoked, done in the store with a wrong result
  std::uint64_t ack_not_kept = 0;   // of `lost`: acknowledged completions the store replaced
  // The first ids of each kind (at most kSample), to name them in the result.
  static constexpr std::size_t kSample = 20;
  std::vector<std::uint64_t> lost_ids, unexpected_ids, dead_ids, wrong_ids;
  bool pass() const { return lost == 0 && unexpected == 0; }
};

Audit audit(const History& history, const Drained& drained);

}  // namespace stress
