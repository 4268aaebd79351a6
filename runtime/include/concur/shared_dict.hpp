// concur::shared_dict<K, V>: a dictionary that the creating process and the
// processes it starts read and write (Python's
// multiprocessing.Manager().dict()).
//
//   void work(int n, concur::shared_dict<int, int> results) {
//     results.set(n, n * n);
//   }
//   ...
//   concur::shared_dict<int, int> results(100);   // room for 100 entries
//   concur::process p(work, 4, results);
//   p.start();
//   p.join();
//   std::optional<int> sixteen = results.get(4);
//
// It is a hash table in shared memory (a memfd) guarded by a process-shared
// robust mutex, not a manager process: a read or write is a lock and a copy
// (well under a microsecond) instead of a round trip through a socket to
// another process, and there is no extra process to start or to lose. The
// price is a size fixed at creation: `capacity` entries, each key and value
// serialised into at most `max_entry_bytes` bytes; set() of a new key when
// the dictionary holds `capacity` entries throws shared_dict_full.
//
// Keys are compared by their serialised bytes, so K must serialise equal
// keys to equal bytes (numbers, strings, tuples and vectors of them do;
// unordered containers do not). A copy of the dictionary, or one passed to
// a concur::process or a process_pool task, is a handle to the same table.
//
// A process that dies while holding the lock (killed in the middle of a
// set()) costs only the entry it was writing: the next process to lock the
// table removes that entry, and everything else stays.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "concur/detail/ipc_fd.hpp"
#include "concur/detail/shared_region.hpp"
#include "concur/serialize.hpp"

namespace concur {

/// set() of a new key on a shared_dict that holds `capacity` entries.
class shared_dict_full : public std::length_error {
public:
  using std::length_error::length_error;
};

namespace detail::ipc {

/// The untyped table: serialised keys and values in fixed-size slots.
class dict_core {
public:
  dict_core(std::size_t capacity, std::size_t max_entry_bytes);
  explicit dict_core(unique_fd descriptor);
  dict_core(const dict_core &) = delete;
  dict_core &operator=(const dict_core &) = delete;

  using bytes = std::span<const std::byte>;
  /// Called with a value's bytes, under the lock.
  using reader = void (*)(void *context, bytes value);
  /// Computes the new value's bytes from the old one (null if absent).
  using updater = std::vector<std::byte> (*)(void *context,
                                             const bytes *old_value);

  void set(bytes key, bytes value);
  /// False if absent; else calls read(context, value).
  bool get(bytes key, reader read, void *context) const;
  /// Replaces the key's value with update(context, old) atomically.
  void update(bytes key, updater update, void *context);
  bool erase(bytes key);
  bool contains(bytes key) const;
  void clear();
  std::size_t size() const;
  /// Calls read(context, key) then read(context, value) for each entry.
  void for_each(reader read, void *context) const;

  std::size_t capacity() const noexcept;
  std::size_t max_entry_bytes() const noexcept;
  int descriptor() const noexcept;

  struct layout;
  struct slot;

private:
  class guard;
  layout &shared() const noexcept;
  slot &slot_at(std::uint64_t index) const noexcept;
  void lock() const;
  void unlock() const noexcept;
  void repair() const noexcept;
  /// The key's slot, or the slot to insert it into (found = false), or
  /// none when the key is absent and the table has no free slot.
  std::optional<std::uint64_t> find(bytes key, std::uint64_t hash,
                                    bool &found) const noexcept;
  void store(bytes key, bytes value);
  void check_entry(bytes key, bytes value) const;

