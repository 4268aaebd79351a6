// Serialisation for concur::process_pool: how arguments and results cross
// the process boundary (the `multiprocessing` row: "arguments and results
// serialised over pipes, shared memory for large buffers").
//
// Supported out of the box: trivially copyable types (arithmetic, enums,
// plain structs, std::array of them, function pointers), std::string,
// std::vector, std::array, std::pair, std::tuple, std::optional,
// std::variant, std::map/multimap/unordered_map/unordered_multimap,
// std::set/multiset/unordered_set, std::list, std::deque, and
// concur::shared_buffer (shared_buffer.hpp). Object pointers, std::span,
// std::string_view and std::reference_wrapper are refused at compile time:
// they point into the sender's memory.
//
// The one customisation point for your own types is a `serialize` function
// template, as a member or as a free function found by argument-dependent
// lookup, that lists the members; the same function saves and loads:
//
//   struct point {
//     double x, y;
//     std::string label;
//     template <class Archive> void serialize(Archive &archive) { archive(x, y,
//     label); }
//   };
//
// This is the shape cereal uses, so a type already written for cereal's
// `archive(members...)` works unchanged. concur does not use cereal itself:
// its archives write through std::ostream (a virtual call per field) and
// offer no hook to divert a large contiguous block into shared memory, which
// is the point of the threshold below; and the runtime's headers stay free
// of third-party dependencies.
//
// Contiguous blocks (the characters of a string, the elements of a vector of
// trivially copyable values) of at least `shared_memory_threshold` bytes
// travel in a memfd (memfd_create) whose descriptor is passed over the
// socket; smaller ones are copied inline into the message.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include "concur/detail/ipc_fd.hpp"

namespace concur {

/// A message could not be decoded: truncated, corrupt, or of another type
/// than the reader expected.
class serialization_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Blocks of this many bytes or more go through shared memory by default.
inline constexpr std::size_t default_shared_memory_threshold = std::size_t(1)
                                                               << 20;

namespace detail {
template <class T> struct codec;
} // namespace detail

/// True if values of T can be sent to and from a worker process.
template <class T>
concept serializable = detail::codec<std::remove_cvref_t<T>>::supported;

/// Where an output_archive gets the memfds for its large blocks. A process
/// pool keeps the memfds of finished tasks as spares: overwriting pages that
/// exist costs a plain memcpy, allocating new ones costs a page fault and a
/// zeroed page each.
class block_allocator {
public:
  virtual ~block_allocator() = default;
  /// A memfd of any size whose content may be overwritten; it should hold
  /// at least `size` bytes without growing.
  virtual detail::ipc::unique_fd acquire(std::size_t size) = 0;
};

/// Writes values into a byte buffer plus a list of descriptors (shared
/// memory blocks) that travel with it.
class output_archive {
public:
  explicit output_archive(
      std::size_t shared_memory_threshold = default_shared_memory_threshold,
      block_allocator *blocks = nullptr)
      : threshold_(shared_memory_threshold), blocks_(blocks) {}

  template <class... T> output_archive &operator()(const T &...values) {
    (detail::codec<T>::save(*this, values), ...);
    return *this;
  }

  void write_bytes(const void *data, std::size_t size) {
    if (direct_) [[unlikely]] {
      if (destination_.empty())
        written_ += size; // measuring
      else
        write_direct(data, size);
      return;
    }
    const auto *begin = static_cast<const std::byte *>(data);
    bytes_.insert(bytes_.end(), begin, begin + size);
  }
  template <class T> void write_value(const T &value) {
    static_assert(std::is_trivially_copyable_v<T>);
    write_bytes(&value, sizeof value);
  }
  /// A contiguous block: inline below the threshold, else in a new memfd.
  void write_block(const void *data, std::size_t size);
  /// Attaches a descriptor to travel with the message; returns its index.
  std::uint32_t attach(detail::ipc::unique_fd descriptor);

