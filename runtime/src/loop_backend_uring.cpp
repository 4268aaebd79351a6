// loop_backend_uring.cpp - the io_uring backend of concur::event_loop
// (built when liburing is found). Contract: loop_backend.hpp.
//
//  * Readiness: one multishot IORING_OP_POLL_ADD per registered descriptor
//    (POLLIN | POLLOUT | POLLRDHUP), which posts a completion on every wakeup
//    of the descriptor, as epoll's edge-triggered mode reports every edge.
//    A multishot request the kernel ends (no IORING_CQE_F_MORE) is armed
//    again. remove() submits IORING_OP_POLL_REMOVE at once, so that the
//    request lets go of the file before the caller closes it (a removal that
//    meets the request while it completes fails with EALREADY; the request's
//    next completion, now stale, removes it again). Completions
//    carry the descriptor and a generation, so a report for a descriptor
//    number that was removed (and maybe reused) is dropped.
//  * Timers: the loop keeps its timer heap; poll() waits for completions
//    with the time left to the earliest deadline as the timeout of the wait
//    (IORING_FEAT_EXT_ARG: no timeout request is queued).
//  * Wakeups from other threads: an eventfd watched by a multishot poll, as
//    the epoll backend watches it.
//  * File I/O: IORING_OP_READ / WRITE (offset -1: at the file position, as
//    read(2) and write(2)), FSYNC, OPENAT and CLOSE; the operation, and so
//    its buffer, is kept here until its completion arrives.
//
// Needs Linux 5.13 (multishot poll, checked when the ring is made: a kernel
// without it makes make_uring_backend report io_uring unavailable).
#include "loop_backend.hpp"

#include <fcntl.h>
#include <liburing.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <system_error>
#include <unordered_map>

namespace concur::detail {

namespace {

// user_data: the low two bits say what completed.
constexpr std::uint64_t tag_poll = 0;   // readiness: fd and generation above
constexpr std::uint64_t tag_wake = 1;   // the wakeup eventfd
constexpr std::uint64_t tag_file = 2;   // a file_op: its id above
constexpr std::uint64_t tag_ignore = 3; // removals and cancellations
constexpr std::uint32_t generation_mask = (1u << 30) - 1;

// Small rings: making a loop costs about 35 us with these and ten times as
// much with 256/4096 entries (the kernel allocates and maps them). A full
// submission queue is submitted before the next entry; completions beyond the
// ring wait in the kernel's overflow list (IORING_FEAT_NODROP), not lost.
constexpr unsigned submission_entries = 64;
constexpr unsigned completion_entries = 1024;
// The most one read or write submits (the kernel caps one call near 2 GiB).
constexpr std::size_t max_transfer = std::size_t(1) << 30;

std::uint64_t poll_data(int fd, std::uint32_t generation) {
  return (std::uint64_t(generation) << 34) |
         (std::uint64_t(std::uint32_t(fd)) << 2) | tag_poll;
}

[[noreturn]] void throw_code(int code, const char *what) {
  throw std::system_error(code, std::generic_category(), what);
}

class uring_backend final : public loop_backend {
public:
  uring_backend() = default;
  ~uring_backend() override;

  /// Sets up the ring; an errno-style message in why_not when it fails.
  bool open(std::string &why_not);

  void add(int fd) override;
  void remove(int fd) noexcept override;
  void poll(std::optional<time_point> deadline,
            std::vector<io_event> &out) override;
  void wakeup() noexcept override;
  [[nodiscard]] const char *name() const noexcept override {
    return "io_uring";
  }
  [[nodiscard]] bool supports_file_io() const noexcept override { return true; }
  void submit(std::shared_ptr<file_op> op) override;
  void cancel(const file_op &op) noexcept override;

private:
  struct watch {
    std::uint32_t generation = 0;
    bool registered = false;
  };
  struct completion {
    std::uint64_t data;
    int res;
    unsigned flags;
  };

  io_uring_sqe *get_sqe();
  void submit_now();
  void arm_poll(int fd, std::uint32_t generation);
  void arm_wake();
  void remove_request(std::uint64_t data) noexcept;
  void reap();
  void handle(const completion &c, std::vector<io_event> &out);

