// concur::process_pool: the caller's side. One thread per worker slot owns
// that slot's worker: it takes a task from the shared queue, writes it to
// the worker, and waits for the reply, the worker's death (reported by the
// fork server, which reaps it), or the task's deadline. A slot thread that
// loses its worker fails that one task with broken_worker and asks the fork
// server for a new worker; no other task is touched.
#include "initializer_failure.hpp"
#include "ipc.hpp"

#include "concur/detail/cpu_relax.hpp"
#include "concur/detail/size_check.hpp"
#include "concur/process_pool.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include <poll.h>
#include <sys/wait.h>

namespace concur {
namespace detail::ipc {

namespace {

std::string signal_name(int signal) {
  const char *description = ::sigdescr_np(signal);
  return std::to_string(signal) +
         (description ? " (" + std::string(description) + ")" : "");
}

// `initializing`: the worker died in its initializer (it is not replaced:
// the pool is then broken).
std::exception_ptr worker_failure(int pid, int status,
                                  bool initializing = false) {
  std::string during = initializing
                           ? " while running its initializer"
                           : " while running the task; the worker was replaced";
  if (WIFSIGNALED(status)) {
    int signal = WTERMSIG(status);
    return std::make_exception_ptr(broken_worker(
        broken_worker::cause::signal, pid, signal,
        "concur::process_pool: worker " + std::to_string(pid) +
            " was killed by signal " + signal_name(signal) +
            (signal == SIGKILL
                 ? " (the out-of-memory killer also sends SIGKILL)"
                 : "") +
            during));
  }
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return std::make_exception_ptr(broken_worker(
      broken_worker::cause::exit, pid, code,
      "concur::process_pool: worker " + std::to_string(pid) +
          " exited with status " + std::to_string(code) + during));
}

std::exception_ptr timeout_failure(int pid, std::chrono::milliseconds timeout) {
  return std::make_exception_ptr(broken_worker(
      broken_worker::cause::timeout, pid, SIGKILL,
      "concur::process_pool: the task ran longer than its timeout of " +
          std::to_string(timeout.count()) + " ms; worker " +
          std::to_string(pid) + " was killed and replaced"));
}

// How long a slot thread stays awake for the next task before it sleeps:
// at most this much CPU per task, and it saves a wake-up (several
// microseconds on a VM) when the caller submits again that soon. It sleeps
// in poll() while the worker runs: the worker needs the core more, and the
// caller's wait spins instead (promise_sink).
constexpr auto next_task_spin_time = std::chrono::microseconds(50);

[[noreturn]] void fork_server_gone() {
  throw broken_executor("concur::process_pool: the fork server is gone; no "
                        "worker can be started");
}

} // namespace

class pool_core final : public block_allocator {
public:
  pool_core(const process_pool_options &options,
            std::optional<worker_initializer> initializer);
  ~pool_core() { shutdown(true, false); }

  void enqueue(task_message task);
  void wait();
  void shutdown(bool wait, bool cancel_pending);
  std::size_t size() const noexcept { return slots_.size(); }
  std::size_t threshold() const noexcept {
    return options_.shared_memory_threshold;
  }
  std::vector<int> pids() const;
  process_pool::statistics stats() const;

  unique_fd acquire(std::size_t size) override;
  /// Keeps a block memfd that a worker has finished reading, for reuse.
  void give_back(unique_fd block);

private:
  struct slot {
    unique_fd control;        // to the fork server
    unique_fd socket;         // to the current worker
    std::atomic<int> pid{-1}; // the current worker, -1 if none
    std::size_t tasks_run = 0;
    std::thread thread;
  };

  void run_slot(slot &s);
  void await_next_task() const noexcept;
  std::optional<task_message> next_task();
  void task_done();
  void run_one(slot &s, task_message &task);
  void request_worker(slot &s);
  void await_worker(slot &s);
  int collect_exit(slot &s);
  void replace_worker(slot &s);
  bool initialize_worker(slot &s);
  enum class awaited { reply, exit_report, deadline };
  awaited await_reply(slot &s, std::chrono::milliseconds timeout);
  void break_pool(std::exception_ptr cause);
  bool idle_worker_died(slot &s);

