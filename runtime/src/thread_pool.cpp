// The thread pool's workers, queues, stealing and sleeping. The header's
// comment states the design; the invariants that keep wake-ups from being
// lost are stated where they are kept.
#include "concur/thread_pool.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace concur {
namespace detail {

namespace {

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

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
constexpr std::size_t completion_batch = 64;

} // namespace

// One worker: its queue (an intrusive FIFO list) and its sleeping word.
struct alignas(64) worker_slot {
  spin_lock lock;
  task_node *head = nullptr;
  task_node *tail = nullptr;
  std::atomic<std::size_t> size{0};
  // 1 while the worker sleeps (or is about to); a waker sets it to 0.
  std::atomic<std::uint32_t> parked{0};
  std::thread thread;

  void push(task_node *task) noexcept {
    task->next = nullptr;
    if (tail)
      tail->next = task;
    else
      head = task;
    tail = task;
    size.store(size.load(std::memory_order_relaxed) + 1, std::memory_order_seq_cst);
  }
  task_node *pop() noexcept {
    task_node *task = head;
    if (!task)
      return nullptr;
    head = task->next;
    if (!head)
      tail = nullptr;
    size.store(size.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
    return task;
  }
  // Detaches up to `count` tasks from the front as a list.
  task_node *take_front(std::size_t count, std::size_t &taken) noexcept {
    task_node *first = head;
    task_node *last = nullptr;
    taken = 0;
    for (task_node *t = head; t && taken < count; t = t->next) {
      last = t;
      ++taken;
    }
    if (!taken)
      return nullptr;
    head = last->next;
    if (!head)
      tail = nullptr;
    last->next = nullptr;
    size.store(size.load(std::memory_order_relaxed) - taken, std::memory_order_relaxed);
    return first;
  }
};

class pool_core {
public:
  explicit pool_core(std::size_t threads) : slots_(threads) {
    try {
      for (std::size_t i = 0; i < slots_.size(); ++i)
        slots_[i].thread = std::thread([this, i] { work(i); });
    } catch (...) {
      stop(true, true);
      throw;
    }
  }

  ~pool_core() { stop(true, false); }

  void enqueue(task_node *task) {
    if (closed_.load(std::memory_order_acquire)) {
      task->discard();
      throw broken_executor("concur: thread_pool was shut down; cannot submit");
    }
    unfinished_.fetch_add(1, std::memory_order_relaxed);
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
    slots_[target].push(task);
    slots_[target].lock.unlock();
    // push() stored the queue size seq_cst and park() announces sleep
    // seq_cst before it re-reads the sizes (seq_cst): in that total order
    // either the sleeper sees the task or we see it sleeping. (Not fences:
    // ThreadSanitizer does not model them.)
    if (searching_.load(std::memory_order_seq_cst) == 0 &&
        sleeping_.load(std::memory_order_seq_cst) > 0)
      wake_one();
  }

  void wait_idle() {
    if (current_pool == this)
      throw std::logic_error("concur: thread_pool::wait_idle called from one of its own workers");
    for (int i = 0; i < spin_rounds; ++i) {
      if (unfinished_.load(std::memory_order_acquire) == 0)
        return;
      cpu_relax();
    }
    idle_waiters_.fetch_add(1, std::memory_order_seq_cst);
    std::unique_lock lock(idle_mutex_);
    idle_cv_.wait(lock, [this] { return unfinished_.load(std::memory_order_acquire) == 0; });
    idle_waiters_.fetch_sub(1, std::memory_order_relaxed);
  }

