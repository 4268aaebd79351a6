// Recycling of small task blocks; see concur/detail/task_memory.hpp.
#include "concur/detail/task_memory.hpp"

#include <atomic>
#include <cstdint>

#if defined(__SANITIZE_ADDRESS__)
#define CONCUR_RECYCLE_TASKS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CONCUR_RECYCLE_TASKS 0
#endif
#endif
#ifndef CONCUR_RECYCLE_TASKS
#define CONCUR_RECYCLE_TASKS 1
#endif

namespace concur::detail {

#if CONCUR_RECYCLE_TASKS
namespace {

constexpr std::size_t class_sizes[] = {64, 128, 256, 512};
constexpr std::size_t class_count =
    sizeof(class_sizes) / sizeof(class_sizes[0]);
constexpr std::size_t local_limit = 256; // blocks kept per thread and class
constexpr std::size_t spill_batch =
    128; // blocks handed to the shared stack at once

struct free_block {
  free_block *next;
};

int size_class(std::size_t size) noexcept {
  for (std::size_t i = 0; i < class_count; ++i)
    if (size <= class_sizes[i])
      return static_cast<int>(i);
  return -1;
}

// Shared overflow: a Treiber stack that is only ever pushed (whole chains)
// or emptied at once by exchange, so it has no ABA problem.
std::atomic<free_block *> shared_stacks[class_count];

// Set when the thread's cache is destroyed: a task freed later in that
// thread's exit (a static pool torn down after main's thread_locals) goes
// to operator delete instead.
thread_local bool cache_gone = false;

struct local_cache {
  free_block *head[class_count] = {};
  std::size_t count[class_count] = {};

  ~local_cache() {
    cache_gone = true;
    for (std::size_t c = 0; c < class_count; ++c)
      while (free_block *b = head[c]) {
        head[c] = b->next;
        ::operator delete(b, class_sizes[c]);
      }
  }
};

thread_local local_cache cache;

} // namespace

void *allocate_task_block(std::size_t size) {
  int c = size_class(size);
  if (c < 0 || cache_gone)
    return ::operator new(c < 0 ? size : class_sizes[c]);
  free_block *b = cache.head[c];
  if (!b) {
    b = shared_stacks[c].exchange(nullptr, std::memory_order_acquire);
    if (!b)
      return ::operator new(class_sizes[c]);
    // The chain's length is not counted (walking it would touch every
    // block): count tracks only blocks this thread freed, which is what
    // bounds a freeing thread's cache.
  }
  cache.head[c] = b->next;
  // Recycled blocks were last written on another core: fetch the next one
  // now so the next allocation does not stall on it.
  if (b->next)
    __builtin_prefetch(b->next, 1);
  if (cache.count[c])
    --cache.count[c];
  return b;
}

void deallocate_task_block(void *block, std::size_t size) noexcept {
  int c = size_class(size);
  if (c < 0 || cache_gone) {
    ::operator delete(block, c < 0 ? size : class_sizes[c]);
    return;
  }
  auto *b = static_cast<free_block *>(block);
  b->next = cache.head[c];
  cache.head[c] = b;
  if (++cache.count[c] <= local_limit)
    return;
  // Spill a chain of spill_batch blocks to the shared stack in one CAS.
  free_block *first = cache.head[c];
  free_block *last = first;
  for (std::size_t i = 1; i < spill_batch && last->next; ++i)
    last = last->next;
  cache.head[c] = last->next;
  cache.count[c] =
      cache.count[c] > spill_batch ? cache.count[c] - spill_batch : 0;
  free_block *top = shared_stacks[c].load(std::memory_order_relaxed);
  do {
    last->next = top;
  } while (!shared_stacks[c].compare_exchange_weak(
      top, first, std::memory_order_release, std::memory_order_relaxed));
}

#else

void *allocate_task_block(std::size_t size) { return ::operator new(size); }
void deallocate_task_block(void *block, std::size_t size) noexcept {
  ::operator delete(block, size);
}

#endif

} // namespace concur::detail
