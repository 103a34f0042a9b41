#pragma once
// Connections to one durable store shared by the tools of every slot: a tool call borrows an
// idle connection (opening one when none is idle) and gives it back, so a store has as many
// connections as calls ever ran at once, however many slots and classes there are.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "legion/store/task_store.hpp"

namespace industry {

class StorePool {
 public:
  explicit StorePool(std::string url);
  const std::string& url() const { return url_; }

  template <typename F>
  auto with(F&& f) {
    Lease lease(*this);
    return f(*lease.store);
  }

 private:
  struct Lease {
    explicit Lease(StorePool& p);
    ~Lease();
    StorePool& pool;
    std::unique_ptr<legion::store::TaskStore> store;
  };
  std::string url_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<legion::store::TaskStore>> idle_;
};

}  // namespace industry
