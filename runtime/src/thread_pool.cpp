// The thread pool's workers, queues, stealing and sleeping. The header's
// comment states the design; the invariants that keep wake-ups from being
// lost are stated where they are kept.
#include "concur/thread_pool.hpp"
#include "concur/detail/cpu_relax.hpp"
#include "concur/detail/size_check.hpp"
#include "initializer_failure.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace concur {
namespace detail {

namespace {

// Test-and-test-and-set lock for the per-worker queues. Critical sections
// are a few pointer moves, shorter than a futex round trip; after a short
// spin it yields so a preempted holder can finish on an oversubscribed box.
class spin_lock {
public:
  void lock() noexcept {
    for (int spins = 0;; ++spins) {
      if (!locked_.exchange(true, std::memory_order_acquire))
        return;
      while (locked_.load(std::memory_order_relaxed)) {
        if (spins++ < 64)
          cpu_relax();
        else
          std::this_thread::yield();
      }
    }
  }
  bool try_lock() noexcept {
    return !locked_.load(std::memory_order_relaxed) &&
           !locked_.exchange(true, std::memory_order_acquire);
  }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

private:
  std::atomic<bool> locked_{false};
};

// Which pool (if any) the current thread works for, and its index there.
thread_local pool_core *current_pool = nullptr;
thread_local std::size_t current_index = 0;
thread_local std::size_t submit_cursor = 0;

constexpr int spin_rounds = 200; // ~ a few microseconds of looking for work
constexpr int take_back_grace =
    16; // pauses, ~0.5 us: longer than submit -> get
constexpr std::size_t completion_batch = 64;

} // namespace

// One worker: its queue (a growable ring of task cells: small posted tasks
// inline, others as pointers, so neither posting nor stealing touches the
// heap) and its sleeping word.
struct alignas(64) worker_slot {
  spin_lock lock;
  std::unique_ptr<task_cell[]> ring = std::make_unique<task_cell[]>(256);
  std::size_t capacity = 256; // power of two
  std::size_t head = 0;
  std::size_t count = 0;
  std::atomic<std::size_t> size{0}; // count, readable without the lock
  // Set by shutdown under the lock: pushes after it are refused, so no task
  // can slip in behind the drain of cancel_pending.
  bool closed = false;
  // Tasks pushed here, ever (written under the lock). Counting per queue
  // keeps submitters off a pool-wide counter that every worker also writes.
  std::atomic<std::size_t> submitted{0};
  // 1 while the worker sleeps (or is about to); a waker sets it to 0.
  std::atomic<std::uint32_t> parked{0};
  std::thread thread;
  // Tasks this worker finished, cancelled ones and ones that waiters took
  // back included; on its own cache line, as mostly this worker writes it.
  alignas(64) std::atomic<std::size_t> finished{0};

  void push(task_cell &cell) {
    if (count == capacity)
      grow();
    ring[(head + count) & (capacity - 1)].take(cell);
    ++count;
    size.store(count, std::memory_order_seq_cst);
  }
  // A new task: counted before any worker can see it, so it is never seen
  // finished before it is seen submitted.
  void push_new(task_cell &cell) {
    submitted.store(submitted.load(std::memory_order_relaxed) + 1,
                    std::memory_order_relaxed);
    push(cell);
  }
  bool pop(task_cell &out) noexcept {
    if (count == 0)
      return false;
    out.take(ring[head]);
    head = (head + 1) & (capacity - 1);
    --count;
    size.store(count, std::memory_order_relaxed);
    return true;
  }
  // Removes the last task if it is `node` (a waiter taking it back).
  bool pop_back_if(const task_node *node) noexcept {
    if (count == 0)
      return false;
    task_cell &last = ring[(head + count - 1) & (capacity - 1)];
    if (last.ops != &node_cell_ops)
      return false;
    task_node *held;
    std::memcpy(&held, last.storage, sizeof held);
    if (held != node)
      return false;
    last.ops = nullptr;
    --count;
    size.store(count, std::memory_order_relaxed);
    return true;
  }
  // Moves up to `limit` tasks from the front into `out`; returns how many.
  std::size_t take_front(task_cell *out, std::size_t limit) noexcept {
    std::size_t taken = 0;
    while (taken < limit && pop(out[taken]))
      ++taken;
    return taken;
  }

private:
  void grow() {
    auto bigger = std::make_unique<task_cell[]>(capacity * 2);
    for (std::size_t i = 0; i < count; ++i)
      bigger[i].take(ring[(head + i) & (capacity - 1)]);
    ring = std::move(bigger);
    capacity *= 2;
    head = 0;
  }
};

class pool_core {
public:
  pool_core(std::size_t threads, std::function<void()> initializer)
      : slots_(threads), initializer_(std::move(initializer)) {
    try {
      for (std::size_t i = 0; i < slots_.size(); ++i)
        slots_[i].thread = std::thread([this, i] { work(i); });
    } catch (...) {
      stop(true, true);
      throw;
    }
  }