  process_pool_options options_;
  std::vector<std::unique_ptr<slot>> slots_;
  mutable std::mutex mutex_;
  std::condition_variable work_available_;
  std::condition_variable all_done_;
  std::deque<task_message> queue_;
  std::atomic<std::size_t> queued_{
      0};                      // queue_.size(), readable without the mutex
  std::size_t unfinished_ = 0; // queued or running
  bool stopping_ = false;
  std::optional<worker_initializer> initializer_;
  bool broken_ = false;             // an initializer failed (under mutex_)
  std::exception_ptr broken_error_; // its initializer_error
  std::mutex join_mutex_;
  std::atomic<std::uint64_t> next_id_{1};
  std::atomic<std::size_t> completed_{0}, started_{0}, lost_{0}, recycled_{0};

  // Spare block memfds, by capacity. Bounded, so an idle pool holds little.
  static constexpr std::size_t max_spares = 4;
  static constexpr std::size_t max_spare_bytes = std::size_t(256) << 20;
  std::mutex spares_mutex_;
  std::vector<std::pair<std::size_t, unique_fd>> spares_;
};

unique_fd pool_core::acquire(std::size_t size) {
  {
    std::lock_guard lock(spares_mutex_);
    // The smallest spare that fits without wasting more than half of it.
    auto best = spares_.end();
    for (auto it = spares_.begin(); it != spares_.end(); ++it)
      if (it->first >= size && it->first / 2 <= size &&
          (best == spares_.end() || it->first < best->first))
        best = it;
    if (best != spares_.end()) {
      unique_fd fd = std::move(best->second);
      spares_.erase(best);
      return fd;
    }
  }
  return create_memfd("concur-block", 0);
}

void pool_core::give_back(unique_fd block) {
  std::size_t capacity = descriptor_size(block.get());
  std::lock_guard lock(spares_mutex_);
  std::size_t held = 0;
  for (auto &spare : spares_)
    held += spare.first;
  if (spares_.size() < max_spares && held + capacity <= max_spare_bytes)
    spares_.emplace_back(capacity, std::move(block));
}

pool_core::pool_core(const process_pool_options &options,
                     std::optional<worker_initializer> initializer)
    : options_(options), initializer_(std::move(initializer)) {
  if (options.workers != 0)
    detail::check_size("concur::process_pool", "workers", options.workers, 1,
                       process_pool::max_workers, " (or 0 for one per core)");
  if (options.task_timeout.count() < 0)
    throw std::invalid_argument("concur::process_pool: task_timeout must not "
                                "be negative (0 for no limit), got " +
                                std::to_string(options.task_timeout.count()) +
                                " ms");
  std::size_t workers =
      options.workers
          ? options.workers
          : std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1,
                                    process_pool::max_workers);
  fork_server &server = fork_server::instance();
  for (std::size_t i = 0; i < workers; ++i) {
    auto s = std::make_unique<slot>();
    s->control = server.open_connection();
    slots_.push_back(std::move(s));
  }
  // Ask for every worker before waiting for any, so the forks overlap with
  // our own set-up.
  for (auto &s : slots_)
    request_worker(*s);
  for (auto &s : slots_)
    await_worker(*s);
  for (auto &s : slots_)
    s->thread = std::thread([this, raw = s.get()] { run_slot(*raw); });
}

void pool_core::request_worker(slot &s) {
  if (!send_control(s.control.get(), {control::spawn, 0, 0}))
    fork_server_gone();
}

void pool_core::await_worker(slot &s) {
  control_message reply;
  unique_fd socket;
  for (;;) {
    if (!receive_control(s.control.get(), reply, &socket))
      fork_server_gone();
    if (reply.kind == control::spawned && socket)
      break;
    if (reply.kind == control::spawn_failed)
      throw std::system_error(
          reply.value, std::generic_category(),
          "concur::process_pool: the fork server could not start a worker");
    // A late exit report of an earlier worker: already accounted for.
  }
  s.socket = std::move(socket);
  s.pid.store(reply.pid);
  s.tasks_run = 0;
  started_.fetch_add(1, std::memory_order_relaxed);
}

// Blocks until the fork server reports the current worker's exit, which
// also means it has been reaped. Returns its wait status.
int pool_core::collect_exit(slot &s) {
  int pid = s.pid.load();
  s.socket.reset();
  control_message report;
  for (;;) {
    if (!receive_control(s.control.get(), report))
      fork_server_gone();
    if (report.kind == control::exited && report.pid == pid)
      break;
  }
  s.pid.store(-1);
  return report.value;
}

void pool_core::replace_worker(slot &s) {
  request_worker(s);
  await_worker(s);
  initialize_worker(s);
}

// Runs the initializer in the slot's new worker. On failure the worker is
// retired, the pool is broken, and false is returned.
bool pool_core::initialize_worker(slot &s) {
  if (!initializer_)
    return true;
  int pid = s.pid.load();
  output_archive &arguments = initializer_->arguments;
  frame_header header;
  header.kind = frame::task;
  header.task_id = next_id_++;
  header.invoker = reinterpret_cast<std::uintptr_t>(initializer_->invoker);
  header.payload_size = arguments.bytes().size();
  header.shared_memory_threshold = options_.shared_memory_threshold;
  header.descriptor_count = std::uint32_t(arguments.descriptors().size());
  std::exception_ptr failure;
  auto kill_and_collect = [&] {
    send_control(s.control.get(), {control::kill, pid, SIGKILL});
    return collect_exit(s);
  };
  if (!send_frame(s.socket.get(), header, arguments.bytes(),
                  arguments.descriptors())) {
    failure = worker_failure(pid, collect_exit(s), true);
  } else {
    std::chrono::milliseconds timeout = options_.task_timeout;
    awaited what = await_reply(s, timeout);
    if (what == awaited::deadline) {
      if (!send_control(s.control.get(), {control::kill, pid, SIGKILL}))
        fork_server_gone();
      collect_exit(s);
      failure = std::make_exception_ptr(broken_worker(
          broken_worker::cause::timeout, pid, SIGKILL,
          "concur::process_pool: the initializer ran longer than the "
          "task timeout of " +
              std::to_string(timeout.count()) + " ms; worker " +
              std::to_string(pid) + " was killed"));
    } else if (what == awaited::reply) {
      frame_header reply;
      std::vector<std::byte> payload;
      std::vector<unique_fd> descriptors;
      bool received = false;
      try {
        received = receive_frame(s.socket.get(), reply, payload, descriptors);
      } catch (...) {
        failure = std::current_exception();
      }
      if (failure) {
        kill_and_collect();
      } else if (!received) {
        failure = worker_failure(pid, kill_and_collect(), true);
      } else if (reply.kind == frame::result) {
        return true;
      } else {
        try {
          input_archive in(payload, descriptors);
          std::string type, message;
          in(type, message);
          failure = std::make_exception_ptr(
              remote_error(std::move(type), std::move(message)));
        } catch (...) {
          failure = std::current_exception();
        }
        collect_exit(s); // closes its socket: the worker exits
      }
    } else {
      failure = worker_failure(pid, collect_exit(s), true);
    }
  }
  lost_.fetch_add(1, std::memory_order_relaxed);
  break_pool(failure);
  return false;
}

// Python's BrokenProcessPool after an initializer failure: queued tasks
// fail, later submits throw, running tasks finish. The first failure wins.
void pool_core::break_pool(std::exception_ptr cause) {
  auto error = detail::initializer_failure("concur::process_pool", cause);
  std::deque<task_message> failed;
  {
    std::lock_guard lock(mutex_);
    if (broken_)
      return;
    broken_ = true;
    broken_error_ = error;
    stopping_ = true;
    failed.swap(queue_);
    queued_.store(0, std::memory_order_release);
    unfinished_ -= failed.size();
    if (unfinished_ == 0)
      all_done_.notify_all();
  }
  work_available_.notify_all();
  for (auto &task : failed)
    task.sink->fail(error);
}

// An idle worker writes nothing: readable means it died (end of file), and
// a message on the control socket can only be its exit report.
bool pool_core::idle_worker_died(slot &s) {
  pollfd watched[2] = {{s.socket.get(), POLLIN, 0},
                       {s.control.get(), POLLIN, 0}};
  int ready;
  do
    ready = ::poll(watched, 2, 0);
  while (ready < 0 && errno == EINTR);
  return ready > 0;
}

void pool_core::enqueue(task_message task) {
  {
    std::lock_guard lock(mutex_);
    if (broken_)
      std::rethrow_exception(broken_error_);
    if (stopping_)
      throw broken_executor("concur::process_pool: submit after shutdown");
    queue_.push_back(std::move(task));
    queued_.store(queue_.size(), std::memory_order_release);
    ++unfinished_;
  }
  work_available_.notify_one();
}

// A caller that submits its next task as soon as it has a result would
// otherwise find this thread asleep.
void pool_core::await_next_task() const noexcept {
  auto until = std::chrono::steady_clock::now() + next_task_spin_time;
  while (queued_.load(std::memory_order_acquire) == 0 &&
         std::chrono::steady_clock::now() < until) {
    for (int i = 0; i < 32; ++i)
      cpu_relax();
  }
}

std::optional<task_message> pool_core::next_task() {
  await_next_task();
  std::unique_lock lock(mutex_);
  for (;;) {
    work_available_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty())
      return std::nullopt; // stopping, and nothing left to run
    task_message task = std::move(queue_.front());
    queue_.pop_front();
    queued_.store(queue_.size(), std::memory_order_release);
    if (task.sink->start())
      return task;
    // Cancelled while pending: its future already says so.
    if (--unfinished_ == 0)
      all_done_.notify_all();
  }
}

