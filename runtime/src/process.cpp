// concur::process: one task in one child of the fork server. The child is
// a process-pool worker that receives a single task frame flagged
// exit_after_task, so it exits by itself once the function returns or
// throws; the fork server reaps it and reports its wait status on this
// process's own control connection.
#include "ipc.hpp"

#include "concur/process.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>

#include <poll.h>
#include <sys/wait.h>

namespace concur {
namespace detail::ipc {

namespace {

std::string describe_signal(int signal) {
  const char *description = ::sigdescr_np(signal);
  return std::to_string(signal) +
         (description ? " (" + std::string(description) + ")" : "");
}

} // namespace

class process_core {
public:
  explicit process_core(process_target target) : target_(std::move(target)) {}
  ~process_core() {
    if (started_) {
      try {
        wait(-1);
      } catch (...) { // the fork server is gone: it killed the child
      }
    }
  }

  void start() {
    {
      std::lock_guard lock(mutex_);
      if (start_called_)
        throw std::logic_error("concur::process: start() called twice");
      start_called_ = true;
    }
    try {
      spawn();
    } catch (...) {
      std::lock_guard lock(mutex_);
      start_called_ = false; // nothing was started: start() may try again
      throw;
    }
    {
      std::lock_guard lock(mutex_);
      started_ = true;
    }
    frame_header header;
    header.kind = frame::task;
    header.task_id = 1;
    header.invoker = reinterpret_cast<std::uintptr_t>(target_.invoker);
    header.payload_size = target_.arguments.bytes().size();
    header.shared_memory_threshold = default_shared_memory_threshold;
    header.descriptor_count =
        std::uint32_t(target_.arguments.descriptors().size());
    header.flags = exit_after_task;
    // A child that dies before reading its task is reported by wait().
    send_frame(socket_.get(), header, target_.arguments.bytes(),
               target_.arguments.descriptors());
    target_.arguments = output_archive();
  }

