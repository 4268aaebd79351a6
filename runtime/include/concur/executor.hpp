// concur::executor: Python's concurrent.futures.Executor over any pool that
// returns concur::future from submit (concur::thread_pool now,
// concur::process_pool later), plus the free functions concur::wait and
// concur::as_completed that work on futures from any source.
//
// Row `futures`: a batch of independent, similar tasks whose results are
// collected; the pool follows the class of the work (concur::io_pool() for
// I/O, concur::cpu_pool() for CPU).
#pragma once

#include <algorithm>
#include <chrono>
#include <concepts>
#include <condition_variable>
#include <cstddef>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <ranges>
#include <stop_token>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "concur/detail/size_check.hpp"
#include "concur/future.hpp"
#include "concur/thread_pool.hpp"

namespace concur {

/// When concur::wait returns (Python's FIRST_COMPLETED, FIRST_EXCEPTION,
/// ALL_COMPLETED).
enum class return_when { first_completed, first_exception, all_completed };

/// concur::wait's answer: the futures that were done when it returned and
/// the others, each in the order of the input.
template <class Future> struct wait_result {
  std::vector<Future> done;
  std::vector<Future> not_done;
};

namespace detail {

// Collects completion notifications from many futures (the callbacks hold
// it through a shared_ptr, so it outlives an abandoned wait).
struct completion_queue {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<std::size_t> order; // indices in completion order
  bool failed = false;            // some future finished with an exception
};

template <class T> bool finished_with_exception(const future<T> &f) {
  return f.done() && !f.cancelled() && f.exception() != nullptr;
}

template <class Future>
std::shared_ptr<completion_queue> watch(std::vector<Future> &futures) {
  auto queue = std::make_shared<completion_queue>();
  queue->order.reserve(futures.size());
  for (std::size_t i = 0; i < futures.size(); ++i) {
    futures[i].add_done_callback([queue, i](const Future &f) {
      bool failed = finished_with_exception(f);
      {
        std::lock_guard lock(queue->mutex);
        queue->order.push_back(i);
        queue->failed = queue->failed || failed;
      }
      queue->cv.notify_all();
    });
  }
  return queue;
}

// What map's function returns for one item, with or without a stop token.
template <class F, class Item> struct item_result {
  using type = std::invoke_result_t<F, Item>;
};
template <class F, class Item>
  requires std::is_invocable_v<F, std::stop_token, Item>
struct item_result<F, Item> {
  using type = std::invoke_result_t<F, std::stop_token, Item>;
};

using clock = std::chrono::steady_clock;

inline clock::time_point deadline_after(clock::duration timeout) {
  auto now = clock::now();
  return timeout >= clock::time_point::max() - now ? clock::time_point::max()
                                                   : now + timeout;
}

} // namespace detail

/// Waits until `when` holds for `futures` or `timeout` passes (no
/// exception on timeout: look at not_done). Works on futures from any pool.
template <
    std::ranges::input_range Range,
    class Future = std::remove_cvref_t<std::ranges::range_reference_t<Range>>>
wait_result<Future> wait(Range &&futures,
                         return_when when = return_when::all_completed,
                         std::chrono::steady_clock::duration timeout =
                             std::chrono::steady_clock::duration::max()) {
  std::vector<Future> all(std::ranges::begin(futures),
                          std::ranges::end(futures));
  auto deadline = detail::deadline_after(timeout);
  auto queue = detail::watch(all);
  {
    std::unique_lock lock(queue->mutex);
    auto satisfied = [&] {
      std::size_t finished = queue->order.size();
      switch (when) {
      case return_when::first_completed:
        return finished > 0 || all.empty();
      case return_when::first_exception:
        return queue->failed || finished == all.size();
      case return_when::all_completed:
        break;
      }
      return finished == all.size();
    };
    if (deadline == detail::clock::time_point::max())
      queue->cv.wait(lock, satisfied);
    else
      queue->cv.wait_until(lock, deadline, satisfied);
  }
  wait_result<Future> result;
  for (auto &f : all)
    (f.done() ? result.done : result.not_done).push_back(std::move(f));
  return result;
}

/// The futures of `futures` in the order they complete, as an input range:
/// `for (auto &f : concur::as_completed(fs)) use(f.get());`. Futures already
/// done come first. With a timeout, advancing past the deadline throws
/// timeout_error (as Python does).
template <class Future> class as_completed_range {
public:
  class iterator {
  public:
    using value_type = Future;
    using difference_type = std::ptrdiff_t;
    using reference = Future &;

    iterator() = default;
    Future &operator*() const { return range_->futures_[range_->current_]; }
    Future *operator->() const { return &**this; }
    iterator &operator++() {
      range_->advance();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator &it, std::default_sentinel_t) {
      return it.at_end();
    }

  private:
    friend class as_completed_range;
    explicit iterator(as_completed_range *range) : range_(range) {}
    bool at_end() const { return range_->yielded_ > range_->futures_.size(); }
    as_completed_range *range_ = nullptr;
  };

  as_completed_range(std::vector<Future> futures,
                     detail::clock::time_point deadline)
      : futures_(std::move(futures)), deadline_(deadline),
        queue_(detail::watch(futures_)) {}
  as_completed_range(const as_completed_range &) = delete;
  as_completed_range &operator=(const as_completed_range &) = delete;

  /// Waits for the first completion; call once.
  iterator begin() {
    advance();
    return iterator(this);
  }
  std::default_sentinel_t end() const noexcept { return {}; }
  std::size_t size() const noexcept { return futures_.size(); }

private:
  void advance() {
    if (yielded_ >= futures_.size()) {
      yielded_ = futures_.size() + 1;
      return;
    }
    std::unique_lock lock(queue_->mutex);
    auto ready = [this] { return queue_->order.size() > yielded_; };
    if (deadline_ == detail::clock::time_point::max())
      queue_->cv.wait(lock, ready);
    else if (!queue_->cv.wait_until(lock, deadline_, ready))
      throw timeout_error("concur: as_completed: " +
                          std::to_string(futures_.size() - yielded_) + " of " +
                          std::to_string(futures_.size()) +
                          " futures unfinished at the deadline");
    current_ = queue_->order[yielded_++];
  }

  std::vector<Future> futures_;
  detail::clock::time_point deadline_;
  std::shared_ptr<detail::completion_queue> queue_;
  std::size_t yielded_ = 0;
  std::size_t current_ = 0;
};

template <
    std::ranges::input_range Range,
    class Future = std::remove_cvref_t<std::ranges::range_reference_t<Range>>>
[[nodiscard]] as_completed_range<Future>
as_completed(Range &&futures, std::chrono::steady_clock::duration timeout =
                                  std::chrono::steady_clock::duration::max()) {
  return as_completed_range<Future>(
      std::vector<Future>(std::ranges::begin(futures),
                          std::ranges::end(futures)),
      detail::deadline_after(timeout));
}

/// What concur::executor needs from a pool: `submit(f, args...)` returning
/// a concur::future, `size()`, and `shutdown(wait, cancel_pending)`.
/// Optional hook: `submit_batch(f, std::vector<Item>)` returning
/// concur::future<std::vector<Result>> (f applied to each item, in order),
/// which map() prefers over its own chunk task, for pools that must
/// serialise the work (a process pool cannot ship a lambda).
template <class Pool>
concept executor_backend = requires(Pool &pool, bool flag) {
  { pool.size() } -> std::convertible_to<std::size_t>;
  pool.shutdown(flag, flag);
};

namespace detail {
// What `executor ex(x)` deduces when x is neither a pool nor a count: a
// stand-in that satisfies executor_backend, so that the constructor below
// can say what is wrong in one line instead of listing every candidate.
template <class T> struct not_an_executor_backend {
  std::size_t size() const noexcept { return 0; }
  void shutdown(bool, bool) noexcept {}
};
template <class T> inline constexpr bool is_not_an_executor_backend = false;
template <class T>
inline constexpr bool is_not_an_executor_backend<not_an_executor_backend<T>> =
    true;
template <class T> inline constexpr bool bad_executor_argument = false;
} // namespace detail

/// Python's Executor over `Pool`: submit, ordered map, shutdown. A
/// borrowed pool (such as cpu_pool()) keeps running after the executor's
/// shutdown, which then affects only the tasks this executor submitted.
template <executor_backend Pool = thread_pool> class executor {
public:
  /// Uses `pool` without owning it.
  explicit executor(Pool &pool) noexcept : pool_(&pool) {}
  /// Owns a pool of `workers` threads (or processes), as Python's
  /// ThreadPoolExecutor(max_workers): `concur::executor ex(4)` deduces
  /// executor<thread_pool>; 0 means one per core.
  explicit executor(std::size_t workers)
    requires std::constructible_from<Pool, std::size_t>
      : owned_(std::make_unique<Pool>(workers)), pool_(owned_.get()) {}
  /// Reached only through a wrong deduction (see the guides below).
  template <class T>
    requires detail::is_not_an_executor_backend<Pool>
  explicit executor(T &&) {
    static_assert(detail::bad_executor_argument<T>,
                  "concur::executor ex(x): x must be a pool (executor "
                  "ex(pool)) or a worker count (executor ex(4))");
  }
  /// Owns a pool built from `args` (`executor<thread_pool> ex(std::in_place,
  /// 8)`).
  template <class... A>
  explicit executor(std::in_place_t, A &&...args)
      : owned_(std::make_unique<Pool>(std::forward<A>(args)...)),
        pool_(owned_.get()) {}
  executor(const executor &) = delete;
  executor &operator=(const executor &) = delete;
  /// shutdown(true, false).
  ~executor() {
    try {
      shutdown(true, false);
    } catch (...) { // a destructor must not throw; the tasks' errors stay in
                    // their futures
    }
  }

  Pool &pool() const noexcept { return *pool_; }
  std::size_t size() const { return pool_->size(); }

  /// Schedules `f(args...)`; see thread_pool::submit. Throws
  /// broken_executor after shutdown.
  template <class F, class... A> [[nodiscard]] auto submit(F &&f, A &&...args) {
    check_open();
    auto result = pool_->submit(std::forward<F>(f), std::forward<A>(args)...);
    track(result);
    return result;
  }

  /// The largest chunk_size map() accepts (2^30 items).
  static constexpr std::size_t max_chunk_size = std::size_t{1} << 30;

  /// f applied to every item of `items`, results in the order of the
  /// items. Items go to the workers in chunks of `chunk_size` (0: about
  /// four chunks per worker), so tiny tasks do not pay per-item
  /// scheduling; a chunk_size above max_chunk_size (as a negative count
  /// converted to std::size_t is) throws std::invalid_argument. The first
  /// exception (in item order) is rethrown after the other chunks are
  /// cancelled or finished. If `f` takes a std::stop_token first it gets
  /// the chunk's token.
  template <class F, std::ranges::input_range Range>
  auto map(F &&f, Range &&items, std::size_t chunk_size = 0) {
    check_chunk_size(chunk_size);
    using item_ref = std::ranges::range_reference_t<Range>;
    using R = typename detail::item_result<F &, item_ref>::type;
    if constexpr (!std::ranges::forward_range<Range>) {
      // One pass only: materialise, then map over the copy.
      std::vector<std::ranges::range_value_t<Range>> copy(
          std::ranges::begin(items), std::ranges::end(items));
      return map(std::forward<F>(f), copy, chunk_size);
    } else {
      check_open();
      auto first = std::ranges::begin(items);
      std::size_t count =
          static_cast<std::size_t>(std::ranges::distance(items));
      using item = std::ranges::range_value_t<Range>;
      constexpr bool backend_batches =
          requires { pool_->submit_batch(f, std::vector<item>()); };
      if constexpr (!backend_batches && !std::is_void_v<R> &&
                    !std::is_same_v<R, bool> &&
                    std::is_default_constructible_v<R> &&
                    std::is_move_assignable_v<R>) {
        // Chunks write straight into the result (no per-chunk vectors to
        // concatenate). Not for bool: vector<bool> packs bits, so
        // neighbouring writes would race.
        std::vector<R> results(count);
        auto chunks = submit_chunks(
            count, chunk_size,
            [&](std::size_t start, std::size_t length) {
              auto chunk_first =
                  std::ranges::next(first, static_cast<std::ptrdiff_t>(start));
              R *out = results.data() + start;
              return submit([&f, chunk_first, length,
                             out](std::stop_token stop) {
                // The token is checked once per block, outside the inner
                // loop, so a loop over tiny items stays vectorisable.
                constexpr std::size_t block = 256;
                auto it = chunk_first;
                for (std::size_t base = 0; base < length; base += block) {
                  if (stop.stop_requested())
                    throw cancelled_error();
                  std::size_t end = std::min(base + block, length);
                  if constexpr (std::random_access_iterator<decltype(it)>) {
                    for (std::size_t i = base; i < end; ++i)
                      out[i] = call(f, stop,
                                    it[static_cast<std::ptrdiff_t>(i - base)]);
                    it += static_cast<std::ptrdiff_t>(end - base);
                  } else {
                    for (std::size_t i = base; i < end; ++i, ++it)
                      out[i] = call(f, stop, *it);
                  }
                }
              });
            },
            [](auto &submitted) { settle(submitted); });
        for (auto &chunk : chunks)
          collect(chunks, chunk);
        return results;
      } else {
        auto chunks = submit_chunks(
            count, chunk_size,
            [&](std::size_t start, std::size_t length) {
              return submit_chunk<R>(
                  f,
                  std::ranges::next(first, static_cast<std::ptrdiff_t>(start)),
                  length);
            },
            [](auto &submitted) { settle(submitted); });
        if constexpr (std::is_void_v<R>) {
          for (auto &chunk : chunks)
            collect(chunks, chunk);
        } else {
          std::vector<R> results;
          results.reserve(count);
          for (auto &chunk : chunks) {
            auto values = collect(chunks, chunk);
            std::move(values.begin(), values.end(),
                      std::back_inserter(results));
          }
          return results;
        }
      }
    }
  }

  /// map() with a deadline (Python's `executor.map(fn, items,
  /// timeout=...)`): throws timeout_error when the results are not all ready
  /// within `timeout` of the call. Then chunks that have not started are
  /// cancelled and running ones are asked to stop (through their stop token,
  /// checked before each item); map does not wait for them. So that they can
  /// outlive the call, this form copies the items and `f` into the tasks.
  /// On the first exception (in item order) the other chunks are treated
  /// the same way, and it is rethrown without waiting for them.
  template <class F, std::ranges::input_range Range, class Rep, class Period>
  auto map(F &&f, Range &&items,
           const std::chrono::duration<Rep, Period> &timeout,
           std::size_t chunk_size = 0) {
    check_chunk_size(chunk_size);
    auto deadline = detail::deadline_after(
        std::chrono::duration_cast<detail::clock::duration>(timeout));
    using item = std::ranges::range_value_t<Range>;
    using function = std::decay_t<F>;
    using R = typename detail::item_result<function &, const item &>::type;
    check_open();
    auto data = std::make_shared<const std::vector<item>>(
        std::ranges::begin(items), std::ranges::end(items));
    std::size_t count = data->size();
    constexpr bool backend_batches =
        requires { pool_->submit_batch(f, std::vector<item>()); };
    using chunk_result =
        std::conditional_t<std::is_void_v<R>, void, std::vector<R>>;
    std::vector<std::size_t> lengths;
    auto abandon = [](auto &submitted) {
      for (auto &chunk : submitted)
        if (!chunk.cancel())
          chunk.request_stop();
    };
    auto chunks = [&] {
      if constexpr (backend_batches) {
        return submit_chunks(
            count, chunk_size,
            [&](std::size_t start, std::size_t length) {
              lengths.push_back(length);
              return submit_chunk<R>(
                  f, data->begin() + static_cast<std::ptrdiff_t>(start),
                  length);
            },
            abandon);
      } else {
        auto fn = std::make_shared<function>(std::forward<F>(f));
        return submit_chunks(
            count, chunk_size,
            [&](std::size_t start, std::size_t length) {
              lengths.push_back(length);
              return submit([data, fn, start,
                             length](std::stop_token stop) -> chunk_result {
                return run_chunk<R>(
                    *fn, data->begin() + static_cast<std::ptrdiff_t>(start),
                    length, stop);
              });
            },
            abandon);
      }
    }();
    for (std::size_t i = 0; i < chunks.size(); ++i) {
      if (!chunks[i].wait_until(deadline)) {
        std::size_t unfinished = 0, not_started = 0, running = 0;
        for (std::size_t j = i; j < chunks.size(); ++j) {
          if (chunks[j].done())
            continue;
          unfinished += lengths[j];
          (chunks[j].running() ? running : not_started) += 1;
        }
        abandon(chunks);
        throw timeout_error(
            "concur::executor::map: timed out with " +
            std::to_string(unfinished) + " of " + std::to_string(count) +
            " items unfinished; " + std::to_string(not_started) +
            " chunks not started were cancelled, " + std::to_string(running) +
            " running were asked to stop");
      }
      if (chunks[i].exception()) {
        abandon(chunks);
        chunks[i].get(); // rethrows
      }
    }
    if constexpr (!std::is_void_v<R>) {
      std::vector<R> results;
      results.reserve(count);
      for (auto &chunk : chunks) {
        auto values = std::move(chunk).get();
        std::move(values.begin(), values.end(), std::back_inserter(results));
      }
      return results;
    }
  }

  /// Stops accepting tasks. With `cancel_pending`, this executor's tasks
  /// that have not started are cancelled and running ones that take a
  /// std::stop_token are asked to stop. With `wait`, returns when this
  /// executor's tasks are done. An owned pool is shut down the same way.
  void shutdown(bool wait = true, bool cancel_pending = false) {
    std::vector<detail::state_ref<detail::state_base>> tracked;
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
      tracked = tracked_;
    }
    if (cancel_pending) {
      for (auto &state : tracked) {
        if (!state->cancel())
          state->request_stop();
      }
    }
    if (owned_)
      owned_->shutdown(wait, cancel_pending);
    if (wait) {
      for (auto &state : tracked)
        state->wait();
    }
  }

private:
  static void check_chunk_size(std::size_t chunk_size) {
    detail::check_size("concur::executor::map", "chunk_size",
                       chunk_size == 0 ? 1 : chunk_size, 1, max_chunk_size,
                       " (or 0 for about four chunks per worker)");
  }