  ~pool_core() {
    stop(true, false);
    while (takers_.load(std::memory_order_acquire) != 0)
      std::this_thread::yield();
  }

  std::size_t enqueue(task_cell &task) {
    if (closed_.load(std::memory_order_acquire))
      refuse(task);
    std::size_t n = slots_.size();
    std::size_t target;
    if (current_pool == this) {
      target = current_index; // locality: a task's children stay on its worker
      slots_[target].lock.lock();
    } else {
      // Round-robin; skip a queue whose lock is taken rather than wait.
      target = submit_cursor++ % n;
      for (std::size_t tries = 0; !slots_[target].lock.try_lock(); ++tries) {
        target = (target + 1) % n;
        if (tries >= n) {
          slots_[target].lock.lock();
          break;
        }
      }
    }
    if (slots_[target].closed) {
      slots_[target].lock.unlock();
      refuse(task);
    }
    slots_[target].push_new(task);
    slots_[target].lock.unlock();
    // push() stored the queue size seq_cst and park() announces sleep
    // seq_cst before it re-reads the sizes (seq_cst): in that total order
    // either the sleeper sees the task or we see it sleeping. (Not fences:
    // ThreadSanitizer does not model them.)
    if (searching_.load(std::memory_order_seq_cst) == 0 &&
        sleeping_.load(std::memory_order_seq_cst) > 0)
      wake_one();
    return target;
  }

  // The caller has claimed `node` (flag_taking_back), so the pool is alive
  // here: the task is still queued, or a worker that popped it waits for
  // the claim to end. Once the task is out of the queue nothing holds the
  // pool any more, so the destructor waits for takers_ to drop to zero.
  bool take_back(std::size_t index, task_node *node) noexcept {
    takers_.fetch_add(1, std::memory_order_relaxed);
    worker_slot &slot = slots_[index];
    slot.lock.lock();
    bool taken = slot.pop_back_if(node);
    slot.lock.unlock();
    if (taken)
      finish(slot, 1); // the waiter runs it; the pool is done with it
    takers_.fetch_sub(1,
                      std::memory_order_release); // the last touch of the pool
    return taken;
  }

  void wait_idle() {
    if (current_pool == this)
      throw std::logic_error(
          "concur: thread_pool::wait_idle called from one of its own workers");
    for (int i = 0; i < spin_rounds; ++i) {
      if (pending() == 0)
        return;
      cpu_relax();
    }
    idle_waiters_.fetch_add(1, std::memory_order_seq_cst);
    std::unique_lock lock(idle_mutex_);
    idle_cv_.wait(lock, [this] { return pending() == 0; });
    idle_waiters_.fetch_sub(1, std::memory_order_relaxed);
  }

  void stop(bool wait, bool cancel_pending) {
    closed_.store(true, std::memory_order_seq_cst);
    // With cancel_pending, workers discard whatever they take from now on
    // (also tasks a steal moved past the drain below).
    if (cancel_pending)
      stop_source_.request_stop();
    close_queues(cancel_pending);
    stopping_.store(true, std::memory_order_seq_cst);
    for (auto &slot : slots_)
      unpark(slot);
    if (!wait)
      return;
    join();
  }

  // A worker's initializer threw: the pool is broken (Python's
  // BrokenThreadPool). Queued tasks fail with the error, later submits
  // throw it, and workers fail whatever a steal moved past the drain.
  // Running tasks are left to finish. The first failure is the one kept.
  void break_pool(std::exception_ptr cause) noexcept {
    {
      std::lock_guard lock(broken_mutex_);
      if (broken_.load(std::memory_order_relaxed))
        return;
      try {
        broken_error_ =
            detail::initializer_failure("concur::thread_pool", cause);
      } catch (...) { // out of memory: keep the initializer's own error
        broken_error_ = cause;
      }
      broken_.store(true, std::memory_order_seq_cst);
    }
    closed_.store(true, std::memory_order_seq_cst);
    close_queues(true);
    stopping_.store(true, std::memory_order_seq_cst);
    for (auto &slot : slots_)
      unpark(slot);
  }