void pool_core::task_done() {
  completed_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  if (--unfinished_ == 0)
    all_done_.notify_all();
}

void pool_core::run_slot(slot &s) {
  bool ready = false;
  try {
    ready = initialize_worker(s);
  } catch (...) {
    break_pool(std::current_exception());
  }
  while (ready) {
    auto task = next_task();
    if (!task)
      break;
    try {
      run_one(s, *task);
    } catch (...) {
      // The fork server is gone or the system refused a worker: this task
      // fails, and the next one tries again.
      task->sink->fail(std::current_exception());
    }
    task->sink.reset();
    task_done();
  }
  // Retire the worker: end-of-file on its socket makes it exit.
  if (s.socket) {
    try {
      collect_exit(s);
    } catch (...) {
    }
  }
}

// Waits until the worker answers (its socket is readable: a reply, or end
// of file if it died), or its exit report arrives on the control socket
// first, or `timeout` (none if zero) has passed.
pool_core::awaited pool_core::await_reply(slot &s,
                                          std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int wait_ms = -1;
    if (timeout.count() > 0) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      wait_ms = int(std::max<std::int64_t>(0, left.count()));
    }
    pollfd watched[2] = {{s.socket.get(), POLLIN, 0},
                         {s.control.get(), POLLIN, 0}};
    int ready = ::poll(watched, 2, wait_ms);
    if (ready < 0) {
      if (errno == EINTR)
        continue;
      throw std::system_error(errno, std::generic_category(),
                              "concur::process_pool: poll");
    }
    if (ready == 0)
      return awaited::deadline;
    if (watched[0].revents)
      return awaited::reply;
    if (watched[1].revents)
      return awaited::exit_report;
  }
}

