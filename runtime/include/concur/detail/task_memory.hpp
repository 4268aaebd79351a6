// Memory for pool tasks. A task is allocated by the submitting thread and
// freed by a worker; with glibc's malloc that pattern takes the arena's slow
// path on both sides (a third of the pool's time in an empty-task profile).
// Small task blocks are therefore recycled through per-thread caches that
// overflow into one lock-free stack per size class, which submitters drain
// in one exchange. Under AddressSanitizer blocks go straight to operator
// new/delete so use-after-free stays detectable.
#pragma once

#include <cstddef>
#include <new>

namespace concur::detail {

void *allocate_task_block(std::size_t size);
void deallocate_task_block(void *block, std::size_t size) noexcept;

// Class-specific allocation for task types (inherit to use).
struct recycled_task_memory {
  static void *operator new(std::size_t size) {
    return allocate_task_block(size);
  }
  static void operator delete(void *block, std::size_t size) noexcept {
    deallocate_task_block(block, size);
  }
};

} // namespace concur::detail