  // Waits up to `timeout_ms` (-1: no limit) for the child's end; true once
  // it has ended and been reaped. One thread at a time reads the child's
  // sockets, without holding the lock; the others wait for its news.
  bool wait(int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(std::max(timeout_ms, 0));
    std::unique_lock lock(mutex_);
    if (!started_)
      throw std::logic_error("concur::process: not started");
    while (!ended_.load(std::memory_order_acquire)) {
      if (polling_) {
        if (timeout_ms < 0)
          changed_.wait(lock);
        else if (changed_.wait_until(lock, deadline) == std::cv_status::timeout)
          return ended_.load(std::memory_order_acquire);
        continue;
      }
      int wait_ms = -1;
      if (timeout_ms >= 0)
        wait_ms = int(std::max<std::int64_t>(
            0, std::chrono::ceil<std::chrono::milliseconds>(
                   deadline - std::chrono::steady_clock::now())
                   .count()));
      polling_ = true;
      lock.unlock();
      bool timed_out = false;
      std::exception_ptr error;
      try {
        timed_out = !poll_once(wait_ms);
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      polling_ = false;
      changed_.notify_all();
      if (error)
        std::rethrow_exception(error);
      if (timed_out)
        return ended_.load(std::memory_order_acquire);
    }
    return true;
  }

  bool poll_alive() {
    {
      std::lock_guard lock(mutex_);
      if (!started_)
        return false;
    }
    return !wait(0);
  }

  // status_ and failure_ are written before ended_ is set, and never after.
  std::optional<int> exit_code() {
    if (!ended_.load(std::memory_order_acquire))
      return std::nullopt;
    if (WIFSIGNALED(status_))
      return -WTERMSIG(status_);
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
  }

  std::exception_ptr failure() {
    return ended_.load(std::memory_order_acquire) ? failure_ : nullptr;
  }

  int pid() const noexcept { return pid_.load(); }

  void signal(int number) {
    // The fork server signals only a child it has not reaped yet, so the pid
    // cannot have been reused.
    std::lock_guard lock(send_mutex_);
    if (pid_.load() > 0 && control_)
      send_control(control_.get(), {control::kill, pid_.load(), number});
  }

private:
  // Asks the fork server for the child; sets control_, socket_ and pid_.
  void spawn() {
    control_ = fork_server::instance().open_connection();
    if (!send_control(control_.get(), {control::spawn, 0, 0}))
      gone();
    control_message reply;
    unique_fd socket;
    for (;;) {
      if (!receive_control(control_.get(), reply, &socket))
        gone();
      if (reply.kind == control::spawned && socket)
        break;
      if (reply.kind == control::spawn_failed)
        throw std::system_error(
            reply.value, std::generic_category(),
            "concur::process: the fork server could not fork the child");
    }
    socket_ = std::move(socket);
    pid_ = reply.pid;
  }

  // One look at the child's sockets, waiting up to `wait_ms`; false if
  // nothing arrived.
  bool poll_once(int wait_ms) {
    pollfd watched[2] = {{control_.get(), POLLIN, 0},
                         {socket_ ? socket_.get() : -1, POLLIN, 0}};
    int ready = ::poll(watched, 2, wait_ms);
    if (ready < 0) {
      if (errno == EINTR)
        return true;
      throw std::system_error(errno, std::generic_category(),
                              "concur::process: poll");
    }
    if (ready == 0)
      return false;
    if (watched[1].revents)
      read_reply();
    if (watched[0].revents)
      read_exit();
    return true;
  }

  [[noreturn]] static void gone() {
    throw broken_executor("concur::process: the fork server is gone; no "
                          "process can be started");
  }

  void read_reply() {
    frame_header reply;
    std::vector<std::byte> payload;
    std::vector<unique_fd> descriptors;
    bool received = false;
    try {
      received = receive_frame(socket_.get(), reply, payload, descriptors);
    } catch (...) {
      received = false; // a corrupt stream: judged by the exit status
    }
    socket_.reset();
    if (!received)
      return; // died before answering: the exit status tells how
    replied_ = true;
    if (reply.kind == frame::error) {
      try {
        input_archive in(payload, descriptors);
        std::string type, message;
        in(type, message);
        failure_ = std::make_exception_ptr(
            remote_error(std::move(type), std::move(message)));
      } catch (...) {
        failure_ = std::current_exception();
      }
    }
  }

  void read_exit() {
    control_message report;
    if (!receive_control(control_.get(), report)) {
      // The fork server died, and with it (PR_SET_PDEATHSIG) the child.
      status_ = SIGKILL; // as a wait status: killed by SIGKILL
      if (!failure_)
        failure_ = std::make_exception_ptr(broken_worker(
            broken_worker::cause::signal, pid_.load(), SIGKILL,
            "concur::process: the fork server is gone, and process " +
                std::to_string(pid_.load()) + " with it"));
      ended_.store(true, std::memory_order_release);
      return;
    }
    if (report.kind != control::exited || report.pid != pid_.load())
      return;
    if (socket_)
      read_reply_if_ready();
    status_ = report.value;
    record_failure();
    ended_.store(true, std::memory_order_release);
  }

  // After the exit report: what went wrong, if the function did not return
  // or throw.
  void record_failure() {
    if (replied_)
      return; // the function returned or threw: failure_ says which
    int pid = pid_.load();
    if (WIFSIGNALED(status_)) {
      int signal = WTERMSIG(status_);
      failure_ = std::make_exception_ptr(broken_worker(
          broken_worker::cause::signal, pid, signal,
          "concur::process: process " + std::to_string(pid) +
              " was killed by signal " + describe_signal(signal) +
              (signal == SIGKILL
                   ? " (the out-of-memory killer also sends SIGKILL)"
                   : "")));
    } else if (int code = WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
               code != 0) {
      failure_ = std::make_exception_ptr(
          broken_worker(broken_worker::cause::exit, pid, code,
                        "concur::process: process " + std::to_string(pid) +
                            " exited with status " + std::to_string(code)));
    }
  }

  // The exit report can overtake the reply in poll(): read the reply first
  // if it is there.
  void read_reply_if_ready() {
    pollfd watched{socket_.get(), POLLIN, 0};
    if (::poll(&watched, 1, 0) > 0)
      read_reply();
    else
      socket_.reset();
  }

  process_target target_;
  std::mutex mutex_;                // start_called_, started_, polling_
  std::condition_variable changed_; // a poller is done: look again
  std::mutex send_mutex_;           // signals sent while another thread waits
  unique_fd control_;
  unique_fd socket_;
  std::atomic<int> pid_{-1};
  bool start_called_ = false;
  bool started_ = false;
  bool polling_ = false; // a thread reads the sockets (replied_, socket_,
                         // status_, failure_ are its own until ended_)
  std::atomic<bool> ended_{false};
  bool replied_ = false;
  int status_ = 0;
  std::exception_ptr failure_;
};

} // namespace detail::ipc

process::process(detail::ipc::process_target target)
    : core_(std::make_unique<detail::ipc::process_core>(std::move(target))) {}
process::process(process &&) noexcept = default;
process &process::operator=(process &&) noexcept = default;
process::~process() = default;

void process::start() { core_->start(); }
void process::join() { core_->wait(-1); }
bool process::wait_for(std::chrono::milliseconds timeout) {
  return core_->wait(
      int(std::clamp<std::int64_t>(timeout.count(), 0, std::int64_t(1) << 30)));
}
void process::get() {
  join();
  if (auto error = core_->failure())
    std::rethrow_exception(error);
}
std::exception_ptr process::exception() const { return core_->failure(); }
bool process::is_alive() const { return core_->poll_alive(); }
std::optional<int> process::exit_code() const { return core_->exit_code(); }
int process::pid() const noexcept { return core_->pid(); }
void process::terminate() { core_->signal(SIGTERM); }
void process::kill() { core_->signal(SIGKILL); }

} // namespace concur