  /// map()'s chunks: `count` items cut into runs of `chunk_size` (0: about
  /// four chunks per worker); `submit_one(start, length)` submits one run
  /// and returns its future. If a submission throws, `on_error` is given
  /// the futures so far (to wait for them or to stop them), then the
  /// exception propagates.
  template <class Submit, class OnError>
  auto submit_chunks(std::size_t count, std::size_t chunk_size,
                     Submit submit_one, OnError on_error) {
    if (chunk_size == 0)
      chunk_size =
          std::max<std::size_t>(1, (count + 4 * size() - 1) / (4 * size()));
    std::vector<decltype(submit_one(std::size_t(), std::size_t()))> chunks;
    chunks.reserve((count + chunk_size - 1) / chunk_size);
    try {
      for (std::size_t start = 0; start < count; start += chunk_size)
        chunks.push_back(
            submit_one(start, std::min(chunk_size, count - start)));
    } catch (...) {
      on_error(chunks);
      throw;
    }
    return chunks;
  }

  void check_open() {
    std::lock_guard lock(mutex_);
    if (closed_)
      throw broken_executor("concur: executor was shut down; cannot submit");
  }

  template <class T> void track(const future<T> &f) {
    std::lock_guard lock(mutex_);
    if (tracked_.size() >= purge_at_) {
      std::erase_if(tracked_, [](const auto &state) { return state->done(); });
      purge_at_ = std::max<std::size_t>(64, 2 * tracked_.size());
    }
    tracked_.push_back(detail::future_access::base(f));
  }

