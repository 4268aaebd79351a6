// concur::memory — a disk-backed result cache, the joblib row's `Memory`.
//
// Entries live in one directory, one file per key. Each file carries a header
// with the payload's size and XXH3 checksum, so a torn or corrupted entry is
// detected, removed and reported as a miss, never returned. Writes go to a
// temporary file that is renamed into place, so several processes may share a
// directory. The size limit is enforced after every store: least recently used
// entries (by access time, which hits refresh) are evicted until both the byte
// and the entry limits hold.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "concur/serialize.hpp"

namespace concur {

// The default codec of memory::cache: concur's serialisation (the one the
// process pool uses, see serialize.hpp), always inline, never shared memory.
struct serial_codec {
  template <serializable T>
  [[nodiscard]] std::vector<std::byte> encode(const T &value) const {
    output_archive archive(std::numeric_limits<std::size_t>::max());
    archive(value);
    return std::move(archive.bytes());
  }
  template <serializable T>
  [[nodiscard]] T decode(std::string_view bytes) const {
    input_archive archive(std::as_bytes(std::span(bytes.data(), bytes.size())),
                          {});
    T value{};
    archive(value);
    archive.finish(); // trailing bytes: a different type was stored
    return value;
  }
};

// A 128-bit content key: XXH3-128 of whatever identifies the result.
struct cache_key {
  std::uint64_t high = 0;
  std::uint64_t low = 0;

  // Hashes the bytes of each part in turn, with their lengths, so that
  // ("ab", "c") and ("a", "bc") give different keys.
  [[nodiscard]] static cache_key
  of(std::initializer_list<std::string_view> parts);
  [[nodiscard]] std::string hex() const;
  friend bool operator==(const cache_key &, const cache_key &) = default;
};

// Limits of a memory cache. The constructor throws std::invalid_argument for
// a limit above its bound (as a negative number converted to an unsigned type
// is); 0 is valid and stores nothing.
struct memory_options {
  static constexpr std::uint64_t max_bytes_bound = std::uint64_t{1}
                                                   << 50; // 1 PiB
  static constexpr std::size_t max_entries_bound = std::size_t{1} << 30;

  std::uint64_t max_bytes = std::uint64_t{1}
                            << 30; // entry files' bytes on disk
  std::size_t max_entries = 100'000;
};

struct memory_stats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t stores = 0;
  std::uint64_t evictions = 0;
  std::uint64_t corrupt_entries = 0; // detected, removed and recomputed
  std::uint64_t store_failures =
      0; // results returned but not stored (try_store)
  std::uint64_t load_failures =
      0; // entries that could not be read, recomputed (try_load)
};

class memory {
public:
  // Creates the directory if needed; throws std::filesystem::filesystem_error
  // when it cannot be created or is not a directory.
  explicit memory(std::filesystem::path directory, memory_options options = {});

  [[nodiscard]] const std::filesystem::path &directory() const noexcept {
    return directory_;
  }
  [[nodiscard]] const memory_options &options() const noexcept {
    return options_;
  }

  // The stored bytes, or nothing on a miss or a corrupt entry (which is
  // removed).
  [[nodiscard]] std::optional<std::string> load(const cache_key &key);
  // Stores atomically, then evicts least recently used entries over the limits.
  // An entry larger than max_bytes is not stored. Throws
  // std::filesystem::filesystem_error when the entry cannot be written.
  void store(const cache_key &key, std::string_view bytes);
  // As load() and store(), but a file system failure (no permission, a full
  // disk, a path that is not a directory ...) is counted in stats()
  // (load_failures, store_failures) and reported as a warning, the first
  // time each kind of failure happens, instead of thrown: load then misses,
  // try_store returns false. cache() uses these, so a cache that cannot be
  // written never fails the call whose result it could not keep.
  [[nodiscard]] std::optional<std::string> try_load(const cache_key &key);
  bool try_store(const cache_key &key, std::string_view bytes);

  // Receives the warnings of try_load/try_store: one line, starting with
  // "concur: ". By default they are written to stderr. The handler may be
  // called from any thread that uses the cache and must not throw.
  using warning_handler = std::function<void(std::string_view)>;
  void set_warning_handler(warning_handler handler);
  // Removes every entry.
  void clear();

  // Totals on disk now, including other processes' entries.
  struct usage {
    std::uint64_t bytes = 0;
    std::size_t entries = 0;
  };
  [[nodiscard]] usage disk_usage() const;
  [[nodiscard]] memory_stats stats() const;

  // Wraps `function` so that calls with equal arguments return the stored
  // result. `name` identifies the function across runs (and processes);
  // change `version` when its results change. Arguments and the result are
  // encoded by `codec` (encode(value) -> a contiguous container of bytes or
  // chars, decode<R>(std::string_view)); a
  // stored result that no longer decodes is recomputed.
  template <class Function, class Codec = serial_codec>
  [[nodiscard]] auto cache(std::string name, std::string version,
                           Function function, Codec codec = {});

private:
  std::filesystem::path entry_path(const cache_key &key) const;
  void evict_over_limits();
  void report_failure(bool storing, const std::system_error &error);

  std::filesystem::path directory_;
  memory_options options_;
  mutable std::mutex
      mutex_; // guards stats_, the running totals and the warnings
  memory_stats stats_;
  warning_handler warning_handler_; // empty: stderr
  std::set<std::string> reported_;  // kinds of failure already warned about
  usage known_usage_; // this process's view; refreshed by a scan when over the
                      // limits
};

// A function wrapped by memory::cache. Thread-safe; calls that miss at the
// same time both compute (the result is the same), and the last store wins.
template <class Codec, class Function> class cached_function {
public:
  cached_function(memory &cache, std::string name, std::string version,
                  Function function, Codec codec)
      : cache_(&cache), identity_(std::move(name) + '\0' + std::move(version)),
        function_(std::move(function)), codec_(std::move(codec)) {}

  template <class... Args> auto operator()(Args &&...args) {
    using result_type = std::invoke_result_t<Function &, Args &...>;
    const cache_key key = key_for(args...);
    if (auto stored = cache_->try_load(key)) {
      try {
        return codec_.template decode<result_type>(*stored);
      } catch (const std::exception &) {
        // Intact bytes of another shape (the function's result type changed
        // without a new version): recompute and replace.
      }
    }
    result_type result = std::invoke(function_, args...);
    // A failed store is a warning: the caller still gets its result.
    cache_->try_store(key, as_chars(codec_.encode(result)));
    return result;
  }

  // The key a call with these arguments uses (for tests and tooling).
  template <class... Args>
  [[nodiscard]] cache_key key_for(const Args &...args) const {
    // Encoded once and hashed in place: a large argument is copied once.
    const std::tuple encoded{codec_.encode(args)...};
    // The result type is part of the identity: a changed signature is a new
    // entry.
    const std::string_view result_type =
        typeid(std::invoke_result_t<Function &, Args &...>).name();
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return cache_key::of({std::string_view{identity_}, result_type,
                            as_chars(std::get<I>(encoded))...});
    }(std::index_sequence_for<Args...>{});
  }

private:
  template <class Bytes> static std::string_view as_chars(const Bytes &bytes) {
    return {reinterpret_cast<const char *>(std::data(bytes)), std::size(bytes)};
  }

  memory *cache_;
  std::string identity_;
  Function function_;
  Codec codec_;
};

template <class Function, class Codec>
auto memory::cache(std::string name, std::string version, Function function,
                   Codec codec) {
  return cached_function<Codec, Function>(
      *this, std::move(name), std::move(version), std::move(function),
      std::move(codec));
}

} // namespace concur