  std::vector<std::byte> &bytes() noexcept { return bytes_; }
  std::vector<detail::ipc::unique_fd> &descriptors() noexcept {
    return descriptors_;
  }
  std::size_t shared_memory_threshold() const noexcept { return threshold_; }
  /// Indices into descriptors() of the blocks written by write_block (not
  /// shared_buffers): those may be reused once the receiver has read them.
  const std::vector<std::uint32_t> &block_descriptors() const noexcept {
    return blocks_written_;
  }

  /// An archive that only counts the bytes it would write (written()).
  struct measure_t {};
  static constexpr measure_t measure{};
  explicit output_archive(measure_t) noexcept
      : threshold_(static_cast<std::size_t>(-1)), blocks_(nullptr),
        direct_(true) {}
  /// An archive that writes straight into `destination` instead of bytes()
  /// (its size measured first, see measure); serialization_error when the
  /// values would overflow it. Blocks are always inline.
  explicit output_archive(std::span<std::byte> destination) noexcept
      : threshold_(static_cast<std::size_t>(-1)), blocks_(nullptr),
        direct_(true), destination_(destination) {}
  /// An inline block of `size` bytes whose bytes the caller writes in place
  /// (a direct archive only): writes the block's header and returns where
  /// its bytes go (nothing when measuring). Reads back as write_block's.
  std::span<std::byte> write_block_in_place(std::size_t size);
  /// Bytes written (or counted) by a measuring or direct archive.
  std::size_t written() const noexcept { return written_; }

private:
  void write_direct(const void *data, std::size_t size);

  std::vector<std::byte> bytes_;
  std::vector<detail::ipc::unique_fd> descriptors_;
  std::vector<std::uint32_t> blocks_written_;
  std::size_t threshold_;
  block_allocator *blocks_;
  bool direct_ = false;
  std::span<std::byte> destination_; // empty with direct_: only counting
  std::size_t written_ = 0;
};

/// Reads values written by output_archive, in the same order.
class input_archive {
public:
  input_archive(std::span<const std::byte> bytes,
                std::span<detail::ipc::unique_fd> descriptors) noexcept
      : bytes_(bytes), descriptors_(descriptors) {}

  template <class... T> input_archive &operator()(T &...values) {
    (detail::codec<T>::load(*this, values), ...);
    return *this;
  }

  void read_bytes(void *out, std::size_t size);
  template <class T> T read_value() {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    read_bytes(&value, sizeof value);
    return value;
  }

  /// Where a block written by write_block lives.
  struct block {
    bool shared = false;
    std::uint64_t size = 0;
    std::uint32_t descriptor = 0;
  };
  /// Reads a block's header and checks that `size` bytes are there.
  block begin_block();
  /// Copies the block's bytes to `out` (block.size bytes).
  void read_block(const block &where, void *out);
  /// The bytes of an inline block (where.shared must be false), read in
  /// place: the archive moves past them.
  const std::byte *read_inline(const block &where) noexcept {
    const std::byte *data = bytes_.data() + offset_;
    offset_ += std::size_t(where.size); // checked by begin_block
    return data;
  }

  /// A shared block mapped read-only (page-aligned), unmapped on destruction.
  class mapped_block {
  public:
    mapped_block(const void *data, std::size_t size) noexcept
        : data_(data), size_(size) {}
    mapped_block(const mapped_block &) = delete;
    mapped_block &operator=(const mapped_block &) = delete;
    ~mapped_block();
    const void *data() const noexcept { return data_; }

  private:
    const void *data_;
    std::size_t size_;
  };
  /// Maps a shared block (where.shared must be true) and takes its descriptor.
  mapped_block map_block(const block &where);
  /// Asks for transparent huge pages behind fresh, not yet touched storage
  /// of `size` bytes that a block is about to be copied into: filling
  /// 64 MiB of new 4 KiB pages costs more page faults than the copy itself.
  static void prefer_huge_pages(void *data, std::size_t size) noexcept;