  template <class R, class F, class It>
  auto submit_chunk(F &f, It chunk_first, std::size_t length) {
    using item = std::iter_value_t<It>;
    if constexpr (requires { pool_->submit_batch(f, std::vector<item>()); }) {
      // The backend ships the items itself (a process pool serialises them).
      auto result = pool_->submit_batch(
          f, std::vector<item>(
                 chunk_first,
                 std::ranges::next(chunk_first,
                                   static_cast<std::ptrdiff_t>(length))));
      track(result);
      return result;
    } else {
      // map() blocks until every chunk is settled, so chunks may refer to
      // the caller's items and function without copying them.
      return submit([&f, chunk_first, length](std::stop_token stop) {
        return run_chunk<R>(f, chunk_first, length, stop);
      });
    }
  }

  /// One chunk's work in a task: f on `length` items from `it`, the stop
  /// token checked before each; the results (if R is not void) in order.
  template <class R, class F, class It>
  static auto run_chunk(F &f, It it, std::size_t length,
                        std::stop_token &stop) {
    if constexpr (std::is_void_v<R>) {
      for (std::size_t i = 0; i < length; ++i, ++it) {
        if (stop.stop_requested())
          throw cancelled_error();
        call(f, stop, *it);
      }
    } else {
      std::vector<R> values;
      values.reserve(length);
      for (std::size_t i = 0; i < length; ++i, ++it) {
        if (stop.stop_requested())
          throw cancelled_error();
        values.push_back(call(f, stop, *it));
      }
      return values;
    }
  }

