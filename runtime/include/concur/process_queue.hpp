// concur::process_queue<T>: a bounded multi-producer, multi-consumer queue
// between processes (Python's multiprocessing.Queue). It lives in shared
// memory (a memfd): a ring of serialised values guarded by a process-shared
// robust mutex, with futex wake-ups. A copy of the queue, or a queue passed
// to a concur::process or a process_pool task, is a handle to the same
// queue.
//
//   void producer(concur::process_queue<int> queue) {
//     for (int i = 0; i < 5; ++i)
//       queue.put(i);
//   }
//   ...
//   concur::process_queue<int> queue;
//   concur::process p(producer, queue);
//   p.start();
//   p.join();
//   queue.close();                               // the end-of-queue sentinel
//   while (std::optional<int> item = queue.get())  // nullopt: closed, drained
//     std::printf("Got: %d\n", *item);
//
// Values are serialised with concur/serialize.hpp straight into the ring,
// so T is anything a process_pool task accepts as an argument, except
// shared_buffer (a descriptor cannot live in shared memory). Large values
// (8 KiB and more) are copied in and out without the queue's lock, so a
// producer's copy and a consumer's copy run at once; put_in_place() and
// get_in_place() write and read a string's characters (a byte vector's
// bytes) in the queue's memory with no copy at all.
//
// A process that dies in the middle of a put or a get (holding the queue's
// lock, or a record it was copying a large value into or out of) breaks the
// queue: every process using it then gets process_queue_broken from put()
// at once, and from get() once the values that were completely put have
// been taken, instead of waiting forever. A value that a consumer was
// taking when it died is lost with it; a value that a producer was putting
// was never in the queue. A process that dies between operations leaves the
// queue intact.
#pragma once

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "concur/detail/ipc_fd.hpp"
#include "concur/detail/shared_region.hpp"
#include "concur/serialize.hpp"

namespace concur {

/// put() on a closed process_queue.
class process_queue_closed : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A process died while holding the queue's lock; the queue is unusable.
class process_queue_broken : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// put_for() or get_for() gave up after its timeout (Python's queue.Full and
/// queue.Empty).
class process_queue_timeout : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

namespace detail::ipc {

/// The untyped queue: serialised values in a ring in shared memory.
class queue_core {
public:
  using clock = std::chrono::steady_clock;
  /// A new queue.
  queue_core(std::size_t max_items, std::size_t buffer_bytes);
  /// Maps a queue received from another process (checks its header).
  explicit queue_core(unique_fd descriptor);
  queue_core(const queue_core &) = delete;
  queue_core &operator=(const queue_core &) = delete;

  /// Values of at least this many serialised bytes are copied in and out
  /// without holding the queue's lock.
  static constexpr std::size_t copy_outside_lock_bytes = 8192;

  /// Copies `item` in under the lock; false if `deadline` passed first.
  /// Throws process_queue_closed, process_queue_broken, std::length_error.
  bool put(std::span<const std::byte> item,
           std::optional<clock::time_point> deadline);

  using writer = void (*)(void *context, std::span<std::byte> destination);
  /// Reserves `size` bytes, then calls `write(context, destination)` to fill
  /// them without the lock, then publishes the value. If `write` throws, the
  /// value is dropped and the exception propagates. Otherwise as put().
  bool put_with(std::size_t size, writer write, void *context,
                std::optional<clock::time_point> deadline);

  enum class got { item, end, timeout };
  /// Calls `read(context, bytes)` on the next item, then removes it (also
  /// when `read` throws); under the lock for small items, without it for
  /// large ones (and for all if `outside_lock`, while copy lanes last).
  /// got::end once closed and drained.
  got get(void (*read)(void *context, std::span<const std::byte> bytes),
          void *context, std::optional<clock::time_point> deadline,
          bool outside_lock = false);

  void close();
  bool closed() const;
  std::size_t size() const;
  std::size_t max_items() const noexcept;
  std::size_t buffer_bytes() const noexcept;
  int descriptor() const noexcept;

  struct layout;

private:
  layout &shared() const noexcept;
  bool lock() const;
  void unlock() const noexcept;
  void repair() const noexcept;
  void break_queue() const noexcept;
  void check_fits(std::size_t bytes) const;
  bool lock_with_room(std::uint64_t needed,
                      std::optional<clock::time_point> deadline);
  void append(std::uint64_t position, std::uint64_t needed);
  void notify_items() const noexcept;
  void notify_room() const noexcept;
  void wait(std::atomic<std::uint32_t> &sequence, std::uint32_t seen,
            std::atomic<std::uint32_t> &sleepers,
            std::optional<clock::time_point> deadline) const;

