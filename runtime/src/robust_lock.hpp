// Internal to process_queue and shared_dict: a process-shared, robust
// pthread mutex living in shared memory, and futex waits on counters in the
// same memory.
//
// Robust: when a process dies while holding the mutex, the kernel marks it
// (FUTEX_OWNER_DIED) and the next process that locks it is told
// (EOWNERDEAD) instead of waiting forever. That process decides what the
// dead holder may have left half done, marks the mutex consistent, and
// carries on. A process waiting on a futex counter is not woken by that
// death, so waits are sliced (robust_wait_slice) and each slice re-locks.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

#include <pthread.h>

namespace concur::detail::ipc {

/// The longest a waiter sleeps before it re-locks to look for a dead holder.
inline constexpr auto robust_wait_slice = std::chrono::milliseconds(50);

/// Initialises `mutex` (in fresh shared memory) as process-shared and
/// robust. Throws std::system_error.
void init_robust_mutex(pthread_mutex_t &mutex, const char *who);

/// Locks `mutex`. Returns true if the previous holder died holding it: the
/// caller must repair the shared state, then call pthread_mutex_consistent
/// before unlocking. Throws std::system_error (with `who`) on other errors.
bool lock_robust_mutex(pthread_mutex_t &mutex, const char *who);

/// Waits until `word` differs from `expected`, a wake, or `timeout`
/// (shared futex: works across processes mapping the same memory).
void futex_wait(std::atomic<std::uint32_t> &word, std::uint32_t expected,
                std::chrono::nanoseconds timeout) noexcept;
/// Wakes every process waiting on `word`.
void futex_wake_all(std::atomic<std::uint32_t> &word) noexcept;

} // namespace concur::detail::ipc
