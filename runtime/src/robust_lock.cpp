// Process-shared robust mutexes and shared futexes (robust_lock.hpp).
#include "robust_lock.hpp"

#include "concur/detail/cpu_relax.hpp"

#include <cerrno>
#include <climits>
#include <string>
#include <system_error>

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

namespace concur::detail::ipc {

void init_robust_mutex(pthread_mutex_t &mutex, const char *who) {
  pthread_mutexattr_t attributes;
  ::pthread_mutexattr_init(&attributes);
  int error =
      ::pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
  if (error == 0)
    error = ::pthread_mutexattr_setrobust(&attributes, PTHREAD_MUTEX_ROBUST);
  if (error == 0)
    error = ::pthread_mutex_init(&mutex, &attributes);
  ::pthread_mutexattr_destroy(&attributes);
  if (error != 0)
    throw std::system_error(error, std::generic_category(),
                            std::string(who) + ": a process-shared mutex");
}

bool lock_robust_mutex(pthread_mutex_t &mutex, const char *who) {
  // The holder of a queue's or a dictionary's lock keeps it for a copy, well
  // under a microsecond: spin a little before sleeping in the kernel, which
  // costs a context switch on each side.
  int error = EBUSY;
  for (int attempt = 0; attempt < 64 && error == EBUSY; ++attempt) {
    error = ::pthread_mutex_trylock(&mutex);
    if (error == EBUSY)
      for (int i = 0; i < 8; ++i)
        cpu_relax();
  }
  if (error == EBUSY)
    error = ::pthread_mutex_lock(&mutex);
  if (error == 0)
    return false;
  if (error == EOWNERDEAD)
    return true;
  throw std::system_error(error, std::generic_category(),
                          std::string(who) + ": locking the shared mutex");
}

void futex_wait(std::atomic<std::uint32_t> &word, std::uint32_t expected,
                std::chrono::nanoseconds timeout) noexcept {
  if (timeout.count() <= 0)
    return;
  timespec relative{};
  relative.tv_sec = time_t(timeout.count() / 1'000'000'000);
  relative.tv_nsec = long(timeout.count() % 1'000'000'000);
  // EAGAIN (already changed), EINTR and ETIMEDOUT all mean: look again.
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t *>(&word), FUTEX_WAIT,
            expected, &relative, nullptr, 0);
}

void futex_wake_all(std::atomic<std::uint32_t> &word) noexcept {
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t *>(&word), FUTEX_WAKE,
            INT_MAX, nullptr, nullptr, 0);
}

} // namespace concur::detail::ipc