  io_uring ring_{};
  bool ring_open_ = false;
  int wake_fd_ = -1;
  std::atomic<bool> wake_pending_{false};
  std::vector<watch> watches_; // by fd
  std::uint32_t next_generation_ = 1;
  std::unordered_map<std::uint64_t, std::shared_ptr<file_op>> in_flight_;
  std::uint64_t next_file_id_ = 1;
  std::vector<completion> reaped_;
};

bool uring_backend::open(std::string &why_not) {
  io_uring_params params{};
  params.flags = IORING_SETUP_CQSIZE | IORING_SETUP_COOP_TASKRUN;
  params.cq_entries = completion_entries;
  int r = io_uring_queue_init_params(submission_entries, &ring_, &params);
  if (r == -EINVAL) { // COOP_TASKRUN is Linux 5.19
    params = io_uring_params{};
    params.flags = IORING_SETUP_CQSIZE;
    params.cq_entries = completion_entries;
    r = io_uring_queue_init_params(submission_entries, &ring_, &params);
  }
  if (r < 0) {
    why_not = r == -ENOSYS  ? "the kernel has no io_uring (ENOSYS)"
              : r == -EPERM ? "io_uring is not permitted here (EPERM: "
                              "kernel.io_uring_disabled or a seccomp filter)"
                            : std::string("io_uring_queue_init failed: ") +
                                  std::strerror(-r);
    return false;
  }
  ring_open_ = true;
  if (!(params.features & IORING_FEAT_EXT_ARG) ||
      !(params.features & IORING_FEAT_NODROP)) {
    why_not = "the kernel's io_uring is too old (Linux 5.13 or later needed)";
    return false;
  }
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    why_not = std::string("eventfd failed: ") + std::strerror(errno);
    return false;
  }
  // Probe multishot poll (Linux 5.13) on the wakeup eventfd: make it
  // readable, arm the poll, and expect a completion that says more follow.
  std::uint64_t one = 1;
  if (::write(wake_fd_, &one, sizeof one) != sizeof one) {
    why_not = std::string("eventfd write failed: ") + std::strerror(errno);
    return false;
  }
  io_uring_sqe *sqe = io_uring_get_sqe(&ring_);
  io_uring_prep_poll_multishot(sqe, wake_fd_, POLLIN);
  io_uring_sqe_set_data64(sqe, tag_wake);
  io_uring_cqe *cqe = nullptr;
  do
    r = io_uring_submit_and_wait(&ring_, 1);
  while (r == -EINTR);
  if (r >= 0)
    r = io_uring_peek_cqe(&ring_, &cqe);
  if (r < 0 || !cqe) {
    why_not = std::string("io_uring_submit failed: ") + std::strerror(-r);
    return false;
  }
  bool multishot = cqe->res >= 0 && (cqe->flags & IORING_CQE_F_MORE);
  io_uring_cqe_seen(&ring_, cqe);
  if (!multishot) {
    why_not = "the kernel's io_uring has no multishot poll (Linux 5.13 or "
              "later needed)";
    return false;
  }
  std::uint64_t value;
  [[maybe_unused]] ssize_t n = ::read(wake_fd_, &value, sizeof value);
  return true;
}

uring_backend::~uring_backend() {
  if (ring_open_) {
    // The kernel may still write into the buffers of operations in flight:
    // ask it to stop them, and wait until each has completed.
    for (auto &[id, op] : in_flight_) {
      op->on_complete = nullptr;
      io_uring_sqe *sqe = io_uring_get_sqe(&ring_);
      if (!sqe) {
        io_uring_submit(&ring_);
        sqe = io_uring_get_sqe(&ring_);
      }
      if (!sqe)
        break; // the rest completes without being cancelled
      io_uring_prep_cancel64(sqe, (id << 2) | tag_file, 0);
      io_uring_sqe_set_data64(sqe, tag_ignore);
    }
    while (!in_flight_.empty()) {
      int r = io_uring_submit_and_wait(&ring_, 1);
      if (r < 0 && r != -EINTR && r != -EBUSY && r != -EAGAIN)
        break; // the ring is broken: nothing more will complete
      unsigned head;
      unsigned seen = 0;
      io_uring_cqe *cqe;
      io_uring_for_each_cqe(&ring_, head, cqe) {
        if ((cqe->user_data & 3) == tag_file)
          in_flight_.erase(cqe->user_data >> 2);
        ++seen;
      }
      io_uring_cq_advance(&ring_, seen);
    }
    io_uring_queue_exit(&ring_);
  }
  if (wake_fd_ >= 0)
    ::close(wake_fd_);
}

io_uring_sqe *uring_backend::get_sqe() {
  io_uring_sqe *sqe = io_uring_get_sqe(&ring_);
  if (!sqe) { // the submission queue is full: hand it to the kernel
    submit_now();
    sqe = io_uring_get_sqe(&ring_);
    if (!sqe)
      throw_code(EBUSY, "concur: io_uring submission queue");
  }
  return sqe;
}

void uring_backend::submit_now() {
  int r;
  do
    r = io_uring_submit(&ring_);
  while (r == -EINTR);
  // EBUSY/EAGAIN: completions must be reaped first; the next poll does.
  if (r < 0 && r != -EBUSY && r != -EAGAIN)
    throw_code(-r, "concur: io_uring_submit");
}

void uring_backend::arm_poll(int fd, std::uint32_t generation) {
  io_uring_sqe *sqe = get_sqe();
  io_uring_prep_poll_multishot(sqe, fd, POLLIN | POLLOUT | POLLRDHUP);
  io_uring_sqe_set_data64(sqe, poll_data(fd, generation));
}

void uring_backend::arm_wake() {
  io_uring_sqe *sqe = get_sqe();
  io_uring_prep_poll_multishot(sqe, wake_fd_, POLLIN);
  io_uring_sqe_set_data64(sqe, tag_wake);
}

void uring_backend::add(int fd) {
  if (std::size_t(fd) >= watches_.size())
    watches_.resize(
        std::max<std::size_t>(std::size_t(fd) + 1, watches_.size() * 2));
  watch &w = watches_[std::size_t(fd)];
  std::uint32_t generation = next_generation_;
  next_generation_ = (next_generation_ + 1) & generation_mask;
  if (next_generation_ == 0)
    next_generation_ = 1;
  arm_poll(fd, generation);
  w = watch{generation, true};
}

void uring_backend::remove(int fd) noexcept {
  if (fd < 0 || std::size_t(fd) >= watches_.size() ||
      !watches_[std::size_t(fd)].registered)
    return;
  watch &w = watches_[std::size_t(fd)];
  w.registered = false;
  remove_request(poll_data(fd, w.generation));
}

void uring_backend::remove_request(std::uint64_t data) noexcept {
  try {
    io_uring_sqe *sqe = get_sqe();
    io_uring_prep_poll_remove(sqe, data);
    io_uring_sqe_set_data64(sqe, tag_ignore);
    submit_now(); // the poll request holds the file until it is removed
  } catch (...) {
    // The ring is full or broken: the request ends with the ring.
  }
}

void uring_backend::wakeup() noexcept {
  if (wake_pending_.exchange(true, std::memory_order_acq_rel))
    return; // a wakeup is already on its way
  std::uint64_t one = 1;
  // EAGAIN (counter full) still leaves the eventfd readable: nothing is lost.
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

void uring_backend::submit(std::shared_ptr<file_op> op) {
  std::uint64_t id = next_file_id_++;
  file_op &o = *op;
  auto [position, inserted] = in_flight_.emplace(id, std::move(op));
  try {
    io_uring_sqe *sqe = get_sqe();
    switch (o.what) {
    case file_op::kind::read:
      io_uring_prep_read(sqe, o.fd, o.buffer.data(),
                         unsigned(std::min(o.buffer.size(), max_transfer)),
                         std::uint64_t(-1));
      break;
    case file_op::kind::write:
      io_uring_prep_write(
          sqe, o.fd, o.buffer.data() + o.begin,
          unsigned(std::min(o.buffer.size() - o.begin, max_transfer)),
          std::uint64_t(-1));
      break;
    case file_op::kind::fsync:
      io_uring_prep_fsync(sqe, o.fd, 0);
      break;
    case file_op::kind::open:
      io_uring_prep_openat(sqe, AT_FDCWD, o.buffer.c_str(), o.flags, 0666);
      break;
    case file_op::kind::close:
      io_uring_prep_close(sqe, o.fd);
      break;
    }
    io_uring_sqe_set_data64(sqe, (id << 2) | tag_file);
  } catch (...) {
    in_flight_.erase(position);
    throw;
  }
}

void uring_backend::cancel(const file_op &op) noexcept {
  for (const auto &[id, pending] : in_flight_) {
    if (pending.get() != &op)
      continue;
    try {
      io_uring_sqe *sqe = get_sqe();
      io_uring_prep_cancel64(sqe, (id << 2) | tag_file, 0);
      io_uring_sqe_set_data64(sqe, tag_ignore);
    } catch (...) {
      // Not cancelled: it completes in its own time.
    }
    return;
  }
}

void uring_backend::reap() {
  reaped_.clear();
  unsigned head;
  unsigned seen = 0;
  io_uring_cqe *cqe;
  io_uring_for_each_cqe(&ring_, head, cqe) {
    reaped_.push_back({cqe->user_data, cqe->res, cqe->flags});
    ++seen;
  }
  io_uring_cq_advance(&ring_, seen);
}

void uring_backend::poll(std::optional<time_point> deadline,
                         std::vector<io_event> &out) {
  for (;;) {
    int r;
    if (deadline) {
      auto now = std::chrono::steady_clock::now();
      if (*deadline <= now) { // (min() - now would overflow)
        submit_now();
        break;
      }
      auto left = *deadline - now;
      auto ns =
          std::chrono::duration_cast<std::chrono::nanoseconds>(left).count() +
          1; // round up: never wake before the deadline
      __kernel_timespec timeout{};
      timeout.tv_sec = ns / 1000000000;
      timeout.tv_nsec = ns % 1000000000;
      io_uring_cqe *cqe = nullptr;
      r = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &timeout, nullptr);
    } else {
      r = io_uring_submit_and_wait(&ring_, 1);
    }
    if (r == -EINTR)
      continue;
    if (r < 0 && r != -ETIME && r != -EBUSY && r != -EAGAIN)
      throw_code(-r, "concur: io_uring_enter");
    break;
  }
  reap();
  for (const completion &c : reaped_)
    handle(c, out);
}

void uring_backend::handle(const completion &c, std::vector<io_event> &out) {
  switch (c.data & 3) {
  case tag_wake: {
    if (!(c.flags & IORING_CQE_F_MORE))
      arm_wake();
    // Drain first, then re-arm: see loop_backend_epoll.cpp.
    std::uint64_t value;
    [[maybe_unused]] ssize_t n = ::read(wake_fd_, &value, sizeof value);
    wake_pending_.store(false, std::memory_order_release);
    return;
  }
  case tag_poll: {
    int fd = int((c.data >> 2) & 0xffffffffu);
    std::uint32_t generation = std::uint32_t(c.data >> 34);
    if (std::size_t(fd) >= watches_.size())
      return;
    const watch &w = watches_[std::size_t(fd)];
    if (!w.registered || w.generation != generation) {
      // Removed (the number may be in use again): spurious. A request that
      // is still armed met remove() while it was completing (EALREADY) and
      // still holds its file: remove it again.
      if (c.flags & IORING_CQE_F_MORE)
        remove_request(c.data);
      return;
    } // removed (the number may be in use again): spurious
    if (c.res < 0) {
      // The request failed (EBADF, ...): report both directions, so that the
      // pending operations run and meet the error themselves; arm again
      // only if the kernel merely ended it.
      if (c.res == -ECANCELED || c.res == -ENOMEM)
        arm_poll(fd, generation);
      out.push_back({fd, true, true});
      return;
    }
    if (!(c.flags & IORING_CQE_F_MORE))
      arm_poll(fd, generation);
    unsigned mask = unsigned(c.res);
    bool failed = mask & (POLLERR | POLLHUP);
    out.push_back({fd, failed || (mask & (POLLIN | POLLRDHUP | POLLPRI)) != 0,
                   failed || (mask & POLLOUT) != 0});
    return;
  }
  case tag_file: {
    auto found = in_flight_.find(c.data >> 2);
    if (found == in_flight_.end())
      return;
    std::shared_ptr<file_op> op = std::move(found->second);
    in_flight_.erase(found);
    op->result = c.res;
    if (op->on_complete)
      op->on_complete(*op);
    return;
  }
  default:
    return;
  }
}

} // namespace

std::unique_ptr<loop_backend> make_uring_backend(std::string &why_not) {
  auto backend = std::make_unique<uring_backend>();
  if (!backend->open(why_not))
    return nullptr;
  return backend;
}

} // namespace concur::detail