  void stop(bool wait, bool cancel_pending) {
    closed_.store(true, std::memory_order_seq_cst);
    if (cancel_pending) {
      stop_source_.request_stop();
      for (auto &slot : slots_) {
        slot.lock.lock();
        std::size_t taken = 0;
        task_node *list = slot.take_front(static_cast<std::size_t>(-1), taken);
        slot.lock.unlock();
        while (list) {
          task_node *next = list->next;
          list->discard();
          list = next;
          task_done(1);
        }
      }
    }
    stopping_.store(true, std::memory_order_seq_cst);
    for (auto &slot : slots_)
      unpark(slot);
    if (!wait)
      return;
    join();
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
  std::size_t pending() const noexcept { return unfinished_.load(std::memory_order_relaxed); }
  bool is_worker() const noexcept { return current_pool == this; }
  bool closed() const noexcept { return closed_.load(std::memory_order_acquire); }

private:
  void work(std::size_t index) {
    current_pool = this;
    current_index = index;
    worker_slot &self = slots_[index];
    std::stop_token pool_stop = stop_source_.get_token();
    std::size_t completed = 0;
    bool searching = false;
    for (;;) {
      task_node *task = find_task(index);
      if (task) {
        if (searching) {
          searching = false;
          // The last searcher to find work wakes one more worker if there
          // is more to do: wake-ups spread as a chain, not per submit.
          if (searching_.fetch_sub(1, std::memory_order_seq_cst) == 1 && any_queued())
            wake_one();
        }
        task->run(pool_stop);
        if (++completed == completion_batch) {
          task_done(completed);
          completed = 0;
        }
        continue;
      }
      // Out of work: publish completions so wait_idle can return.
      if (completed) {
        task_done(completed);
        completed = 0;
      }
      if (!searching) {
        searching = true;
        searching_.fetch_add(1, std::memory_order_seq_cst);
      }
      bool found = false;
      for (int i = 0; i < spin_rounds && !found; ++i) {
        cpu_relax();
        found = any_queued();
      }
      if (found)
        continue;
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
    if (self.parked.compare_exchange_strong(expected, 0, std::memory_order_acq_rel))
      sleeping_.fetch_sub(1, std::memory_order_relaxed);
  }

  void unpark(worker_slot &slot) {
    std::uint32_t expected = 1;
    if (slot.parked.compare_exchange_strong(expected, 0, std::memory_order_acq_rel)) {
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
          slot.parked.compare_exchange_strong(expected, 0, std::memory_order_acq_rel)) {
        sleeping_.fetch_sub(1, std::memory_order_relaxed);
        slot.parked.notify_one();
        return;
      }
    }
  }

  bool any_queued() const noexcept {
    for (const auto &slot : slots_)
      if (slot.size.load(std::memory_order_seq_cst) != 0)
        return true;
    return false;
  }

  task_node *find_task(std::size_t index) {
    worker_slot &self = slots_[index];
    if (self.size.load(std::memory_order_relaxed) != 0) {
      self.lock.lock();
      task_node *task = self.pop();
      self.lock.unlock();
      if (task)
        return task;
    }
    // Steal half of the first non-empty queue after ours.
    std::size_t n = slots_.size();
    for (std::size_t i = 1; i < n; ++i) {
      worker_slot &victim = slots_[(index + i) % n];
      std::size_t available = victim.size.load(std::memory_order_relaxed);
      if (available == 0 || !victim.lock.try_lock())
        continue;
      std::size_t taken = 0;
      task_node *list = victim.take_front((available + 1) / 2, taken);
      victim.lock.unlock();
      if (!list)
        continue;
      task_node *first = list;
      if (first->next) {
        self.lock.lock();
        for (task_node *t = first->next; t;) {
          task_node *next = t->next;
          self.push(t);
          t = next;
        }
        self.lock.unlock();
      }
      first->next = nullptr;
      return first;
    }
    return nullptr;
  }

  void task_done(std::size_t count) {
    if (unfinished_.fetch_sub(count, std::memory_order_acq_rel) == count &&
        idle_waiters_.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard lock(idle_mutex_);
      idle_cv_.notify_all();
    }
  }

  std::vector<worker_slot> slots_;
  alignas(64) std::atomic<std::size_t> unfinished_{0};
  alignas(64) std::atomic<int> searching_{0};
  std::atomic<int> sleeping_{0};
  std::atomic<std::size_t> wake_cursor_{0};
  std::atomic<bool> closed_{false};
  std::atomic<bool> stopping_{false};
  std::stop_source stop_source_;
  std::atomic<int> idle_waiters_{0};
  std::mutex idle_mutex_;
  std::condition_variable idle_cv_;
  std::mutex join_mutex_;
};

} // namespace detail

thread_pool::thread_pool(std::size_t threads)
    : core_(std::make_unique<detail::pool_core>(threads ? threads : cpu_pool_default_size())) {}

thread_pool::~thread_pool() { core_->stop(true, false); }

void thread_pool::enqueue(detail::task_node *task) { core_->enqueue(task); }
void thread_pool::wait_idle() { core_->wait_idle(); }
void thread_pool::shutdown(bool wait, bool cancel_pending) { core_->stop(wait, cancel_pending); }
std::size_t thread_pool::size() const noexcept { return core_->size(); }
std::size_t thread_pool::pending() const noexcept { return core_->pending(); }
bool thread_pool::is_worker() const noexcept { return core_->is_worker(); }
bool thread_pool::is_shut_down() const noexcept { return core_->closed(); }

namespace {
std::size_t size_from_env(const char *name, std::size_t fallback) {
  const char *text = std::getenv(name); // NOLINT(concur-*): read once at pool creation
  if (!text || !*text)
    return fallback;
  char *end = nullptr;
  unsigned long value = std::strtoul(text, &end, 10);
  if (*end != '\0' || value == 0 || value > 4096)
    throw std::invalid_argument(std::string("concur: ") + name +
                                " must be a thread count between 1 and 4096, not '" + text +
                                "'");
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
  static thread_pool pool(size_from_env("CONCUR_IO_THREADS", io_pool_default_size()));
  return pool;
}

thread_pool &cpu_pool() {
  static thread_pool pool(size_from_env("CONCUR_CPU_THREADS", cpu_pool_default_size()));
  return pool;
}

} // namespace concur
