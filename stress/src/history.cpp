#include "stress/history.hpp"

#include <algorithm>
#include <unordered_set>

namespace stress {

History::Entry& History::entry(std::uint64_t id) {
  return id < dense_.size() ? dense_[id] : sparse_[id];
}

template <typename Self, typename Visit>
void History::for_each(Self& self, Visit&& visit) {
  for (std::size_t id = 0; id < self.dense_.size(); ++id) {
    if (!self.dense_[id].empty()) visit(id, self.dense_[id]);
  }
  for (auto& [id, e] : self.sparse_) visit(id, e);
}

void History::record(std::uint64_t id, Op op) {
  std::lock_guard lock(mutex_);
  Entry& e = entry(id);
  switch (op) {
    case Op::kInvoke:
      ++e.invoke;
      break;
    case Op::kOk:
      ++e.ok;
      break;
    case Op::kFail:
      ++e.fail;
      break;
    case Op::kInfo:
      ++e.info;
      break;
  }
}

void History::record_token(std::uint64_t id, std::int64_t token) {
  std::lock_guard lock(mutex_);
  auto& kept = entry(id).token;
  // Fencing allows one accepted completion per task: a second, different one means an
  // acknowledgement that was not the durable completion (-1 never matches a store token).
  kept = kept == 0 || kept == token ? token : -1;
}

void History::close_open_operations() {
  std::lock_guard lock(mutex_);
  for_each(*this, [](std::uint64_t, Entry& e) {
    if (e.invoke > 0 && e.ok == 0 && e.fail == 0 && e.info == 0) e.info = 1;
  });
}

History::Counts History::counts() const {
  std::lock_guard lock(mutex_);
  Counts c;
  for_each(*this, [&](std::uint64_t, const Entry& e) {
    c.invoke += e.invoke > 0;
    c.ok += e.ok > 0;
    c.fail += e.fail > 0 && e.ok == 0;
    c.info += e.info > 0 && e.ok == 0 && e.fail == 0;
  });
  return c;
}

std::unordered_map<std::uint64_t, History::Entry> History::entries() const {
  std::lock_guard lock(mutex_);
  std::unordered_map<std::uint64_t, Entry> out;
  for_each(*this, [&](std::uint64_t id, const Entry& e) { out[id] = e; });
  return out;
}

Audit audit(const History& history, const Drained& drained) {
  const auto entries = history.entries();
  std::unordered_map<std::uint64_t, std::uint32_t> completed;
  for (auto id : drained.completed) ++completed[id];
  const std::unordered_set<std::uint64_t> failed(drained.failed.begin(), drained.failed.end());
  const std::unordered_set<std::uint64_t> wrong(drained.wrong.begin(), drained.wrong.end());

  Audit a;
  auto note = [](std::vector<std::uint64_t>& sample, std::uint64_t id) {
    if (sample.size() < Audit::kSample) sample.push_back(id);
  };
  for (const auto& [id, e] : entries) {
    if (e.invoke == 0) continue;
    ++a.invoked;
    const bool done = completed.count(id) > 0;
    bool lost = false;
    if (e.ok > 0) {
      ++a.ok;
      if (!done) lost = true;  // acknowledged as completed, yet not in the durable state
      // Acknowledged with one completion, kept with another: the acknowledged one was never
      // durable (a worker that acknowledges before its commit, then dies, shows here).
      if (done && e.token != 0) {
        auto it = drained.done_token.find(id);
        if (it != drained.done_token.end() && it->second != e.token) {
          lost = true;
          ++a.ack_not_kept;
        }
      }
    } else if (e.fail > 0) {
      ++a.fail;
    } else {
      ++a.info;
      if (done) ++a.recovered;
    }
    if (!done && e.ok == 0 && !failed.count(id) && e.fail == 0) lost = true;
    if (lost) {
      ++a.lost;
      note(a.lost_ids, id);
    }
    if (wrong.count(id)) {
      ++a.wrong_answer;
      note(a.wrong_ids, id);
    } else if (failed.count(id)) {
      ++a.dead_lettered;
      note(a.dead_ids, id);
    }
    if (e.ok > 1) ++a.duplicated;
  }
  for (const auto& [id, count] : completed) {
    auto it = entries.find(id);
    if (it != entries.end() && it->second.invoke == 0 && it->second.info > 0) {
      // A submission whose outcome was in doubt (its reply lost, an error after the commit):
      // it did land.
      ++a.recovered;
    } else if (it == entries.end() || it->second.invoke == 0) {
      ++a.unexpected;
      note(a.unexpected_ids, id);
    } else if (count > 1 && it->second.ok <= 1) {
      ++a.duplicated;
    }
  }
  for (auto* ids : {&a.lost_ids, &a.unexpected_ids, &a.dead_ids, &a.wrong_ids}) {
    std::sort(ids->begin(), ids->end());
  }
  return a;
}

}  // namespace stress