void pool_core::run_one(slot &s, task_message &task) {
  if (!s.socket) {
    replace_worker(s);
  } else if (idle_worker_died(s)) {
    collect_exit(s);
    lost_.fetch_add(1, std::memory_order_relaxed);
    replace_worker(s);
  }
  int pid = s.pid.load();
  frame_header header;
  header.kind = frame::task;
  header.task_id = next_id_++;
  header.invoker = reinterpret_cast<std::uintptr_t>(task.invoker);
  header.payload_size = task.arguments.bytes().size();
  header.shared_memory_threshold = options_.shared_memory_threshold;
  header.descriptor_count = std::uint32_t(task.arguments.descriptors().size());

  auto lose_worker = [&](std::exception_ptr failure) {
    lost_.fetch_add(1, std::memory_order_relaxed);
    task.sink->fail(std::move(failure));
    replace_worker(s);
  };

  if (!send_frame(s.socket.get(), header, task.arguments.bytes(),
                  task.arguments.descriptors())) {
    lose_worker(worker_failure(pid, collect_exit(s)));
    return;
  }
  // Keep our copies of the block memfds: once the worker has answered, it
  // has read them, and the next task can overwrite them.
  std::vector<unique_fd> blocks;
  for (std::uint32_t index : task.arguments.block_descriptors())
    blocks.push_back(std::move(task.arguments.descriptors()[index]));
  task.arguments = output_archive();

  std::chrono::milliseconds timeout =
      task.timeout.count() > 0 ? task.timeout : options_.task_timeout;
  frame_header reply;
  std::vector<std::byte> payload;
  std::vector<unique_fd> descriptors;
  awaited what = await_reply(s, timeout);
  if (what == awaited::deadline) {
    // Past the deadline: only the fork server may kill, because only it
    // knows the pid has not been reaped and reused.
    if (!send_control(s.control.get(), {control::kill, pid, SIGKILL}))
      fork_server_gone();
    collect_exit(s);
    lose_worker(timeout_failure(pid, timeout));
    return;
  }
  if (what == awaited::exit_report) {
    // The exit report came first (the socket may be held open by a
    // process the task started).
    lose_worker(worker_failure(pid, collect_exit(s)));
    return;
  }
  bool received;
  try {
    received = receive_frame(s.socket.get(), reply, payload, descriptors);
  } catch (...) {
    // A corrupt stream: this worker cannot be trusted any more.
    auto error = std::current_exception();
    send_control(s.control.get(), {control::kill, pid, SIGKILL});
    collect_exit(s);
    lose_worker(error);
    return;
  }
  if (!received) {
    // End of file: the worker died. Make sure (it might only have
    // closed the socket), then wait for its status.
    send_control(s.control.get(), {control::kill, pid, SIGKILL});
    lose_worker(worker_failure(pid, collect_exit(s)));
    return;
  }

  for (auto &block : blocks)
    give_back(std::move(block));
  try {
    input_archive in(payload, descriptors);
    if (reply.task_id != header.task_id)
      throw serialization_error(
          "concur::process_pool: a worker answered the wrong task");
    if (reply.kind == frame::result) {
      task.sink->complete(in);
    } else {
      std::string type, message;
      in(type, message);
      task.sink->fail(std::make_exception_ptr(
          remote_error(std::move(type), std::move(message))));
    }
  } catch (...) {
    task.sink->fail(std::current_exception());
  }

  if (options_.max_tasks_per_worker &&
      ++s.tasks_run >= options_.max_tasks_per_worker) {
    collect_exit(s); // closes the socket: the worker exits cleanly
    recycled_.fetch_add(1, std::memory_order_relaxed);
    replace_worker(s);
  }
}

