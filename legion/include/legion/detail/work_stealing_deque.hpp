#pragma once
// Internal to the executor: the Chase-Lev work-stealing deque (Chase & Lev 2005, with the C11
// memory-model corrections of Le et al. 2013).
//
// The owning worker pushes and pops at the bottom (LIFO, cache-warm); any other thread steals from
// the top (FIFO, oldest and usually biggest work first). The paper's standalone seq_cst fences are
// expressed as seq_cst operations on top_/bottom_ instead, because ThreadSanitizer does not model
// fences and we want a race-free proof under TSan. The seq_cst store in push() also lets the
// executor's sleep protocol pair "publish work, then check for sleepers" with "announce sleep, then
// check for work" (Dekker style) without a fence.
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace legion::detail {

template <class T>  // a pointer type; nullptr means "nothing"
class WorkStealingDeque {
 public:
  explicit WorkStealingDeque(std::int64_t initial_capacity = 256)
      : array_(new Array(initial_capacity)) {}
  ~WorkStealingDeque() { delete array_.load(std::memory_order_relaxed); }
  WorkStealingDeque(const WorkStealingDeque&) = delete;
  WorkStealingDeque& operator=(const WorkStealingDeque&) = delete;

  // Owner thread only.
  void push(T item) {
    std::int64_t bottom = bottom_.load(std::memory_order_relaxed);
    Array* array = array_.load(std::memory_order_relaxed);
    // top_ only grows, so a stale copy can only make the deque look fuller: reread it (a cache
    // miss while thieves are busy) only when the copy says the array is full.
    if (bottom - top_seen_ > array->capacity - 1) top_seen_ = top_.load(std::memory_order_acquire);
    if (bottom - top_seen_ > array->capacity - 1) {
      Array* bigger = array->grow(bottom, top_seen_);
      // Thieves may still be reading the old array; it stays alive until the deque dies.
      retired_.emplace_back(array);
      array_.store(bigger, std::memory_order_release);
      array = bigger;
    }
    array->put(bottom, item);
    bottom_.store(bottom + 1, std::memory_order_seq_cst);
  }

  // Owner thread only; nullptr when empty.
  T pop() {
    std::int64_t bottom = bottom_.load(std::memory_order_relaxed);
    // Cheap exit for the idle loop: a stale top can only make the deque look fuller, never empty.
    if (bottom <= top_.load(std::memory_order_relaxed)) return nullptr;
    bottom -= 1;
    Array* array = array_.load(std::memory_order_relaxed);
    bottom_.store(bottom, std::memory_order_seq_cst);
    std::int64_t top = top_.load(std::memory_order_seq_cst);
    if (top > bottom) {
      bottom_.store(bottom + 1, std::memory_order_relaxed);
      return nullptr;
    }
    T item = array->get(bottom);
    if (top == bottom) {
      // Last item: race the thieves for it.
      if (!top_.compare_exchange_strong(top, top + 1, std::memory_order_seq_cst,
                                        std::memory_order_relaxed)) {
        item = nullptr;
      }
      bottom_.store(bottom + 1, std::memory_order_relaxed);
    }
    return item;
  }

  // Any thread; nullptr when empty or when another thread won the race for the top item.
  T steal() {
    std::int64_t top = top_.load(std::memory_order_seq_cst);
    std::int64_t bottom = bottom_.load(std::memory_order_seq_cst);
    if (top >= bottom) return nullptr;
    Array* array = array_.load(std::memory_order_acquire);
    T item = array->get(top);
    if (!top_.compare_exchange_strong(top, top + 1, std::memory_order_seq_cst,
                                      std::memory_order_relaxed)) {
      return nullptr;
    }
    return item;
  }

  // Any thread; exact only when no push/pop/steal runs concurrently.
  bool empty() const {
    std::int64_t top = top_.load(std::memory_order_seq_cst);
    std::int64_t bottom = bottom_.load(std::memory_order_seq_cst);
    return top >= bottom;
  }

 private:
  struct Array {
    explicit Array(std::int64_t size)
        : capacity(size),
          mask(size - 1),
          slots(new std::atomic<T>[static_cast<std::size_t>(size)]) {}
    void put(std::int64_t index, T item) {
      slots[index & mask].store(item, std::memory_order_relaxed);
    }
    T get(std::int64_t index) const { return slots[index & mask].load(std::memory_order_relaxed); }
    Array* grow(std::int64_t bottom, std::int64_t top) const {
      auto* bigger = new Array(capacity * 2);
      for (std::int64_t i = top; i != bottom; ++i) bigger->put(i, get(i));
      return bigger;
    }
    const std::int64_t capacity;  // a power of two
    const std::int64_t mask;
    std::unique_ptr<std::atomic<T>[]> slots;
  };

  // Separate cache lines: thieves hammer top_, the owner hammers bottom_.
  alignas(64) std::atomic<std::int64_t> top_{0};
  alignas(64) std::atomic<std::int64_t> bottom_{0};
  alignas(64) std::atomic<Array*> array_;
  std::vector<std::unique_ptr<Array>> retired_;  // owner only
  std::int64_t top_seen_ = 0;                    // owner only: a past value of top_
};

}  // namespace legion::detail