  shared_region region_;
};

inline std::vector<std::byte> serialize_inline(const auto &value,
                                               const char *what) {
  output_archive out(static_cast<std::size_t>(-1));
  out(value);
  if (!out.descriptors().empty())
    throw std::invalid_argument(
        std::string("concur::shared_dict: a ") + what +
        " holding a descriptor (a shared_buffer, a process_queue, a "
        "shared_dict) cannot be stored in a shared_dict");
  return std::move(out.bytes());
}

template <class T> T deserialize_inline(std::span<const std::byte> bytes) {
  T value{};
  std::span<unique_fd> no_descriptors;
  input_archive in(bytes, no_descriptors);
  in(value);
  in.finish();
  return value;
}

} // namespace detail::ipc

template <class K, class V> class shared_dict {
  static_assert(serializable<K> && std::is_default_constructible_v<K> &&
                    serializable<V> && std::is_default_constructible_v<V>,
                "concur::shared_dict<K, V>: K and V must be serialisable (see "
                "concur/serialize.hpp) and default-constructible");

public:
  using key_type = K;
  using mapped_type = V;
  static constexpr std::size_t default_max_entry_bytes = 256;
  /// The largest capacity and max_entry_bytes accepted.
  static constexpr std::size_t max_capacity = std::size_t(1) << 26;
  static constexpr std::size_t max_max_entry_bytes = std::size_t(1) << 20;

  /// Room for `capacity` entries whose key and value serialise into at most
  /// `max_entry_bytes` bytes together (a std::string takes its length + 17,
  /// a number its size). Allocates about 2 * capacity * (max_entry_bytes +
  /// 32) bytes of shared memory, touched only as it is used.
  /// std::invalid_argument unless 1 <= capacity <= max_capacity and 8 <=
  /// max_entry_bytes <= max_max_entry_bytes.
  explicit shared_dict(std::size_t capacity = 1024,
                       std::size_t max_entry_bytes = default_max_entry_bytes)
      : core_(std::make_shared<detail::ipc::dict_core>(capacity,
                                                       max_entry_bytes)) {}

  /// d[key] = value. Throws shared_dict_full when `key` is new and the
  /// dictionary is full, std::length_error when key and value exceed
  /// max_entry_bytes; the dictionary is then unchanged.
  void set(const K &key, const V &value) {
    core_->set(detail::ipc::serialize_inline(key, "key"),
               detail::ipc::serialize_inline(value, "value"));
  }
  /// The value of `key`, or nothing.
  std::optional<V> get(const K &key) const {
    std::optional<V> value;
    core_->get(detail::ipc::serialize_inline(key, "key"), &read_value, &value);
    return value;
  }
  /// The value of `key`; std::out_of_range if absent (Python's KeyError).
  V at(const K &key) const {
    if (std::optional<V> value = get(key))
      return std::move(*value);
    throw std::out_of_range("concur::shared_dict: no such key");
  }
  /// Sets `key` to f(current value or nothing) in one step: no other
  /// process writes the dictionary in between (`counts[word] += 1` that
  /// cannot lose an update). f runs under the dictionary's lock; keep it
  /// short. Returns the new value; if f throws, nothing changes.
  template <class F> V update(const K &key, F &&f) {
    struct context {
      F *f;
      V result;
    } state{&f, V{}};
    core_->update(
        detail::ipc::serialize_inline(key, "key"),
        [](void *raw, const detail::ipc::dict_core::bytes *old) {
          auto &self = *static_cast<context *>(raw);
          std::optional<V> current;
          if (old)
            current = detail::ipc::deserialize_inline<V>(*old);
          self.result = std::invoke(*self.f, std::move(current));
          return detail::ipc::serialize_inline(self.result, "value");
        },
        &state);
    return state.result;
  }
  bool contains(const K &key) const {
    return core_->contains(detail::ipc::serialize_inline(key, "key"));
  }
  /// Removes `key`; false if it was absent.
  bool erase(const K &key) {
    return core_->erase(detail::ipc::serialize_inline(key, "key"));
  }
  void clear() { core_->clear(); }
  /// Entries now (a snapshot: other processes may change it).
  std::size_t size() const { return core_->size(); }
  bool empty() const { return size() == 0; }
  std::size_t capacity() const noexcept { return core_->capacity(); }
  std::size_t max_entry_bytes() const noexcept {
    return core_->max_entry_bytes();
  }

  /// A copy of every entry, taken under the lock (Python's dict(d)); in no
  /// particular order.
  std::vector<std::pair<K, V>> items() const {
    struct context {
      std::vector<std::pair<K, V>> items;
      bool key_next = true;
    } state;
    core_->for_each(
        [](void *raw, detail::ipc::dict_core::bytes bytes) {
          auto &self = *static_cast<context *>(raw);
          if (self.key_next)
            self.items.emplace_back(detail::ipc::deserialize_inline<K>(bytes),
                                    V{});
          else
            self.items.back().second =
                detail::ipc::deserialize_inline<V>(bytes);
          self.key_next = !self.key_next;
        },
        &state);
    return std::move(state.items);
  }

private:
  static void read_value(void *context, detail::ipc::dict_core::bytes bytes) {
    *static_cast<std::optional<V> *>(context) =
        detail::ipc::deserialize_inline<V>(bytes);
  }

  friend struct detail::codec<shared_dict<K, V>>;
  explicit shared_dict(std::shared_ptr<detail::ipc::dict_core> core)
      : core_(std::move(core)) {}

  std::shared_ptr<detail::ipc::dict_core> core_;
};

namespace detail {
template <class K, class V> struct codec<shared_dict<K, V>> {
  static constexpr bool raw = false, supported = true;
  static void save(output_archive &archive, const shared_dict<K, V> &dict) {
    archive.write_value(
        archive.attach(ipc::duplicate(dict.core_->descriptor())));
  }
  static void load(input_archive &archive, shared_dict<K, V> &dict) {
    dict = shared_dict<K, V>(std::make_shared<ipc::dict_core>(
        archive.take(archive.read_value<std::uint32_t>())));
  }
};
} // namespace detail

} // namespace concur