void pool_core::wait() {
  std::unique_lock lock(mutex_);
  all_done_.wait(lock, [this] { return unfinished_ == 0; });
}

void pool_core::shutdown(bool wait, bool cancel_pending) {
  std::deque<task_message> cancelled;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (cancel_pending) {
      cancelled.swap(queue_);
      queued_.store(0, std::memory_order_release);
      unfinished_ -= cancelled.size();
      if (unfinished_ == 0)
        all_done_.notify_all();
    }
  }
  work_available_.notify_all();
  for (auto &task : cancelled)
    task.sink->fail(std::make_exception_ptr(cancelled_error(
        "concur::process_pool: the task was cancelled by shutdown")));
  cancelled.clear();
  if (!wait)
    return;
  std::lock_guard join_lock(join_mutex_);
  for (auto &s : slots_)
    if (s->thread.joinable())
      s->thread.join();
}

std::vector<int> pool_core::pids() const {
  std::vector<int> pids;
  for (auto &s : slots_)
    if (int pid = s->pid.load(); pid > 0)
      pids.push_back(pid);
  return pids;
}

process_pool::statistics pool_core::stats() const {
  return {completed_.load(), started_.load(), lost_.load(), recycled_.load()};
}

} // namespace detail::ipc

process_pool::process_pool(std::size_t workers)
    : process_pool(process_pool_options{workers, 0,
                                        std::chrono::milliseconds(0),
                                        default_shared_memory_threshold}) {}

process_pool::process_pool(const process_pool_options &options)
    : core_(std::make_unique<detail::ipc::pool_core>(options, std::nullopt)) {}

process_pool::process_pool(const process_pool_options &options,
                           detail::ipc::worker_initializer initializer)
    : core_(std::make_unique<detail::ipc::pool_core>(options,
                                                     std::move(initializer))) {}

process_pool::~process_pool() = default;

void process_pool::enqueue(detail::ipc::task_message task) {
  core_->enqueue(std::move(task));
}
block_allocator *process_pool::blocks() const noexcept { return core_.get(); }
void process_pool::wait() { core_->wait(); }
void process_pool::shutdown(bool wait, bool cancel_pending) {
  core_->shutdown(wait, cancel_pending);
}
std::size_t process_pool::size() const noexcept { return core_->size(); }
std::size_t process_pool::shared_memory_threshold() const noexcept {
  return core_->threshold();
}
std::vector<int> process_pool::worker_pids() const { return core_->pids(); }
process_pool::statistics process_pool::stats() const { return core_->stats(); }

} // namespace concur