  shared_region region_;
};

template <class T> struct queue_reader {
  std::optional<T> *value;
  static void read(void *context, std::span<const std::byte> bytes) {
    auto &self = *static_cast<queue_reader *>(context);
    T value{};
    std::span<unique_fd> no_descriptors;
    input_archive in(bytes, no_descriptors);
    in(value);
    in.finish();
    self.value->emplace(std::move(value));
  }
};

/// The serialised size of a queue item; descriptors cannot be stored in
/// the ring.
template <class T> std::size_t measure_item(const T &value) {
  output_archive counter(output_archive::measure);
  counter(value);
  if (!counter.descriptors().empty())
    throw std::invalid_argument(
        "concur::process_queue: a value holding a descriptor (a "
        "shared_buffer, a process_queue, a shared_dict) cannot be put on a "
        "process_queue; pass it to the process as an argument instead");
  return counter.written();
}

/// Serialises a small queue item (measured first) into a reused buffer.
template <class T>
const std::vector<std::byte> &serialize_item(const T &value) {
  thread_local output_archive scratch(static_cast<std::size_t>(-1));
  scratch.bytes().clear();
  scratch(value);
  return scratch.bytes();
}

/// Serialises a large queue item straight into its record in the ring.
template <class T> struct queue_writer {
  const T *value;
  static void write(void *context, std::span<std::byte> destination) {
    output_archive out(destination);
    out(*static_cast<queue_writer *>(context)->value);
    if (out.written() != destination.size())
      throw serialization_error(
          "concur::process_queue: a value wrote fewer bytes than were "
          "measured for it (its serialize() is not deterministic)");
  }
};

/// Element types a value can be written and read in place as: the
/// characters of a std::string, the bytes of a std::vector<std::byte>.
template <class T> struct in_place_element {};
template <> struct in_place_element<std::string> {
  using type = char;
};
template <class E, class A>
  requires(sizeof(E) == 1 && std::is_trivially_copyable_v<E>)
struct in_place_element<std::vector<E, A>> {
  using type = E;
};
template <class T>
concept in_place_value = requires { typename in_place_element<T>::type; };

/// Writes the serialised form of a `count`-element T, its elements filled
/// in place by `fill`.
template <class Element, class Fill> struct in_place_writer {
  std::size_t count;
  Fill *fill;
  static std::size_t measure(std::size_t count) {
    output_archive counter(output_archive::measure);
    save_size(counter, count);
    (void)counter.write_block_in_place(count);
    return counter.written();
  }
  static void write(void *context, std::span<std::byte> destination) {
    auto &self = *static_cast<in_place_writer *>(context);
    output_archive out(destination);
    save_size(out, self.count);
    std::span<std::byte> bytes = out.write_block_in_place(self.count);
    (*self.fill)(std::span<Element>(reinterpret_cast<Element *>(bytes.data()),
                                    self.count));
  }
};

/// Hands the elements of a serialised T, in place, to `read`.
template <class Element, class Read> struct in_place_reader {
  Read *read;
  static void call(void *context, std::span<const std::byte> bytes) {
    std::span<unique_fd> no_descriptors;
    input_archive in(bytes, no_descriptors);
    std::size_t count = load_size(in);
    input_archive::block where = in.begin_block();
    if (where.size != count)
      throw serialization_error(
          "concur::process_queue: a value that is not a contiguous block");
    const std::byte *data = in.read_inline(where);
    in.finish();
    (*static_cast<in_place_reader *>(context)->read)(std::span<const Element>(
        reinterpret_cast<const Element *>(data), count));
  }
};

} // namespace detail::ipc

template <class T> class process_queue {
  static_assert(serializable<T> && std::is_default_constructible_v<T>,
                "concur::process_queue<T>: T must be serialisable (see "
                "concur/serialize.hpp) and default-constructible");

public:
  using value_type = T;
  /// Byte size of the default ring.
  static constexpr std::size_t default_buffer_bytes = std::size_t(4) << 20;
  /// The largest max_items and buffer_bytes accepted.
  static constexpr std::size_t max_max_items = std::size_t(1) << 30;
  static constexpr std::size_t max_buffer_bytes = std::size_t(1) << 36;

  /// A queue holding at most `max_items` values and `buffer_bytes` bytes of
  /// serialised values (each takes its size rounded up to 8, plus 16).
  /// std::invalid_argument unless 1 <= max_items <= max_max_items and
  /// 64 <= buffer_bytes <= max_buffer_bytes.
  explicit process_queue(std::size_t max_items = 1024,
                         std::size_t buffer_bytes = default_buffer_bytes)
      : core_(std::make_shared<detail::ipc::queue_core>(max_items,
                                                        buffer_bytes)) {}

  /// Blocks while the queue is full. Throws process_queue_closed after
  /// close(), process_queue_broken, and std::length_error for a value
  /// whose serialised form exceeds the ring.
  void put(const T &value) { (void)put_until(value, std::nullopt); }
  /// Like put(), throwing process_queue_timeout if the queue stays full for
  /// `timeout`.
  template <class Rep, class Period>
  void put_for(const T &value,
               const std::chrono::duration<Rep, Period> &timeout) {
    if (!put_until(value, deadline(timeout)))
      throw process_queue_timeout(
          "concur::process_queue: still full after the put's timeout");
  }

  /// The next value; blocks while the queue is empty and open. Nothing once
  /// the queue is closed and drained (the end-of-queue sentinel). Throws
  /// process_queue_broken, or serialization_error for a value that does not
  /// decode as a T (it is removed).
  std::optional<T> get() { return get_until(std::nullopt); }
  /// Like get(), throwing process_queue_timeout if nothing arrives within
  /// `timeout`.
  template <class Rep, class Period>
  std::optional<T> get_for(const std::chrono::duration<Rep, Period> &timeout) {
    return get_until(deadline(timeout));
  }

  /// Puts a value of `count` elements (a std::string of `count`
  /// characters, a std::vector<std::byte> of `count` bytes) whose elements
  /// `fill(std::span<element>)` writes straight into the queue's shared
  /// memory, with no copy and without the queue's lock; get() and
  /// get_in_place() read it like any other value. `fill` must write every
  /// element and must not use the queue. If it throws, nothing is put and
  /// the exception propagates. Otherwise as put().
  template <class Fill>
    requires detail::ipc::in_place_value<T> &&
             std::invocable<
                 Fill &,
                 std::span<typename detail::ipc::in_place_element<T>::type>>
  void put_in_place(std::size_t count, Fill fill) {
    using element = typename detail::ipc::in_place_element<T>::type;
    using writer = detail::ipc::in_place_writer<element, Fill>;
    writer context{count, &fill};
    (void)core_->put_with(writer::measure(count), &writer::write, &context,
                          std::nullopt);
  }

  /// Takes the next value and calls `read(std::span<const element>)` on its
  /// elements where they lie in the queue's shared memory (no copy, and
  /// without the queue's lock while copy lanes last); the value is removed
  /// when `read` returns or throws. The span is valid only during the
  /// call; `read` must not use the queue. False once the queue is closed
  /// and drained. Throws as get().
  template <class Read>
    requires detail::ipc::in_place_value<T> &&
             std::invocable<Read &, std::span<const typename detail::ipc::
                                                  in_place_element<T>::type>>
  bool get_in_place(Read read) {
    using element = typename detail::ipc::in_place_element<T>::type;
    using reader = detail::ipc::in_place_reader<element, Read>;
    reader context{&read};
    return core_->get(&reader::call, &context, std::nullopt, true) ==
           detail::ipc::queue_core::got::item;
  }

  /// No more puts (they throw process_queue_closed); get() returns the
  /// values already queued, then nothing. Wakes every blocked process.
  /// Idempotent.
  void close() { core_->close(); }
  bool closed() const { return core_->closed(); }
  /// Values queued now (a snapshot: other processes may change it).
  std::size_t size() const { return core_->size(); }
  bool empty() const { return size() == 0; }
  std::size_t max_items() const noexcept { return core_->max_items(); }
  std::size_t buffer_bytes() const noexcept { return core_->buffer_bytes(); }

private:
  template <class Rep, class Period>
  static detail::ipc::queue_core::clock::time_point
  deadline(const std::chrono::duration<Rep, Period> &timeout) {
    auto now = detail::ipc::queue_core::clock::now();
    auto limit = std::chrono::hours(24 * 365);
    return now + (timeout > limit
                      ? std::chrono::nanoseconds(limit)
                      : std::chrono::ceil<std::chrono::nanoseconds>(timeout));
  }

  bool
  put_until(const T &value,
            std::optional<detail::ipc::queue_core::clock::time_point> until) {
    std::size_t size = detail::ipc::measure_item(value);
    if (size < detail::ipc::queue_core::copy_outside_lock_bytes)
      return core_->put(detail::ipc::serialize_item(value), until);
    // Large: serialised straight into the ring, without the lock.
    detail::ipc::queue_writer<T> writer{&value};
    return core_->put_with(size, &detail::ipc::queue_writer<T>::write, &writer,
                           until);
  }

  std::optional<T>
  get_until(std::optional<detail::ipc::queue_core::clock::time_point> until) {
    std::optional<T> value;
    detail::ipc::queue_reader<T> reader{&value};
    switch (core_->get(&detail::ipc::queue_reader<T>::read, &reader, until)) {
    case detail::ipc::queue_core::got::item:
      return value;
    case detail::ipc::queue_core::got::end:
      return std::nullopt;
    case detail::ipc::queue_core::got::timeout:
      break;
    }
    throw process_queue_timeout(
        "concur::process_queue: nothing arrived within the get's timeout");
  }

  friend struct detail::codec<process_queue<T>>;
  process_queue(std::shared_ptr<detail::ipc::queue_core> core)
      : core_(std::move(core)) {}

  std::shared_ptr<detail::ipc::queue_core> core_;
};

namespace detail {
template <class T> struct codec<process_queue<T>> {
  static constexpr bool raw = false, supported = true;
  static void save(output_archive &archive, const process_queue<T> &queue) {
    archive.write_value(
        archive.attach(ipc::duplicate(queue.core_->descriptor())));
  }
  static void load(input_archive &archive, process_queue<T> &queue) {
    queue = process_queue<T>(std::make_shared<ipc::queue_core>(
        archive.take(archive.read_value<std::uint32_t>())));
  }
};
} // namespace detail

} // namespace concur