  void join() {
    std::lock_guard lock(join_mutex_);
    for (auto &slot : slots_) {
      if (!slot.thread.joinable())
        continue;
      if (slot.thread.get_id() == std::this_thread::get_id()) {
        // The last reference to the pool died inside one of its own
        // tasks: that worker exits on its own after this task.
        slot.thread.detach();
        continue;
      }
      slot.thread.join();
    }
  }

  std::size_t size() const noexcept { return slots_.size(); }
  // Finished counts are read before submitted ones: a task counted
  // finished was submitted before, so the difference never goes below the
  // true number of unfinished tasks, and 0 means all are done.
  std::size_t pending() const noexcept {
    std::size_t finished = 0, submitted = 0;
    for (const auto &slot : slots_)
      finished += slot.finished.load(std::memory_order_seq_cst);
    for (const auto &slot : slots_)
      submitted += slot.submitted.load(std::memory_order_seq_cst);
    return submitted - finished;
  }
  bool is_worker() const noexcept { return current_pool == this; }
  bool has_initializer() const noexcept { return bool(initializer_); }
  bool closed() const noexcept {
    return closed_.load(std::memory_order_acquire);
  }

private:
  void work(std::size_t index) {
    current_pool = this;
    current_index = index;
    if (initializer_) {
      try {
        initializer_();
      } catch (...) {
        break_pool(std::current_exception());
        return; // this worker runs nothing
      }
    }
    worker_slot &self = slots_[index];
    std::stop_token pool_stop = stop_source_.get_token();
    std::size_t completed = 0;
    bool searching = false;
    auto publish = [&] {
      finish(self, completed);
      completed = 0;
    };
    for (;;) {
      task_cell task;
      if (find_task(index, task)) {
        if (searching) {
          searching = false;
          // The last searcher to find work wakes one more worker if there
          // is more to do: wake-ups spread as a chain, not per submit.
          if (searching_.fetch_sub(1, std::memory_order_seq_cst) == 1 &&
              any_queued())
            wake_one();
        }
        if (pool_stop.stop_requested() ||
            broken_.load(std::memory_order_acquire))
          drop(task); // shutdown(cancel_pending), or a broken pool
        else
          task.ops(task_cell::run, task, nullptr, &pool_stop);
        if (++completed == completion_batch)
          publish();
        continue;
      }
      // Out of work: publish completions so wait_idle can return.
      if (completed)
        publish();
      if (!searching) {
        searching = true;
        searching_.fetch_add(1, std::memory_order_seq_cst);
      }
      // Spin while tasks keep being submitted, even if waiters take each
      // one back before we see it: parking now would make the next
      // submit pay a wake-up system call.
      bool found = false;
      std::size_t seen = submissions();
      for (int i = 0; i < spin_rounds && !found; ++i) {
        cpu_relax();
        found = any_queued();
        if (!found && submissions() != seen) {
          seen = submissions();
          i = 0;
        }
      }
      if (found) {
        let_submitter_take_back();
        continue;
      }
      if (stopping_.load(std::memory_order_acquire)) {
        searching_.fetch_sub(1, std::memory_order_relaxed);
        if (!any_queued())
          return;
        searching = false;
        continue;
      }
      searching = false;
      searching_.fetch_sub(1, std::memory_order_seq_cst);
      park(self);
      // Woken up, it searches again: when it finds work it passes the
      // wake-up on if more is queued, or sleepers behind a busy searcher
      // would only wake when the queues run dry.
      searching = true;
      searching_.fetch_add(1, std::memory_order_seq_cst);
    }
  }

  void park(worker_slot &self) {
    self.parked.store(1, std::memory_order_seq_cst);
    sleeping_.fetch_add(1, std::memory_order_seq_cst);
    // Re-check after announcing sleep: a submit that did not see us asleep
    // pushed before our announcement, so we see its task here.
    if (!any_queued() && !stopping_.load(std::memory_order_seq_cst)) {
      while (self.parked.load(std::memory_order_acquire) == 1)
        self.parked.wait(1, std::memory_order_acquire);
    }
    // Whoever woke us already counted us out; otherwise count ourselves out.
    std::uint32_t expected = 1;
    if (self.parked.compare_exchange_strong(expected, 0,
                                            std::memory_order_acq_rel))
      sleeping_.fetch_sub(1, std::memory_order_relaxed);
  }

