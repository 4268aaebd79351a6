// mock_pools.h - thread pools and executors that run a callable elsewhere,
// for concur's check tests: concur's own pools (as named in
// checks/data/knowledge-base.yaml; the real ones live in
// runtime/include/concur), oneTBB (declared in tbb::detail::d1 and
// re-exported into tbb::, as oneTBB does), BS::thread_pool (v4) and
// QtConcurrent::run. Callables passed to them are not the caller's work,
// and a loop that submits to them is already concurrent.

#ifndef CONCUR_MOCK_POOLS_H
#define CONCUR_MOCK_POOLS_H
#pragma GCC system_header

#include "mock_std.h"

namespace concur {

class thread_pool {
  void *impl_ = nullptr;

public:
  explicit thread_pool(std::size_t threads = 0);
  thread_pool(const thread_pool &) = delete;
  ~thread_pool();
  template <class F, class... A>
  std::future<std::invoke_result_t<std::decay_t<F>, std::decay_t<A>...>>
  submit(F &&f, A &&...args) {
    return {};
  }
  template <class F> void post(F &&f) {}
  void wait();
  std::size_t size() const noexcept;
};

/// The two shared pools of the runtime: one sized for waiting (more threads
/// than cores), one sized to the cores.
thread_pool &io_pool();
thread_pool &cpu_pool();

class executor {
  thread_pool *pool_ = nullptr;

public:
  explicit executor(thread_pool &pool) noexcept : pool_(&pool) {}
  template <class F, class... A>
  std::future<std::invoke_result_t<std::decay_t<F>, std::decay_t<A>...>>
  submit(F &&f, A &&...args) {
    return {};
  }
  template <class F, class Range>
  auto map(F &&f, const Range &items)
      -> std::vector<std::invoke_result_t<F &, decltype(*items.begin())>> {
    return {};
  }
  void wait();
};

class process_pool {
  void *impl_ = nullptr;

public:
  explicit process_pool(std::size_t workers = 0);
  process_pool(const process_pool &) = delete;
  ~process_pool();
  template <class F, class... A>
  std::future<std::invoke_result_t<std::decay_t<F>, std::decay_t<A>...>>
  submit(F &&f, A &&...args) {
    return {};
  }
  template <class F, class Range>
  auto map(F &&f, const Range &items)
      -> std::vector<std::invoke_result_t<F &, decltype(*items.begin())>> {
    return {};
  }
};

template <class Index, class F> void parallel_for(Index first, Index last, F &&f) {}
template <class Range, class F>
auto parallel_map(const Range &items, F &&f)
    -> std::vector<std::invoke_result_t<F &, decltype(*items.begin())>> {
  return {};
}

} // namespace concur

namespace tbb {
namespace detail {
namespace d1 {
template <class Value> class blocked_range {
  Value begin_, end_;
  std::size_t grainsize_;

public:
  blocked_range(Value begin, Value end, std::size_t grainsize = 1)
      : begin_(begin), end_(end), grainsize_(grainsize) {}
  Value begin() const { return begin_; }
  Value end() const { return end_; }
  std::size_t size() const { return std::size_t(end_ - begin_); }
};
enum task_group_status { not_complete, complete, canceled };
class task_group_base {
protected:
  void *context_ = nullptr;

public:
  task_group_status wait();
  void cancel();
};
class task_group : public task_group_base {
public:
  task_group();
  ~task_group();
  template <class F> void run(F &&f) {}
  template <class F> task_group_status run_and_wait(const F &f) {
    return complete;
  }
};
template <class Index, class Function>
void parallel_for(Index first, Index last, const Function &f) {}
template <class Range, class Body>
void parallel_for(const Range &range, const Body &body) {}
template <class Range, class Value, class RealBody, class Reduction>
Value parallel_reduce(const Range &range, const Value &identity,
                      const RealBody &body, const Reduction &reduction) {
  return identity;
}
class task_arena {
  int max_concurrency_;

public:
  static constexpr int automatic = -1;
  explicit task_arena(int max_concurrency = automatic)
      : max_concurrency_(max_concurrency) {}
  template <class F> auto execute(const F &f) -> decltype(f()) { return f(); }
  template <class F> void enqueue(F &&f) {}
  int max_concurrency() const { return max_concurrency_; }
};
} // namespace d1
} // namespace detail
using detail::d1::task_arena;
using detail::d1::blocked_range;
using detail::d1::parallel_for;
using detail::d1::parallel_reduce;
using detail::d1::task_group;
} // namespace tbb

namespace BS {
template <class T> class multi_future : public std::vector<std::future<T>> {
public:
  void wait() const;
};
class thread_pool {
  void *impl_ = nullptr;

public:
  explicit thread_pool(std::size_t threads = 0);
  thread_pool(const thread_pool &) = delete;
  ~thread_pool();
  template <class F>
  std::future<std::invoke_result_t<std::decay_t<F>>> submit_task(F &&task) {
    return {};
  }
  template <class F> void detach_task(F &&task) {}
  template <class T, class F>
  multi_future<void> submit_loop(T first, T last, F &&loop) {
    return {};
  }
  template <class T, class F> void detach_loop(T first, T last, F &&loop) {}
  void wait();
  std::size_t get_thread_count() const noexcept;
};
} // namespace BS

template <class T> class QFuture {
  void *d_ = nullptr;

public:
  T result() const;
  void waitForFinished();
};
namespace QtConcurrent {
template <class F, class... A>
QFuture<std::invoke_result_t<std::decay_t<F>, std::decay_t<A>...>>
run(F &&f, A &&...args) {
  return {};
}
} // namespace QtConcurrent

#endif // CONCUR_MOCK_POOLS_H
