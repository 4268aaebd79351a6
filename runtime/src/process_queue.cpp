// concur::process_queue's shared memory: a header, a few copy lanes, then a
// ring of records.
//
// A record is a 16-byte header (the value's size, its state, the copy lane
// of the process filling or reading it) and the value's serialised bytes,
// padded to 8. A record never wraps: one that does not fit before the end
// of the ring is preceded by a skip marker, and the ring restarts at offset
// 0. `free`, `head` and `tail` are byte positions that only grow (reset to 0
// whenever nothing is in the ring): [free, head) holds records being read
// or read, [head, tail) the values queued (being written or ready).
//
// Small values are copied in and read out under the lock. A large value is
// copied outside it, so that a producer's copy and a consumer's copy run at
// once: put() reserves the record under the lock (state `writing`, tail
// moved), fills it without the lock, then publishes it (state `ready`, one
// atomic store); get() claims a ready record at head under the lock (state
// `reading`, head moved), reads it without the lock, then releases it (state
// `done`); the space is reclaimed in order, under the lock, by the next
// put() that needs it. Consumers take records in the order they were
// reserved, so the queue stays FIFO: a consumer that finds a record still
// being written at head waits for it.
//
// Failures. Every change made under the lock is published by one aligned
// store made last, so a process that dies holding the lock leaves a
// consistent ring: the next locker is told (robust mutex) and marks the
// queue broken, because the dead process may have been the producer the
// others wait for, or may have taken a value it will never deliver. A get()
// flags `taking` while it reads a small value at head under the lock; if it
// dies there, the repair drops that value rather than hand it to the next
// consumer (a value whose decoding kills would kill them all).
// A process copying a large value holds one of the copy lanes: a robust
// mutex of its own, locked when the record is reserved or claimed and
// unlocked once it is published or released. A process that finds such a
// record in its way (a consumer at a record still `writing`, a producer
// waiting for room behind one still `reading`) tries the lane: if its holder
// died, the kernel says so (EOWNERDEAD), the record is dropped and the queue
// marked broken, as for a death under the lock.
#include "robust_lock.hpp"

#include "concur/detail/cpu_relax.hpp"
#include "concur/detail/size_check.hpp"
#include "concur/process_queue.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <string>

namespace concur::detail::ipc {

namespace {
constexpr std::uint64_t queue_magic = 0x636f6e6375725132; // "concurQ2"
constexpr std::uint64_t skip_marker = ~std::uint64_t(0);
constexpr const char *who = "concur::process_queue";
// How long a waiter spins before it sleeps: a producer and a consumer on
// two cores hand over values without a system call.
constexpr auto spin_time = std::chrono::microseconds(20);
// Processes copying large values at the same time; more copy under the
// lock.
constexpr std::uint32_t lane_count = 32;
constexpr std::uint32_t no_lane = ~std::uint32_t(0);

enum record_state : std::uint32_t {
  ready = 1, // complete, waiting for a consumer
  writing,   // reserved; its producer is filling it without the lock
  reading,   // claimed; its consumer is reading it without the lock
  done,      // read: its space can be reclaimed
  abandoned, // its producer failed or died filling it: skipped
};

struct record_header {
  std::uint64_t size; // or skip_marker
  std::uint32_t state;
  std::uint32_t lane;
};
static_assert(sizeof(record_header) == 16);

std::uint64_t record_size(std::uint64_t bytes) {
  return sizeof(record_header) + ((bytes + 7) & ~std::uint64_t(7));
}

std::atomic_ref<std::uint32_t> state_of(record_header &header) {
  return std::atomic_ref<std::uint32_t>(header.state);
}

constexpr const char *broken_put =
    "concur::process_queue: a process died in the middle of a put or a get; "
    "the queue cannot be used any more";
constexpr const char *broken_get =
    "concur::process_queue: a process died in the middle of a put or a get; "
    "the values completely put before have all been taken";
} // namespace

struct queue_core::layout {
  std::uint64_t magic;
  std::uint64_t max_items;
  std::uint64_t ring_bytes;
  pthread_mutex_t mutex;
  // Under the mutex:
  std::uint64_t count; // records in [head, tail)
  std::uint64_t free;
  std::uint64_t head;
  std::uint64_t tail;
  std::uint32_t closed;
  std::uint32_t broken;
  std::uint32_t taking;      // a get() is reading the value at...
  std::uint64_t taking_from; // ...this head, under the lock
  // Bumped when a value or the end arrives, and when room is made; waiters
  // sleep on them.
  alignas(64) std::atomic<std::uint32_t> items_sequence;
  std::atomic<std::uint32_t> items_sleepers;
  alignas(64) std::atomic<std::uint32_t> room_sequence;
  std::atomic<std::uint32_t> room_sleepers;
  // Copy lanes: taken under the mutex, given back without it.
  struct lane {
    pthread_mutex_t mutex;
    std::atomic<std::uint32_t> in_use;
  };
  alignas(64) lane lanes[lane_count];
};

namespace {
// The ring starts after the header.
std::byte *ring_of(void *memory) {
  return static_cast<std::byte *>(memory) + sizeof(queue_core::layout);
}

// The queue's memory: the header, then the ring (buffer_bytes rounded up to
// 8). Checks the sizes.
std::size_t queue_bytes(std::size_t max_items, std::size_t buffer_bytes) {
  check_size(who, "max_items", max_items, 1, std::size_t(1) << 30);
  check_size(who, "buffer_bytes", buffer_bytes, 64, std::size_t(1) << 36);
  return sizeof(queue_core::layout) + ((buffer_bytes + 7) & ~std::size_t(7));
}

constexpr const char *not_a_queue =
    "concur::process_queue: the received descriptor is not a queue";

// Access to the ring of one queue (the lock held unless said otherwise).
struct ring_view {
  queue_core::layout &s;
  std::byte *ring;