  void unpark(worker_slot &slot) {
    std::uint32_t expected = 1;
    if (slot.parked.compare_exchange_strong(expected, 0,
                                            std::memory_order_acq_rel)) {
      sleeping_.fetch_sub(1, std::memory_order_relaxed);
      slot.parked.notify_one();
    }
  }

  void wake_one() {
    std::size_t n = slots_.size();
    std::size_t start = wake_cursor_.fetch_add(1, std::memory_order_relaxed);
    for (std::size_t i = 0; i < n; ++i) {
      worker_slot &slot = slots_[(start + i) % n];
      std::uint32_t expected = 1;
      if (slot.parked.load(std::memory_order_relaxed) == 1 &&
          slot.parked.compare_exchange_strong(expected, 0,
                                              std::memory_order_acq_rel)) {
        sleeping_.fetch_sub(1, std::memory_order_relaxed);
        slot.parked.notify_one();
        return;
      }
    }
  }

  // A lone task that has just arrived is usually one whose submitter is
  // about to wait for it and take it back (future::get): leave it alone a
  // moment, so the two do not fight over the queue and the task's memory.
  // Take it once it has stayed, or when more tasks queue up behind it.
  void let_submitter_take_back() const noexcept {
    for (;;) {
      std::size_t before = submissions();
      if (queued() != 1)
        return;
      for (int i = 0; i < take_back_grace; ++i)
        cpu_relax();
      if (submissions() == before)
        return; // it stayed (or was taken back: find_task will tell)
    }
  }

  // Tasks ever submitted, over all queues (changes mean activity).
  std::size_t submissions() const noexcept {
    std::size_t total = 0;
    for (const auto &slot : slots_)
      total += slot.submitted.load(std::memory_order_relaxed);
    return total;
  }

  std::size_t queued() const noexcept {
    std::size_t total = 0;
    for (const auto &slot : slots_)
      total += slot.size.load(std::memory_order_relaxed);
    return total;
  }

  bool any_queued() const noexcept {
    for (const auto &slot : slots_)
      if (slot.size.load(std::memory_order_seq_cst) != 0)
        return true;
    return false;
  }

  bool find_task(std::size_t index, task_cell &out) {
    worker_slot &self = slots_[index];
    if (self.size.load(std::memory_order_relaxed) != 0) {
      self.lock.lock();
      bool found = self.pop(out);
      self.lock.unlock();
      if (found)
        return true;
    }
    // Steal half of the first non-empty queue after ours.
    std::size_t n = slots_.size();
    for (std::size_t i = 1; i < n; ++i) {
      worker_slot &victim = slots_[(index + i) % n];
      std::size_t available = victim.size.load(std::memory_order_relaxed);
      if (available == 0 || !victim.lock.try_lock())
        continue;
      // Half, but bounded, so a steal holds the victim's lock briefly.
      task_cell stolen[32];
      std::size_t taken = victim.take_front(
          stolen, std::min<std::size_t>((available + 1) / 2, 32));
      victim.lock.unlock();
      if (taken == 0)
        continue;
      if (taken > 1) {
        self.lock.lock();
        for (std::size_t k = 1; k < taken; ++k)
          self.push(stolen[k]);
        self.lock.unlock();
      }
      out.take(stolen[0]);
      return true;
    }
    return false;
  }

  [[noreturn]] void refuse(task_cell &task) {
    task.ops(task_cell::discard, task, nullptr, nullptr);
    if (broken_.load(std::memory_order_acquire))
      std::rethrow_exception(broken_error_);
    throw broken_executor("concur: thread_pool was shut down; cannot submit");
  }

  // Closes every queue to new tasks; with `drop_queued`, also takes out
  // what they hold and drops it.
  void close_queues(bool drop_queued) {
    for (auto &slot : slots_) {
      std::vector<task_cell> dropped;
      slot.lock.lock();
      slot.closed = true;
      if (drop_queued)
        for (task_cell cell; slot.pop(cell);)
          dropped.emplace_back().take(cell);
      slot.lock.unlock();
      for (task_cell &cell : dropped)
        drop(cell);
      if (!dropped.empty())
        finish(slot, dropped.size());
    }
  }

  // A task that will not run: in a broken pool its future fails with the
  // initializer's error; otherwise it is cancelled.
  void drop(task_cell &cell) noexcept {
    if (broken_.load(std::memory_order_acquire) && cell.ops == &node_cell_ops) {
      task_node *node;
      std::memcpy(&node, cell.storage, sizeof node);
      cell.ops = nullptr;
      node->fail(broken_error_);
    } else {
      cell.ops(task_cell::discard, cell, nullptr, nullptr);
    }
  }