  template <class F, class Item>
  static decltype(auto) call(F &f, std::stop_token &stop, Item &&item) {
    if constexpr (std::is_invocable_v<F &, std::stop_token, Item>)
      return std::invoke(f, stop, std::forward<Item>(item));
    else
      return std::invoke(f, std::forward<Item>(item));
  }

  // Waits for `chunk`; on failure cancels the rest, waits for all of them
  // (they may refer to the caller's items), and rethrows.
  template <class Chunks, class Chunk>
  static decltype(auto) collect(Chunks &chunks, Chunk &chunk) {
    try {
      return std::move(chunk).get();
    } catch (...) {
      settle(chunks);
      throw;
    }
  }
  template <class Chunks> static void settle(Chunks &chunks) {
    for (auto &chunk : chunks)
      if (!chunk.cancel())
        chunk.request_stop();
    for (auto &chunk : chunks)
      chunk.wait();
  }

  std::unique_ptr<Pool> owned_;
  Pool *pool_;
  std::mutex mutex_;
  bool closed_ = false;
  std::vector<detail::state_ref<detail::state_base>> tracked_;
  std::size_t purge_at_ = 64;
};

/// `concur::executor ex(4)`: an executor that owns a 4-thread pool.
template <std::integral N> executor(N) -> executor<thread_pool>;
/// Anything else that is not a pool: a one-line error (see above).
template <class T>
  requires(!std::integral<std::remove_cvref_t<T>> &&
           !executor_backend<std::remove_cvref_t<T>> &&
           !std::same_as<std::remove_cvref_t<T>, std::in_place_t>)
executor(T &&)
    -> executor<detail::not_an_executor_backend<std::remove_cvref_t<T>>>;

} // namespace concur