  record_header &header(std::uint64_t position) const noexcept {
    return *reinterpret_cast<record_header *>(ring + position % s.ring_bytes);
  }
  std::byte *payload(std::uint64_t position) const noexcept {
    return ring + position % s.ring_bytes + sizeof(record_header);
  }
  // The record at `position`, past a skip marker if there is one.
  std::uint64_t record_start(std::uint64_t position) const noexcept {
    if (position % s.ring_bytes != 0 && header(position).size == skip_marker)
      position += s.ring_bytes - position % s.ring_bytes;
    return position;
  }
  // Starts a record of `needed` bytes at tail (a skip marker first if it
  // does not fit before the end); returns its position. tail is not moved.
  std::uint64_t place(std::uint64_t needed) const noexcept {
    std::uint64_t position = s.tail;
    std::uint64_t offset = position % s.ring_bytes;
    if (needed > s.ring_bytes - offset) {
      header(position).size = skip_marker;
      position += s.ring_bytes - offset;
    }
    return position;
  }

  // Takes a free copy lane and locks it; no_lane if all are busy.
  std::uint32_t acquire_lane() const noexcept {
    for (std::uint32_t i = 0; i < lane_count; ++i) {
      auto &lane = s.lanes[i];
      if (lane.in_use.load(std::memory_order_acquire))
        continue;
      int error = ::pthread_mutex_trylock(&lane.mutex);
      if (error == EOWNERDEAD)
        ::pthread_mutex_consistent(&lane.mutex);
      else if (error != 0)
        continue;
      lane.in_use.store(1, std::memory_order_relaxed);
      return i;
    }
    return no_lane;
  }

  // Without the lock, by the lane's holder, once its record is final.
  void release_lane(std::uint32_t i) const noexcept {
    ::pthread_mutex_unlock(&s.lanes[i].mutex);
    s.lanes[i].in_use.store(0, std::memory_order_release);
  }

  // True if the process that holds `lane` for the record at `position`
  // died: the lane is then recovered.
  bool holder_died(std::uint64_t position) const noexcept {
    record_header &h = header(position);
    if (h.lane >= lane_count)
      return false;
    auto &lane = s.lanes[h.lane];
    int error = ::pthread_mutex_trylock(&lane.mutex);
    if (error == EBUSY)
      return false; // still copying
    bool died = error == EOWNERDEAD;
    if (died)
      ::pthread_mutex_consistent(&lane.mutex);
    if (error == 0 || died) {
      // Unlocked: its holder finished (the state is final: it is stored
      // before the lane is given back) or died.
      std::uint32_t state = state_of(h).load();
      ::pthread_mutex_unlock(&lane.mutex);
      if (died)
        lane.in_use.store(0, std::memory_order_release);
      return died || state == writing || state == reading;
    }
    return false;
  }