  /// Takes ownership of an attached descriptor (each can be taken once).
  detail::ipc::unique_fd take(std::uint32_t index);
  std::size_t remaining() const noexcept { return bytes_.size() - offset_; }
  /// Throws serialization_error unless every byte was read.
  void finish() const;

private:
  std::span<const std::byte> bytes_;
  std::span<detail::ipc::unique_fd> descriptors_;
  std::size_t offset_ = 0;
};

namespace detail {

template <class T> inline constexpr bool always_false = false;

template <class T, class A>
concept member_serializable =
    requires(T &value, A &archive) { value.serialize(archive); };
template <class T, class A>
concept free_serializable =
    requires(T &value, A &archive) { serialize(archive, value); };

template <class T> inline constexpr bool points_elsewhere = false;
template <class T>
inline constexpr bool points_elsewhere<T *> = !std::is_function_v<T>;
template <class C, class Tr>
inline constexpr bool points_elsewhere<std::basic_string_view<C, Tr>> = true;
template <class T, std::size_t N>
inline constexpr bool points_elsewhere<std::span<T, N>> = true;
template <class T>
inline constexpr bool points_elsewhere<std::reference_wrapper<T>> = true;

// Values whose bytes are the value: copied with memcpy.
template <class T>
concept bytewise = std::is_trivially_copyable_v<T> && !points_elsewhere<T>;

template <class T> struct codec {
  static constexpr bool custom = member_serializable<T, output_archive> ||
                                 free_serializable<T, output_archive>;
  /// True when a T is sent as its raw bytes (so a vector of T is one block).
  static constexpr bool raw = !custom && bytewise<T>;
  static constexpr bool supported = custom || raw;

  static void save(output_archive &archive, const T &value) {
    auto &mutable_value = const_cast<T &>(value); // serialize() saves and loads
    if constexpr (member_serializable<T, output_archive>)
      mutable_value.serialize(archive);
    else if constexpr (free_serializable<T, output_archive>)
      serialize(archive, mutable_value);
    else if constexpr (raw)
      archive.write_value(value);
    else
      static_assert(
          always_false<T>,
          "concur: this type cannot cross a process boundary; give it a "
          "`template <class Archive> void serialize(Archive &)` member that "
          "lists its fields (pointers, spans and string_views are refused)");
  }
  static void load(input_archive &archive, T &value) {
    if constexpr (member_serializable<T, input_archive>)
      value.serialize(archive);
    else if constexpr (free_serializable<T, input_archive>)
      serialize(archive, value);
    else if constexpr (raw)
      archive.read_bytes(&value, sizeof value);
    else
      static_assert(always_false<T>,
                    "concur: this type cannot cross a process boundary");
  }
};

inline void save_size(output_archive &archive, std::size_t size) {
  archive.write_value(std::uint64_t(size));
}
inline std::size_t load_size(input_archive &archive) {
  return std::size_t(archive.read_value<std::uint64_t>());
}
// Reserve no more than the message could hold, so a corrupt count cannot
// make us allocate terabytes before the read fails.
inline std::size_t plausible(input_archive &archive, std::size_t count) {
  return count < archive.remaining() ? count : archive.remaining();
}

// Contiguous storage of raw elements: one block (shared memory when large).
template <class Container>
void save_contiguous(output_archive &archive, const Container &c) {
  save_size(archive, c.size());
  archive.write_block(c.data(),
                      c.size() * sizeof(typename Container::value_type));
}
template <class Container>
void load_contiguous(input_archive &archive, Container &c) {
  using value_type = typename Container::value_type;
  std::size_t count = load_size(archive);
  auto where = archive.begin_block();
  if (count > SIZE_MAX / sizeof(value_type) ||
      where.size != count * sizeof(value_type))
    throw serialization_error(
        "concur: a contiguous block's size does not match its element count");
  if (where.shared && count > 0) {
    // Copy straight from the mapping into fresh storage: one pass, where
    // resize() + read would first zero the storage.
    auto mapping = archive.map_block(where);
    const auto *first = static_cast<const value_type *>(mapping.data());
    c.clear();
    c.reserve(count);
    input_archive::prefer_huge_pages(c.data(), count * sizeof(value_type));
    c.assign(first, first + count);
  } else if (const std::byte *bytes = archive.read_inline(where);
             reinterpret_cast<std::uintptr_t>(bytes) % alignof(value_type) ==
             0) {
    // Straight from the message into the container: resize() would first
    // zero-fill it.
    const auto *first = reinterpret_cast<const value_type *>(bytes);
    c.assign(first, first + count);
  } else {
    c.resize(count);
    if (count > 0)
      std::memcpy(static_cast<void *>(c.data()), bytes,
                  count * sizeof(value_type));
  }
}

template <class Container>
void save_sequence(output_archive &archive, const Container &c) {
  save_size(archive, c.size());
  for (const auto &element : c)
    codec<std::remove_cvref_t<decltype(element)>>::save(archive, element);
}

template <class C, class Tr, class A>
struct codec<std::basic_string<C, Tr, A>> {
  static constexpr bool raw = false, supported = codec<C>::raw;
  static void save(output_archive &archive,
                   const std::basic_string<C, Tr, A> &s) {
    save_contiguous(archive, s);
  }
  static void load(input_archive &archive, std::basic_string<C, Tr, A> &s) {
    load_contiguous(archive, s);
  }
};

template <class T, class A> struct codec<std::vector<T, A>> {
  static constexpr bool raw = false, supported = codec<T>::supported;
  static void save(output_archive &archive, const std::vector<T, A> &v) {
    if constexpr (codec<T>::raw && !std::is_same_v<T, bool>)
      save_contiguous(archive, v);
    else
      save_sequence(archive, v);
  }
  static void load(input_archive &archive, std::vector<T, A> &v) {
    if constexpr (codec<T>::raw && !std::is_same_v<T, bool>) {
      load_contiguous(archive, v);
    } else {
      std::size_t count = load_size(archive);
      v.clear();
      v.reserve(plausible(archive, count));
      for (std::size_t i = 0; i < count; ++i) {
        T element{};
        codec<T>::load(archive, element);
        v.push_back(std::move(element));
      }
    }
  }
};

template <class T, std::size_t N> struct codec<std::array<T, N>> {
  static constexpr bool raw = codec<T>::raw, supported = codec<T>::supported;
  static void save(output_archive &archive, const std::array<T, N> &a) {
    for (const T &element : a)
      codec<T>::save(archive, element);
  }
  static void load(input_archive &archive, std::array<T, N> &a) {
    for (T &element : a)
      codec<T>::load(archive, element);
  }
};

template <class A, class B> struct codec<std::pair<A, B>> {
  static constexpr bool raw = false;
  static constexpr bool supported =
      codec<std::remove_const_t<A>>::supported && codec<B>::supported;
  static void save(output_archive &archive, const std::pair<A, B> &p) {
    codec<std::remove_const_t<A>>::save(archive, p.first);
    codec<B>::save(archive, p.second);
  }
  static void load(input_archive &archive, std::pair<A, B> &p) {
    codec<std::remove_const_t<A>>::load(
        archive, const_cast<std::remove_const_t<A> &>(p.first));
    codec<B>::load(archive, p.second);
  }
};

template <class... T> struct codec<std::tuple<T...>> {
  static constexpr bool raw = false, supported = (codec<T>::supported && ...);
  static void save(output_archive &archive, const std::tuple<T...> &t) {
    std::apply(
        [&](const T &...elements) { (codec<T>::save(archive, elements), ...); },
        t);
  }
  static void load(input_archive &archive, std::tuple<T...> &t) {
    std::apply(
        [&](T &...elements) { (codec<T>::load(archive, elements), ...); }, t);
  }
};

template <class T> struct codec<std::optional<T>> {
  static constexpr bool raw = false, supported = codec<T>::supported;
  static void save(output_archive &archive, const std::optional<T> &o) {
    archive.write_value(std::uint8_t(o.has_value()));
    if (o)
      codec<T>::save(archive, *o);
  }
  static void load(input_archive &archive, std::optional<T> &o) {
    auto present = archive.read_value<std::uint8_t>();
    if (present > 1)
      throw serialization_error("concur: corrupt optional");
    if (!present) {
      o.reset();
      return;
    }
    if (!o)
      o.emplace();
    codec<T>::load(archive, *o);
  }
};

template <class... T> struct codec<std::variant<T...>> {
  static constexpr bool raw = false, supported = (codec<T>::supported && ...);
  static void save(output_archive &archive, const std::variant<T...> &v) {
    if (v.valueless_by_exception())
      throw serialization_error("concur: cannot send a valueless variant");
    archive.write_value(std::uint32_t(v.index()));
    std::visit(
        [&](const auto &value) {
          codec<std::remove_cvref_t<decltype(value)>>::save(archive, value);
        },
        v);
  }
  static void load(input_archive &archive, std::variant<T...> &v) {
    auto index = archive.read_value<std::uint32_t>();
    if (index >= sizeof...(T))
      throw serialization_error("concur: corrupt variant index");
    load_alternative(archive, v, index, std::index_sequence_for<T...>{});
  }

private:
  template <std::size_t... I>
  static void load_alternative(input_archive &archive, std::variant<T...> &v,
                               std::size_t index, std::index_sequence<I...>) {
    ((I == index ? (void)load_as<I>(archive, v) : void()), ...);
  }
  template <std::size_t I>
  static void load_as(input_archive &archive, std::variant<T...> &v) {
    auto &value = v.template emplace<I>();
    codec<std::variant_alternative_t<I, std::variant<T...>>>::load(archive,
                                                                   value);
  }
};

// Associative and node-based containers: a count, then each element.
template <class Container, class Element> struct sequence_codec {
  static constexpr bool raw = false, supported = codec<Element>::supported;
  static void save(output_archive &archive, const Container &c) {
    save_sequence(archive, c);
  }
  static void load(input_archive &archive, Container &c) {
    std::size_t count = load_size(archive);
    c.clear();
    for (std::size_t i = 0; i < count; ++i) {
      Element element{};
      codec<Element>::load(archive, element);
      c.insert(c.end(), std::move(element));
    }
  }
};

template <class K, class V, class... R>
struct codec<std::map<K, V, R...>>
    : sequence_codec<std::map<K, V, R...>, std::pair<K, V>> {};
template <class K, class V, class... R>
struct codec<std::multimap<K, V, R...>>
    : sequence_codec<std::multimap<K, V, R...>, std::pair<K, V>> {};
template <class K, class V, class... R>
struct codec<std::unordered_map<K, V, R...>>
    : sequence_codec<std::unordered_map<K, V, R...>, std::pair<K, V>> {};
template <class K, class V, class... R>
struct codec<std::unordered_multimap<K, V, R...>>
    : sequence_codec<std::unordered_multimap<K, V, R...>, std::pair<K, V>> {};
template <class K, class... R>
struct codec<std::set<K, R...>> : sequence_codec<std::set<K, R...>, K> {};
template <class K, class... R>
struct codec<std::multiset<K, R...>>
    : sequence_codec<std::multiset<K, R...>, K> {};
template <class K, class... R>
struct codec<std::unordered_set<K, R...>>
    : sequence_codec<std::unordered_set<K, R...>, K> {};
template <class T, class A>
struct codec<std::list<T, A>> : sequence_codec<std::list<T, A>, T> {};
template <class T, class A>
struct codec<std::deque<T, A>> : sequence_codec<std::deque<T, A>, T> {};

} // namespace detail

/// Serialises `values` into a fresh archive (for tests and tools).
template <serializable... T>
output_archive to_archive(std::size_t shared_memory_threshold,
                          const T &...values) {
  output_archive archive(shared_memory_threshold);
  archive(values...);
  return archive;
}

} // namespace concur
