#include "industry/store_pool.hpp"

namespace industry {

StorePool::StorePool(std::string url) : url_(std::move(url)) {
  idle_.push_back(legion::store::open_store(url_));  // creates the schema, fails early
}

StorePool::Lease::Lease(StorePool& p) : pool(p) {
  {
    std::lock_guard lock(pool.mutex_);
    if (!pool.idle_.empty()) {
      store = std::move(pool.idle_.back());
      pool.idle_.pop_back();
      return;
    }
  }
  store = legion::store::open_store(pool.url_);
}

StorePool::Lease::~Lease() {
  std::lock_guard lock(pool.mutex_);
  pool.idle_.push_back(std::move(store));
}

}  // namespace industry