  // Moves `free` past the records read. Returns false if a record still
  // being read stops it.
  bool reclaim() const noexcept {
    while (s.free < s.head) {
      std::uint64_t position = record_start(s.free);
      if (position >= s.head) {
        s.free = s.head;
        break;
      }
      record_header &h = header(position);
      if (state_of(h).load() != done)
        return false;
      s.free = position + record_size(h.size);
    }
    return true;
  }
};
} // namespace

queue_core::queue_core(std::size_t max_items, std::size_t buffer_bytes)
    : region_(queue_bytes(max_items, buffer_bytes), "concur-process-queue",
              who) {
  layout &s = *new (region_.data()) layout();
  s.max_items = max_items;
  s.ring_bytes = region_.size() - sizeof(layout);
  init_robust_mutex(s.mutex, who);
  for (auto &lane : s.lanes)
    init_robust_mutex(lane.mutex, who);
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

void queue_core::break_queue() const noexcept {
  layout &s = shared();
  s.broken = 1;
  s.items_sequence.fetch_add(1);
  s.room_sequence.fetch_add(1);
  futex_wake_all(s.items_sequence);
  futex_wake_all(s.room_sequence);
}

// The holder died. The ring is consistent (see the top of this file), but
// the others may wait for what the dead process would have put or taken:
// everyone is told. (A copy lane it had just taken stays taken: the queue
// is broken, and the others copy under the lock when the lanes run out.)
void queue_core::repair() const noexcept {
  layout &s = shared();
  ring_view r{s, ring_of(region_.data())};
  if (s.taking && s.head == s.taking_from && s.head < s.tail) {
    // It died reading the value at head: that value counts as taken (not
    // handed to another consumer, which it might kill the same way).
    std::uint64_t start = r.record_start(s.head);
    state_of(r.header(start)).store(done);
    s.head = start + record_size(r.header(start).size);
  }
  s.taking = 0;
  if (s.head < s.tail) {
    // It died claiming the value at head, before moving head: not taken.
    record_header &h = r.header(r.record_start(s.head));
    if (state_of(h).load() == reading)
      state_of(h).store(ready);
  }
  // It may have died between moving head or tail and counting: count again.
  std::uint64_t count = 0;
  for (std::uint64_t position = s.head; position < s.tail; ++count) {
    position = r.record_start(position);
    position += record_size(r.header(position).size);
  }
  s.count = count;
  if (s.free == s.tail)
    s.free = s.head = s.tail = 0;
  break_queue();
}

// Called with the lock held; returns with it held. `seen` was read before
// the caller looked at the state it waits to change.
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

void queue_core::check_fits(std::size_t bytes) const {
  if (record_size(bytes) > shared().ring_bytes)
    throw std::length_error(
        "concur::process_queue: a value of " + std::to_string(bytes) +
        " serialised bytes does not fit the queue's buffer of " +
        std::to_string(shared().ring_bytes) +
        " bytes; create the queue with a larger buffer_bytes");
}

// Locks, and waits until a record of `needed` bytes fits. Returns false,
// unlocked, if `deadline` passed first; true with the lock held.
bool queue_core::lock_with_room(std::uint64_t needed,
                                std::optional<clock::time_point> deadline) {
  layout &s = shared();
  ring_view r{s, ring_of(region_.data())};
  lock();
  for (;;) {
    std::uint32_t seen = s.room_sequence.load();
    if (s.broken) {
      unlock();
      throw process_queue_broken(broken_put);
    }
    if (s.closed) {
      unlock();
      throw process_queue_closed("concur::process_queue: put after close()");
    }
    if (s.free == s.tail)
      s.free = s.head = s.tail = 0;
    bool reclaimed = r.reclaim();
    std::uint64_t to_end = s.ring_bytes - s.tail % s.ring_bytes;
    std::uint64_t taken = needed <= to_end ? needed : to_end + needed;
    bool has_room = (s.tail - s.free) + taken <= s.ring_bytes;
    if (s.count < s.max_items && has_room)
      return true;
    if (!has_room && !reclaimed) {
      // Behind a record being read: is its reader still alive?
      std::uint64_t position = r.record_start(s.free);
      if (r.holder_died(position)) {
        state_of(r.header(position)).store(done);
        break_queue();
        continue;
      }
    }
    if (deadline && clock::now() >= *deadline) {
      unlock();
      return false;
    }
    wait(s.room_sequence, seen, s.room_sleepers, deadline);
  }
}

// Publishes the record at `position` (lock held): tail, count, wake-up.
void queue_core::append(std::uint64_t position, std::uint64_t needed) {
  layout &s = shared();
  std::atomic_signal_fence(std::memory_order_seq_cst); // bytes, then tail
  s.tail = position + needed; // published: a dying holder leaves it or not
  ++s.count;
}

void queue_core::notify_items() const noexcept {
  layout &s = shared();
  s.items_sequence.fetch_add(1);
  if (s.items_sleepers.load() > 0)
    futex_wake_all(s.items_sequence);
}

void queue_core::notify_room() const noexcept {
  layout &s = shared();
  s.room_sequence.fetch_add(1);
  if (s.room_sleepers.load() > 0)
    futex_wake_all(s.room_sequence);
}

bool queue_core::put(std::span<const std::byte> item,
                     std::optional<clock::time_point> deadline) {
  check_fits(item.size());
  std::uint64_t needed = record_size(item.size());
  if (!lock_with_room(needed, deadline))
    return false;
  layout &s = shared();
  ring_view r{s, ring_of(region_.data())};
  std::uint64_t position = r.place(needed);
  record_header &h = r.header(position);
  h.size = item.size();
  h.lane = no_lane;
  state_of(h).store(ready, std::memory_order_relaxed);
  if (!item.empty())
    std::memcpy(r.payload(position), item.data(), item.size());
  append(position, needed);
  unlock();
  notify_items();
  return true;
}

bool queue_core::put_with(std::size_t size, writer write, void *context,
                          std::optional<clock::time_point> deadline) {
  check_fits(size);
  std::uint64_t needed = record_size(size);
  if (!lock_with_room(needed, deadline))
    return false;
  layout &s = shared();
  ring_view r{s, ring_of(region_.data())};
  std::uint64_t position = r.place(needed);
  record_header &h = r.header(position);
  std::span<std::byte> destination(r.payload(position), size);
  h.size = size;
  std::uint32_t lane = r.acquire_lane();
  h.lane = lane;
  if (lane == no_lane) {
    // Every lane busy: fill it under the lock.
    state_of(h).store(ready, std::memory_order_relaxed);
    try {
      write(context, destination);
    } catch (...) {
      unlock(); // tail not moved: nothing was put
      throw;
    }
    append(position, needed);
    unlock();
    notify_items();
    return true;
  }
  state_of(h).store(writing, std::memory_order_relaxed);
  append(position, needed); // reserved: consumers wait for it in its turn
  unlock();
  std::uint32_t outcome = ready;
  std::exception_ptr error;
  try {
    write(context, destination);
  } catch (...) {
    outcome = abandoned;
    error = std::current_exception();
  }
  state_of(h).store(outcome, std::memory_order_release); // published
  r.release_lane(lane);
  notify_items();
  if (error)
    std::rethrow_exception(error);
  return true;
}

queue_core::got
queue_core::get(void (*read)(void *, std::span<const std::byte>), void *context,
                std::optional<clock::time_point> deadline, bool outside_lock) {
  layout &s = shared();
  ring_view r{s, ring_of(region_.data())};
  lock();
  std::uint64_t position = 0;
  for (;;) {
    std::uint32_t seen = s.items_sequence.load();
    if (s.count > 0) {
      position = r.record_start(s.head);
      record_header &h = r.header(position);
      std::uint32_t state = state_of(h).load();
      if (state == ready)
        break;
      if (state == abandoned) {
        state_of(h).store(done);
        s.head = position + record_size(h.size);
        --s.count;
        continue;
      }
      if (state == writing && r.holder_died(position)) {
        // Its producer died filling it: dropped, and everyone is told.
        state_of(h).store(abandoned);
        break_queue();
        continue;
      }
      if (state != writing) {
        // Not a state a record at head can have: the memory was overwritten.
        break_queue();
        unlock();
        throw serialization_error(
            "concur::process_queue: a corrupt record in the shared ring");
      }
      // Still being written by a live producer: wait for it.
    } else if (s.broken) {
      unlock();
      throw process_queue_broken(broken_get);
    } else if (s.closed) {
      unlock();
      return got::end;
    }
    if (deadline && clock::now() >= *deadline) {
      unlock();
      return got::timeout;
    }
    wait(s.items_sequence, seen, s.items_sleepers, deadline);
  }
  record_header &h = r.header(position);
  std::uint64_t size = h.size;
  if (size > s.ring_bytes - position % s.ring_bytes - sizeof(record_header)) {
    break_queue();
    unlock();
    throw serialization_error(
        "concur::process_queue: a corrupt record in the shared ring");
  }
  std::span<const std::byte> bytes(r.payload(position), std::size_t(size));
  std::uint64_t next = position + record_size(size);
  std::uint32_t lane = size >= copy_outside_lock_bytes || outside_lock
                           ? r.acquire_lane()
                           : no_lane;
  std::exception_ptr error;
  if (lane != no_lane) {
    // Claim it, read it without the lock, release it.
    h.lane = lane;
    state_of(h).store(reading, std::memory_order_relaxed);
    std::atomic_signal_fence(std::memory_order_seq_cst);
    s.head = next;
    --s.count;
    unlock();
    notify_room(); // a slot for max_items
    try {
      read(context, bytes);
    } catch (...) {
      error = std::current_exception();
    }
    state_of(h).store(done, std::memory_order_release);
    r.release_lane(lane);
  } else {
    std::uint64_t head = s.head;
    s.taking_from = head;
    s.taking = 1;
    std::atomic_signal_fence(std::memory_order_seq_cst);
    try {
      read(context, bytes);
    } catch (...) {
      error = std::current_exception();
    }
    std::atomic_signal_fence(std::memory_order_seq_cst); // read, then head
    state_of(h).store(done, std::memory_order_relaxed);
    s.head = next;
    --s.count;
    std::atomic_signal_fence(std::memory_order_seq_cst);
    s.taking = 0;
    if (s.free == head)
      s.free = next; // nothing older still being read
    unlock();
  }
  notify_room();
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
