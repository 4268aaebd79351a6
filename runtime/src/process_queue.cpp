// concur::process_queue's shared memory: a header, then a ring of records.
//
// A record is a 64-bit length and that many bytes, padded to 8. A record
// never wraps: one that does not fit before the end of the ring is preceded
// by a skip marker, and the ring restarts at offset 0. `head` and `tail` are
// byte positions that only grow (reset to 0 whenever the queue is empty).
//
// Every change is published by one aligned store made last (tail after the
// record's bytes, head after the record was read, closed), so a process that
// dies holding the lock leaves a consistent ring: the next locker is told
// (robust mutex) and marks the queue broken, because the dead process may
// have been the producer the others wait for, or may have taken a value it
// will never deliver. A get() flags `taking` while it reads the value at
// head; if it dies there, the repair drops that value rather than hand it
// to the next consumer (a value whose decoding kills would kill them all).
#include "robust_lock.hpp"

#include "concur/detail/cpu_relax.hpp"
#include "concur/detail/size_check.hpp"
#include "concur/process_queue.hpp"

#include <algorithm>
#include <cstring>
#include <new>
#include <string>

namespace concur::detail::ipc {

namespace {
constexpr std::uint64_t queue_magic = 0x636f6e6375725131; // "concurQ1"
constexpr std::uint64_t skip_marker = ~std::uint64_t(0);
constexpr const char *who = "concur::process_queue";
// How long a waiter spins before it sleeps: a producer and a consumer on
// two cores hand over values without a system call.
constexpr auto spin_time = std::chrono::microseconds(20);

std::uint64_t record_size(std::uint64_t bytes) {
  return 8 + ((bytes + 7) & ~std::uint64_t(7));
}
} // namespace

struct queue_core::layout {
  std::uint64_t magic;
  std::uint64_t max_items;
  std::uint64_t ring_bytes;
  pthread_mutex_t mutex;
  // Under the mutex:
  std::uint64_t count;
  std::uint64_t head;
  std::uint64_t tail;
  std::uint32_t closed;
  std::uint32_t broken;
  std::uint32_t taking;      // a get() is reading the value at...
  std::uint64_t taking_from; // ...this head
  // Bumped (under the mutex) when a value or the end arrives, and when room
  // is made; waiters sleep on them.
  alignas(64) std::atomic<std::uint32_t> items_sequence;
  std::atomic<std::uint32_t> items_sleepers;
  alignas(64) std::atomic<std::uint32_t> room_sequence;
  std::atomic<std::uint32_t> room_sleepers;
};

namespace {
// The ring starts after the header.
std::byte *ring_of(void *memory) {
  return static_cast<std::byte *>(memory) + sizeof(queue_core::layout);
}
} // namespace

namespace {
// The queue's memory: the header, then the ring (buffer_bytes rounded up to
// 8). Checks the sizes.
std::size_t queue_bytes(std::size_t max_items, std::size_t buffer_bytes) {
  check_size(who, "max_items", max_items, 1, std::size_t(1) << 30);
  check_size(who, "buffer_bytes", buffer_bytes, 64, std::size_t(1) << 36);
  return sizeof(queue_core::layout) + ((buffer_bytes + 7) & ~std::size_t(7));
}

constexpr const char *not_a_queue =
    "concur::process_queue: the received descriptor is not a queue";
} // namespace

queue_core::queue_core(std::size_t max_items, std::size_t buffer_bytes)
    : region_(queue_bytes(max_items, buffer_bytes), "concur-process-queue",
              who) {
  layout &s = *new (region_.data()) layout();
  s.max_items = max_items;
  s.ring_bytes = region_.size() - sizeof(layout);
  init_robust_mutex(s.mutex, who);
  s.magic = queue_magic;
}

queue_core::queue_core(unique_fd descriptor)
    : region_(std::move(descriptor), who, sizeof(layout) + 64, not_a_queue) {
  layout &s = shared();
  if (s.magic != queue_magic || s.ring_bytes != region_.size() - sizeof(layout))
    throw serialization_error(not_a_queue);
}

queue_core::layout &queue_core::shared() const noexcept {
  return *static_cast<layout *>(region_.data());
}

// True if the queue is broken (now or before).
bool queue_core::lock() const {
  layout &s = shared();
  if (lock_robust_mutex(s.mutex, who)) {
    repair();
    ::pthread_mutex_consistent(&s.mutex);
  }
  return s.broken != 0;
}

void queue_core::unlock() const noexcept {
  ::pthread_mutex_unlock(&shared().mutex);
}

// The holder died. The ring is consistent (see the top of this file), but
// the others may wait for what the dead process would have put or taken:
// everyone is told.
void queue_core::repair() const noexcept {
  layout &s = shared();
  std::byte *ring = ring_of(region_.data());
  auto size_at = [&](std::uint64_t position) {
    std::uint64_t size;
    std::memcpy(&size, ring + position % s.ring_bytes, 8);
    return size;
  };
  // The record at `position`, past a skip marker if there is one.
  auto record_start = [&](std::uint64_t position) {
    if (size_at(position) == skip_marker)
      position += s.ring_bytes - position % s.ring_bytes;
    return position;
  };
  if (s.taking && s.head == s.taking_from) {
    // It died reading the value at head: that value counts as taken (not
    // handed to another consumer, which it might kill the same way).
    std::uint64_t start = record_start(s.head);
    s.head = start + record_size(size_at(start));
  }
  s.taking = 0;
  // It may have died between moving head or tail and counting: count again.
  std::uint64_t count = 0;
  for (std::uint64_t position = s.head; position < s.tail; ++count) {
    position = record_start(position);
    position += record_size(size_at(position));
  }
  s.count = count;
  if (count == 0 || s.head > s.tail)
    s.head = s.tail = 0;
  s.broken = 1;
  s.items_sequence.fetch_add(1);
  s.room_sequence.fetch_add(1);
  futex_wake_all(s.items_sequence);
  futex_wake_all(s.room_sequence);
}

// Called with the lock held; returns with it held.
void queue_core::wait(std::atomic<std::uint32_t> &sequence, std::uint32_t seen,
                      std::atomic<std::uint32_t> &sleepers,
                      std::optional<clock::time_point> deadline) const {
  unlock();
  auto spin_until = clock::now() + spin_time;
  while (sequence.load(std::memory_order_acquire) == seen &&
         clock::now() < spin_until)
    for (int i = 0; i < 16; ++i)
      cpu_relax();
  if (sequence.load() == seen) {
    auto slice = std::chrono::nanoseconds(robust_wait_slice);
    if (deadline)
      slice =
          std::min(slice, std::chrono::nanoseconds(*deadline - clock::now()));
    // Counted as a sleeper before the last look at the sequence: a waker
    // that bumps it afterwards sees the count and wakes us (both seq_cst).
    sleepers.fetch_add(1);
    futex_wait(sequence, seen, slice);
    sleepers.fetch_sub(1);
  }
  lock();
}

bool queue_core::put(std::span<const std::byte> item,
                     std::optional<clock::time_point> deadline) {
  layout &s = shared();
  std::uint64_t needed = record_size(item.size());
  if (needed > s.ring_bytes)
    throw std::length_error(
        "concur::process_queue: a value of " + std::to_string(item.size()) +
        " serialised bytes does not fit the queue's buffer of " +
        std::to_string(s.ring_bytes) +
        " bytes; create the queue with a larger buffer_bytes");
  lock();
  for (;;) {
    if (s.broken) {
      unlock();
      throw process_queue_broken(
          "concur::process_queue: a process died while holding the queue's "
          "lock; the queue cannot be used any more");
    }
    if (s.closed) {
      unlock();
      throw process_queue_closed("concur::process_queue: put after close()");
    }
    if (s.count == 0)
      s.head = s.tail = 0;
    std::uint64_t position = s.tail % s.ring_bytes;
    std::uint64_t to_end = s.ring_bytes - position;
    std::uint64_t taken = needed <= to_end ? needed : to_end + needed;
    if (s.count < s.max_items && (s.tail - s.head) + taken <= s.ring_bytes)
      break;
    if (deadline && clock::now() >= *deadline) {
      unlock();
      return false;
    }
    wait(s.room_sequence, s.room_sequence.load(), s.room_sleepers, deadline);
  }
  std::byte *ring = ring_of(region_.data());
  std::uint64_t tail = s.tail;
  std::uint64_t position = tail % s.ring_bytes;
  if (needed > s.ring_bytes - position) {
    std::memcpy(ring + position, &skip_marker, 8);
    tail += s.ring_bytes - position;
    position = 0;
  }
  std::uint64_t size = item.size();
  std::memcpy(ring + position, &size, 8);
  if (size)
    std::memcpy(ring + position + 8, item.data(), size);
  std::atomic_signal_fence(std::memory_order_seq_cst); // bytes, then tail
  s.tail = tail + needed; // published: a dying holder leaves it or not
  ++s.count;
  s.items_sequence.fetch_add(1);
  bool wake = s.items_sleepers.load() > 0;
  unlock();
  if (wake)
    futex_wake_all(s.items_sequence);
  return true;
}

queue_core::got
queue_core::get(void (*read)(void *, std::span<const std::byte>), void *context,
                std::optional<clock::time_point> deadline) {
  layout &s = shared();
  lock();
  while (s.count == 0) {
    if (s.broken) {
      unlock();
      throw process_queue_broken(
          "concur::process_queue: a process died while holding the queue's "
          "lock; the values completely put before have all been taken");
    }
    if (s.closed) {
      unlock();
      return got::end;
    }
    if (deadline && clock::now() >= *deadline) {
      unlock();
      return got::timeout;
    }
    wait(s.items_sequence, s.items_sequence.load(), s.items_sleepers, deadline);
  }
  std::byte *ring = ring_of(region_.data());
  std::uint64_t head = s.head;
  std::uint64_t position = head % s.ring_bytes;
  std::uint64_t size;
  std::memcpy(&size, ring + position, 8);
  if (size == skip_marker) {
    head += s.ring_bytes - position;
    position = 0;
    std::memcpy(&size, ring + position, 8);
  }
  std::exception_ptr error;
  s.taking_from = s.head;
  s.taking = 1;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  if (size > s.ring_bytes - position - 8) {
    error = std::make_exception_ptr(serialization_error(
        "concur::process_queue: a corrupt record in the shared ring"));
    s.broken = 1;
  } else {
    try {
      read(context,
           std::span<const std::byte>(ring + position + 8, std::size_t(size)));
    } catch (...) {
      error = std::current_exception();
    }
  }
  std::atomic_signal_fence(std::memory_order_seq_cst); // read, then head
  s.head = head + record_size(size);
  --s.count;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  s.taking = 0;
  s.room_sequence.fetch_add(1);
  bool wake = s.room_sleepers.load() > 0;
  unlock();
  if (wake)
    futex_wake_all(s.room_sequence);
  if (error)
    std::rethrow_exception(error);
  return got::item;
}

void queue_core::close() {
  layout &s = shared();
  lock();
  s.closed = 1;
  s.items_sequence.fetch_add(1);
  s.room_sequence.fetch_add(1);
  unlock();
  futex_wake_all(s.items_sequence);
  futex_wake_all(s.room_sequence);
}

bool queue_core::closed() const {
  lock();
  bool closed = shared().closed != 0;
  unlock();
  return closed;
}

std::size_t queue_core::size() const {
  lock();
  std::size_t count = std::size_t(shared().count);
  unlock();
  return count;
}

std::size_t queue_core::max_items() const noexcept {
  return std::size_t(shared().max_items);
}
std::size_t queue_core::buffer_bytes() const noexcept {
  return std::size_t(shared().ring_bytes);
}
int queue_core::descriptor() const noexcept { return region_.descriptor(); }

} // namespace concur::detail::ipc
