// concur::shared_dict's shared memory: a header, then an open-addressing
// hash table (linear probing, at most half full) of fixed-size slots, each
// holding a serialised key and value.
//
// A slot is marked `writing` before its bytes change and `full` after, so a
// process that dies while holding the lock leaves at most one slot in
// `writing`: the next locker (told by the robust mutex) turns it into a
// tombstone and recounts. Only the entry being written is lost.
#include "robust_lock.hpp"

#include "concur/detail/size_check.hpp"
#include "concur/shared_dict.hpp"

#include <atomic>
#include <cstring>
#include <new>
#include <string>

namespace concur::detail::ipc {

namespace {
constexpr std::uint64_t dict_magic = 0x636f6e6375724431; // "concurD1"
constexpr const char *who = "concur::shared_dict";
enum : std::uint32_t { empty = 0, full = 1, tombstone = 2, writing = 3 };

std::uint64_t hash_of(std::span<const std::byte> key) noexcept {
  std::uint64_t hash = 0xcbf29ce484222325; // FNV-1a
  for (std::byte b : key)
    hash = (hash ^ std::uint64_t(b)) * 0x100000001b3;
  return hash ^ (hash >> 29);
}

// Keeps the compiler from moving the slot's bytes across its state change
// (the CPU cannot: a killed process's retired stores all land).
void ordered() noexcept { std::atomic_signal_fence(std::memory_order_seq_cst); }
} // namespace

struct dict_core::layout {
  std::uint64_t magic;
  std::uint64_t capacity;
  std::uint64_t slots; // a power of two
  std::uint64_t slot_bytes;
  std::uint64_t entry_bytes;
  pthread_mutex_t mutex;
  std::uint64_t count; // under the mutex
};

struct dict_core::slot {
  std::atomic<std::uint32_t> state;
  std::uint32_t key_size;
  std::uint32_t value_size;
  std::uint32_t unused;
  std::uint64_t hash;
  // then key_size + value_size bytes
  std::byte *data() noexcept {
    return reinterpret_cast<std::byte *>(this) + sizeof(slot);
  }
};

namespace {
constexpr std::size_t header_bytes =
    (sizeof(dict_core::layout) + 63) & ~std::size_t(63);
}

namespace {
// A power of two at least twice the capacity: probes stay short.
std::uint64_t slot_count(std::size_t capacity) {
  std::uint64_t slots = 1;
  while (slots < 2 * std::uint64_t(capacity))
    slots *= 2;
  return slots;
}

std::uint64_t slot_size(std::size_t max_entry_bytes) {
  return sizeof(dict_core::slot) +
         ((std::uint64_t(max_entry_bytes) + 7) & ~std::uint64_t(7));
}

// The table's memory: the header, then the slots. Checks the sizes.
std::size_t dict_bytes(std::size_t capacity, std::size_t max_entry_bytes) {
  check_size(who, "capacity", capacity, 1, std::size_t(1) << 26);
  check_size(who, "max_entry_bytes", max_entry_bytes, 8, std::size_t(1) << 20);
  std::uint64_t total =
      header_bytes + slot_count(capacity) * slot_size(max_entry_bytes);
  if (total > (std::uint64_t(1) << 40))
    throw std::invalid_argument(
        "concur::shared_dict: capacity " + std::to_string(capacity) +
        " with max_entry_bytes " + std::to_string(max_entry_bytes) + " needs " +
        std::to_string(total) +
        " bytes of shared memory, more than the limit of 1 TiB");
  return std::size_t(total);
}

constexpr const char *not_a_dict =
    "concur::shared_dict: the received descriptor is not a shared_dict";
} // namespace

dict_core::dict_core(std::size_t capacity, std::size_t max_entry_bytes)
    : region_(dict_bytes(capacity, max_entry_bytes), "concur-shared-dict",
              who) {
  layout &s = *new (region_.data()) layout();
  s.capacity = capacity;
  s.slots = slot_count(capacity);
  s.slot_bytes = slot_size(max_entry_bytes);
  s.entry_bytes = max_entry_bytes;
  init_robust_mutex(s.mutex, who);
  s.magic = dict_magic;
}

dict_core::dict_core(unique_fd descriptor)
    : region_(std::move(descriptor), who, header_bytes, not_a_dict) {
  layout &s = shared();
  if (s.magic != dict_magic || s.slots == 0 || (s.slots & (s.slots - 1)) ||
      s.slot_bytes < sizeof(slot) + s.entry_bytes ||
      header_bytes + s.slots * s.slot_bytes != region_.size())
    throw serialization_error(not_a_dict);
}

dict_core::layout &dict_core::shared() const noexcept {
  return *static_cast<layout *>(region_.data());
}

dict_core::slot &dict_core::slot_at(std::uint64_t index) const noexcept {
  return *reinterpret_cast<slot *>(static_cast<std::byte *>(region_.data()) +
                                   header_bytes + index * shared().slot_bytes);
}

void dict_core::lock() const {
  if (lock_robust_mutex(shared().mutex, who)) {
    repair();
    ::pthread_mutex_consistent(&shared().mutex);
  }
}

void dict_core::unlock() const noexcept {
  ::pthread_mutex_unlock(&shared().mutex);
}

void dict_core::repair() const noexcept {
  layout &s = shared();
  std::uint64_t count = 0;
  for (std::uint64_t i = 0; i < s.slots; ++i) {
    slot &entry = slot_at(i);
    std::uint32_t state = entry.state.load(std::memory_order_relaxed);
    if (state == writing)
      entry.state.store(tombstone, std::memory_order_relaxed);
    else if (state == full)
      ++count;
  }
  s.count = count;
}

// Holds the table's lock for a scope (repairing it first if its last holder
// died).
class dict_core::guard {
public:
  explicit guard(const dict_core &core) : core_(core) { core_.lock(); }
  ~guard() { core_.unlock(); }
  guard(const guard &) = delete;
  guard &operator=(const guard &) = delete;

private:
  const dict_core &core_;
};

std::optional<std::uint64_t> dict_core::find(bytes key, std::uint64_t hash,
                                             bool &found) const noexcept {
  layout &s = shared();
  std::uint64_t mask = s.slots - 1;
  std::optional<std::uint64_t> free;
  found = false;
  for (std::uint64_t i = 0; i < s.slots; ++i) {
    std::uint64_t index = (hash + i) & mask;
    slot &entry = slot_at(index);
    std::uint32_t state = entry.state.load(std::memory_order_relaxed);
    if (state == empty)
      return free ? free : index;
    if (state == full) {
      if (entry.hash == hash && entry.key_size == key.size() &&
          std::memcmp(entry.data(), key.data(), key.size()) == 0) {
        found = true;
        return index;
      }
    } else if (!free) {
      free = index; // a tombstone
    }
  }
  return free;
}

void dict_core::check_entry(bytes key, bytes value) const {
  std::uint64_t limit = shared().entry_bytes;
  if (key.size() + value.size() > limit)
    throw std::length_error(
        "concur::shared_dict: a key and value of " +
        std::to_string(key.size() + value.size()) +
        " serialised bytes exceed the dictionary's max_entry_bytes of " +
        std::to_string(limit) + "; create it with a larger max_entry_bytes");
}

// Under the lock: key absent or present, room checked.
void dict_core::store(bytes key, bytes value) {
  layout &s = shared();
  std::uint64_t hash = hash_of(key);
  bool found = false;
  std::optional<std::uint64_t> index = find(key, hash, found);
  if (!found && (s.count >= s.capacity || !index))
    throw shared_dict_full(
        "concur::shared_dict: full: it holds its capacity of " +
        std::to_string(s.capacity) +
        " entries; create it with a larger capacity, or erase entries");
  slot &entry = slot_at(*index);
  entry.state.store(writing, std::memory_order_relaxed);
  ordered();
  if (!found) {
    entry.hash = hash;
    entry.key_size = std::uint32_t(key.size());
    std::memcpy(entry.data(), key.data(), key.size());
  }
  entry.value_size = std::uint32_t(value.size());
  if (!value.empty())
    std::memcpy(entry.data() + key.size(), value.data(), value.size());
  ordered();
  entry.state.store(full, std::memory_order_relaxed);
  if (!found)
    ++s.count;
}

void dict_core::set(bytes key, bytes value) {
  check_entry(key, value);
  guard locked(*this);
  store(key, value);
}

void dict_core::update(bytes key, updater update, void *context) {
  guard locked(*this);
  bool found = false;
  std::optional<std::uint64_t> index = find(key, hash_of(key), found);
  std::vector<std::byte> value;
  if (found) {
    slot &entry = slot_at(*index);
    bytes old(entry.data() + entry.key_size, entry.value_size);
    value = update(context, &old);
  } else {
    value = update(context, nullptr);
  }
  check_entry(key, value);
  store(key, value);
}

bool dict_core::get(bytes key, reader read, void *context) const {
  guard locked(*this);
  bool found = false;
  std::optional<std::uint64_t> index = find(key, hash_of(key), found);
  if (!found)
    return false;
  slot &entry = slot_at(*index);
  read(context, bytes(entry.data() + entry.key_size, entry.value_size));
  return true;
}

bool dict_core::contains(bytes key) const {
  guard locked(*this);
  bool found = false;
  find(key, hash_of(key), found);
  return found;
}

bool dict_core::erase(bytes key) {
  guard locked(*this);
  bool found = false;
  std::optional<std::uint64_t> index = find(key, hash_of(key), found);
  if (!found)
    return false;
  slot_at(*index).state.store(tombstone, std::memory_order_relaxed);
  --shared().count;
  return true;
}

void dict_core::clear() {
  guard locked(*this);
  layout &s = shared();
  for (std::uint64_t i = 0; i < s.slots; ++i)
    slot_at(i).state.store(empty, std::memory_order_relaxed);
  s.count = 0;
}

std::size_t dict_core::size() const {
  guard locked(*this);
  return std::size_t(shared().count);
}

void dict_core::for_each(reader read, void *context) const {
  guard locked(*this);
  layout &s = shared();
  for (std::uint64_t i = 0; i < s.slots; ++i) {
    slot &entry = slot_at(i);
    if (entry.state.load(std::memory_order_relaxed) != full)
      continue;
    read(context, bytes(entry.data(), entry.key_size));
    read(context, bytes(entry.data() + entry.key_size, entry.value_size));
  }
}

std::size_t dict_core::capacity() const noexcept {
  return std::size_t(shared().capacity);
}
std::size_t dict_core::max_entry_bytes() const noexcept {
  return std::size_t(shared().entry_bytes);
}
int dict_core::descriptor() const noexcept { return region_.descriptor(); }

} // namespace concur::detail::ipc