  // Counts `count` tasks of `slot` finished and wakes wait_idle callers if
  // none is left. The counter store and the waiter check are seq_cst, as
  // are the waiter's announcement and its re-check: one side sees the other.
  void finish(worker_slot &slot, std::size_t count) {
    slot.finished.fetch_add(count, std::memory_order_seq_cst);
    if (idle_waiters_.load(std::memory_order_seq_cst) > 0 && pending() == 0) {
      std::lock_guard lock(idle_mutex_);
      idle_cv_.notify_all();
    }
  }

  std::vector<worker_slot> slots_;
  alignas(64) std::atomic<int> searching_{0};
  std::atomic<int> sleeping_{0};
  std::atomic<std::size_t> wake_cursor_{0};
  std::atomic<bool> closed_{false};
  std::atomic<bool> stopping_{false};
  std::stop_source stop_source_;
  std::atomic<int> idle_waiters_{0};
  std::atomic<int> takers_{0}; // waiters inside take_back()
  std::mutex idle_mutex_;
  std::condition_variable idle_cv_;
  std::mutex join_mutex_;
  const std::function<void()> initializer_; // empty: none
  std::mutex broken_mutex_;
  std::atomic<bool> broken_{false};
  std::exception_ptr broken_error_; // written once, before broken_
};

} // namespace detail

namespace {
std::size_t checked_threads(std::size_t threads) {
  if (threads == 0)
    return cpu_pool_default_size();
  detail::check_size("concur::thread_pool", "threads", threads, 1,
                     thread_pool::max_threads, " (or 0 for one per core)");
  return threads;
}
} // namespace

thread_pool::thread_pool(std::size_t threads)
    : core_(std::make_unique<detail::pool_core>(checked_threads(threads),
                                                std::function<void()>())) {}

thread_pool::thread_pool(std::size_t threads, std::function<void()> initializer)
    : core_(std::make_unique<detail::pool_core>(checked_threads(threads),
                                                std::move(initializer))) {
  workers_only_ = core_->has_initializer();
}

thread_pool::~thread_pool() { core_->stop(true, false); }

bool detail::is_worker_of(const pool_core *core) noexcept {
  return current_pool == core;
}

bool detail::take_back(pool_core &core, std::size_t slot,
                       task_node *node) noexcept {
  return core.take_back(slot, node);
}

std::size_t thread_pool::enqueue(detail::task_cell &task) {
  return core_->enqueue(task);
}
void thread_pool::wait_idle() { core_->wait_idle(); }
void thread_pool::shutdown(bool wait, bool cancel_pending) {
  core_->stop(wait, cancel_pending);
}
std::size_t thread_pool::size() const noexcept { return core_->size(); }
std::size_t thread_pool::pending() const noexcept { return core_->pending(); }
bool thread_pool::is_worker() const noexcept { return core_->is_worker(); }
bool thread_pool::is_shut_down() const noexcept { return core_->closed(); }

namespace {
std::size_t size_from_env(const char *name, std::size_t fallback) {
  const char *text =
      std::getenv(name); // NOLINT(concur-*): read once at pool creation
  if (!text || !*text)
    return fallback;
  char *end = nullptr;
  unsigned long value = std::strtoul(text, &end, 10);
  if (*end != '\0' || value == 0 || value > thread_pool::max_threads)
    throw std::invalid_argument(std::string("concur: ") + name +
                                " must be a thread count between 1 and " +
                                std::to_string(thread_pool::max_threads) +
                                ", not '" + text + "'");
  return value;
}

std::size_t hardware_threads() noexcept {
  unsigned n = std::thread::hardware_concurrency();
  return n ? n : 1;
}
} // namespace

std::size_t cpu_pool_default_size() noexcept {
  try {
    return size_from_env("CONCUR_CPU_THREADS", hardware_threads());
  } catch (...) {
    return hardware_threads();
  }
}

std::size_t io_pool_default_size() noexcept {
  std::size_t fallback = std::clamp<std::size_t>(4 * hardware_threads(), 8, 64);
  try {
    return size_from_env("CONCUR_IO_THREADS", fallback);
  } catch (...) {
    return fallback;
  }
}

thread_pool &io_pool() {
  static thread_pool pool(
      size_from_env("CONCUR_IO_THREADS", io_pool_default_size()));
  return pool;
}

thread_pool &cpu_pool() {
  static thread_pool pool(
      size_from_env("CONCUR_CPU_THREADS", cpu_pool_default_size()));
  return pool;
}

} // namespace concur
