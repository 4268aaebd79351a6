#include "concur/parallel.hpp"

#include <pthread.h>

#include <mutex>
#include <string>
#include <thread>

namespace concur {

namespace detail {
namespace {

// The helper pool of parallel_for/map/reduce for jobs above cpu_pool()'s
// size. Building a pool per call cost 3.3 ms at 8 jobs and 19 ms at 64 (on 2
// cores) against microseconds for the call itself, so one pool is kept for
// the process, as large as the largest request so far (a smaller request
// posts fewer helpers to it; at most parallel_options::max_jobs - 1 threads).
//
// Growing replaces the pool; calls still using the old one hold it by
// shared_ptr, and the last of them destroys it when it returns. That call is
// never running on one of the old pool's own workers: a call made from a
// helper (a nested parallel_map) runs inside a batch of an outer call that
// holds the same pool until every helper it started has left, so the outer
// call, started outside the pool, releases it last.
//
// Fork: a child has none of the parent's threads, so it must neither use nor
// join the parent's pool. The child handler marks it abandoned (no
// allocation in the handler); the next use, or the exit, in the child leaks
// it instead of destroying it, and the child builds its own. The mutex is
// held across fork() so the child never inherits it locked.
class helper_pools {
public:
  static helper_pools &instance() {
    static helper_pools pools;
    return pools;
  }

  std::shared_ptr<thread_pool> get(std::size_t threads) {
    std::lock_guard lock(mutex_);
    if (forked_) {
      abandon();
      forked_ = false;
    }
    if (!pool_ || pool_->size() < threads)
      pool_ = std::make_shared<thread_pool>(threads);
    return pool_;
  }

  helper_pools(const helper_pools &) = delete;
  helper_pools &operator=(const helper_pools &) = delete;
  // At exit: joins the pool's workers, unless this is a forked child (they
  // do not exist here) or exit() was called from one of them (it would join
  // itself).
  ~helper_pools() {
    live_ = nullptr;
    if (forked_ || (pool_ && pool_->is_worker()))
      abandon();
  }

private:
  helper_pools() {
    live_ = this;
    ::pthread_atfork(
        [] {
          if (live_)
            live_->mutex_.lock();
        },
        [] {
          if (live_)
            live_->mutex_.unlock();
        },
        [] {
          if (live_) {
            live_->forked_ = true;
            live_->mutex_.unlock();
          }
        });
  }

  // Leaks the pool on purpose: destroying it would join threads that cannot
  // be joined from here.
  void abandon() noexcept {
    if (pool_)
      (void)new std::shared_ptr<thread_pool>(std::move(pool_));
  }

  static inline helper_pools *live_ = nullptr; // for the fork handlers
  std::mutex mutex_;
  std::shared_ptr<thread_pool> pool_;
  bool forked_ = false;
};

} // namespace

std::shared_ptr<thread_pool> helper_pool(std::size_t threads) {
  return helper_pools::instance().get(threads);
}

} // namespace detail

std::size_t effective_jobs(int jobs) {
  constexpr int limit = parallel_options::max_jobs;
  if (jobs == 0 || jobs > limit || jobs < -limit) {
    throw std::invalid_argument(
        "concur::parallel: jobs must be between -" + std::to_string(limit) +
        " and " + std::to_string(limit) + " and not 0 (-1: all cores), got " +
        std::to_string(jobs));
  }
  if (jobs > 0)
    return static_cast<std::size_t>(jobs);
  const auto cores = static_cast<long>(cpu_pool_default_size());
  // joblib's rule: -1 is all cores, -2 all but one, ...; never fewer than one.
  return static_cast<std::size_t>(std::max(1L, cores + 1 + jobs));
}

} // namespace concur
