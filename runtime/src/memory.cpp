#include "concur/memory.hpp"

#include "concur/detail/size_check.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace concur {
namespace {

namespace fs = std::filesystem;

// Entry file layout: header, then the payload.
constexpr char entry_magic[8] = {'C', 'O', 'N', 'C', 'U', 'R', 'M', '1'};
constexpr std::string_view entry_suffix = ".entry";
constexpr std::string_view temporary_prefix = ".tmp-";
constexpr std::time_t stale_temporary_seconds = 3600;

struct entry_header {
  char magic[8];
  std::uint64_t payload_size;
  std::uint64_t payload_checksum; // XXH3-64 of the payload
};

[[noreturn]] void throw_errno(const std::string &what, const fs::path &path) {
  throw fs::filesystem_error(what, path,
                             std::error_code(errno, std::generic_category()));
}

// Closes a descriptor on scope exit.
class file_descriptor {
public:
  explicit file_descriptor(int fd) noexcept : fd_(fd) {}
  file_descriptor(const file_descriptor &) = delete;
  file_descriptor &operator=(const file_descriptor &) = delete;
  ~file_descriptor() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  [[nodiscard]] int get() const noexcept { return fd_; }
  [[nodiscard]] explicit operator bool() const noexcept { return fd_ >= 0; }

private:
  int fd_;
};

bool read_fully(int fd, char *data, std::size_t size) {
  while (size > 0) {
    const ssize_t got = ::read(fd, data, size);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      return false;
    data += got;
    size -= static_cast<std::size_t>(got);
  }
  return true;
}

bool write_fully(int fd, const char *data, std::size_t size) {
  while (size > 0) {
    const ssize_t put = ::write(fd, data, size);
    if (put < 0 && errno == EINTR)
      continue;
    if (put <= 0)
      return false;
    data += put;
    size -= static_cast<std::size_t>(put);
  }
  return true;
}

bool is_entry(const fs::path &path) {
  const std::string name = path.filename().string();
  return name.size() > entry_suffix.size() && name.ends_with(entry_suffix);
}

struct entry_on_disk {
  fs::path path;
  std::uint64_t bytes;
  timespec accessed;
};

// Every entry in the directory; entries that vanish while scanning (another
// process evicted them) are skipped.
std::vector<entry_on_disk> scan(const fs::path &directory) {
  std::vector<entry_on_disk> entries;
  std::error_code error;
  const auto now =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  for (fs::recursive_directory_iterator it(directory, error), end;
       !error && it != end; it.increment(error)) {
    struct stat info{};
    if (::stat(it->path().c_str(), &info) != 0)
      continue;
    if (it->path().filename().string().starts_with(temporary_prefix)) {
      // Left behind by a process that died mid-write.
      if (now - info.st_mtim.tv_sec > stale_temporary_seconds)
        ::unlink(it->path().c_str());
      continue;
    }
    if (!is_entry(it->path()))
      continue;
    entries.push_back(
        {it->path(), static_cast<std::uint64_t>(info.st_size), info.st_atim});
  }
  return entries;
}

// Marks an entry as used now; LRU order is by this time. Explicit, because
// file systems mounted relatime do not update access times on every read.
void touch(const fs::path &path) {
  const timespec now[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};
  ::utimensat(AT_FDCWD, path.c_str(), now, 0);
}

} // namespace

cache_key cache_key::of(std::initializer_list<std::string_view> parts) {
  XXH3_state_t state;
  XXH3_128bits_reset(&state);
  for (std::string_view part : parts) {
    const std::uint64_t size = part.size();
    XXH3_128bits_update(&state, &size, sizeof size);
    XXH3_128bits_update(&state, part.data(), part.size());
  }
  const XXH128_hash_t hash = XXH3_128bits_digest(&state);
  return {hash.high64, hash.low64};
}

std::string cache_key::hex() const {
  static constexpr char digits[] = "0123456789abcdef";
  std::string text(32, '0');
  for (int i = 0; i < 16; ++i) {
    text[static_cast<std::size_t>(15 - i)] = digits[(high >> (4 * i)) & 0xf];
    text[static_cast<std::size_t>(31 - i)] = digits[(low >> (4 * i)) & 0xf];
  }
  return text;
}

memory::memory(fs::path directory, memory_options options)
    : directory_(std::move(directory)), options_(options) {
  detail::check_size("concur::memory", "max_bytes", options_.max_bytes, 0,
                     memory_options::max_bytes_bound, " (1 PiB)");
  detail::check_size("concur::memory", "max_entries", options_.max_entries, 0,
                     memory_options::max_entries_bound);
  fs::create_directories(directory_);
  if (!fs::is_directory(directory_)) {
    throw fs::filesystem_error(
        "concur::memory: not a directory", directory_,
        std::make_error_code(std::errc::not_a_directory));
  }
  known_usage_ = disk_usage();
}

fs::path memory::entry_path(const cache_key &key) const {
  const std::string hex = key.hex();
  // Two-level fan-out keeps directories small for large caches.
  return directory_ / hex.substr(0, 2) /
         (hex.substr(2) + std::string(entry_suffix));
}

std::optional<std::string> memory::load(const cache_key &key) {
  const fs::path path = entry_path(key);
  const file_descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    // ENOTDIR: the entry's subdirectory is not a directory, so no entry is
    // there.
    if (errno != ENOENT && errno != ENOTDIR)
      throw_errno("concur::memory: cannot open cache entry", path);
    std::lock_guard lock(mutex_);
    ++stats_.misses;
    return std::nullopt;
  }
  entry_header header{};
  std::string payload;
  struct stat info{};
  bool valid =
      read_fully(fd.get(), reinterpret_cast<char *>(&header), sizeof header) &&
      std::memcmp(header.magic, entry_magic, sizeof entry_magic) == 0 &&
      ::fstat(fd.get(), &info) == 0 &&
      static_cast<std::uint64_t>(info.st_size) ==
          sizeof header + header.payload_size;
  if (valid) {
    payload.resize(header.payload_size);
    valid =
        read_fully(fd.get(), payload.data(), payload.size()) &&
        XXH3_64bits(payload.data(), payload.size()) == header.payload_checksum;
  }
  if (!valid) {
    // Never return a damaged result: drop it so the caller recomputes.
    ::unlink(path.c_str());
    std::lock_guard lock(mutex_);
    ++stats_.corrupt_entries;
    ++stats_.misses;
    return std::nullopt;
  }
  touch(path);
  std::lock_guard lock(mutex_);
  ++stats_.hits;
  return payload;
}

void memory::store(const cache_key &key, std::string_view bytes) {
  const std::uint64_t size = sizeof(entry_header) + bytes.size();
  if (size > options_.max_bytes || options_.max_entries == 0)
    return;

  const fs::path path = entry_path(key);
  fs::create_directories(path.parent_path());
  static std::atomic<std::uint64_t> sequence{0};
  const fs::path temporary =
      path.parent_path() /
      (std::string(temporary_prefix) + std::to_string(::getpid()) + '-' +
       std::to_string(sequence.fetch_add(1)));
  {
    const file_descriptor fd(::open(
        temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!fd)
      throw_errno("concur::memory: cannot create cache entry", temporary);
    entry_header header{};
    std::memcpy(header.magic, entry_magic, sizeof entry_magic);
    header.payload_size = bytes.size();
    header.payload_checksum = XXH3_64bits(bytes.data(), bytes.size());
    if (!write_fully(fd.get(), reinterpret_cast<const char *>(&header),
                     sizeof header) ||
        !write_fully(fd.get(), bytes.data(), bytes.size())) {
      const int saved = errno;
      ::unlink(temporary.c_str());
      errno = saved;
      throw_errno("concur::memory: cannot write cache entry", temporary);
    }
  }
  struct stat previous{};
  const bool replaced = ::stat(path.c_str(), &previous) == 0;
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temporary.c_str());
    errno = saved;
    throw_errno("concur::memory: cannot publish cache entry", path);
  }
  {
    std::lock_guard lock(mutex_);
    ++stats_.stores;
    if (replaced) {
      known_usage_.bytes -=
          std::min<std::uint64_t>(known_usage_.bytes, previous.st_size);
    } else {
      ++known_usage_.entries;
    }
    known_usage_.bytes += size;
    if (known_usage_.bytes <= options_.max_bytes &&
        known_usage_.entries <= options_.max_entries) {
      return;
    }
  }
  evict_over_limits();
}

std::optional<std::string> memory::try_load(const cache_key &key) {
  try {
    return load(key);
  } catch (const std::system_error &error) {
    report_failure(false, error);
    return std::nullopt;
  }
}

bool memory::try_store(const cache_key &key, std::string_view bytes) {
  try {
    store(key, bytes);
    return true;
  } catch (const std::system_error &error) {
    report_failure(true, error);
    return false;
  }
}

void memory::set_warning_handler(warning_handler handler) {
  std::lock_guard lock(mutex_);
  warning_handler_ = std::move(handler);
}

void memory::report_failure(bool storing, const std::system_error &error) {
  // One warning per kind of failure (what failed, and the error code); every
  // failure is counted.
  const std::string kind = std::string(storing ? "store " : "load ") +
                           error.code().category().name() + ' ' +
                           std::to_string(error.code().value());
  warning_handler handler;
  {
    std::lock_guard lock(mutex_);
    ++(storing ? stats_.store_failures : stats_.load_failures);
    if (!reported_.insert(kind).second)
      return;
    handler = warning_handler_;
  }
  const std::string message =
      "concur: memory cache " + directory_.string() + ": " +
      (storing ? "a result could not be stored; it was returned but not cached"
               : "a stored result could not be read; it was recomputed") +
      " (" + error.what() +
      "); further failures like this one are counted in stats()." +
      (storing ? "store_failures" : "load_failures") + ", not reported";
  if (handler) {
    handler(message);
  } else {
    std::fprintf(stderr, "%s\n", message.c_str());
  }
}

void memory::evict_over_limits() {
  // Other processes write to the same directory: decide from what is on disk.
  std::vector<entry_on_disk> entries = scan(directory_);
  std::uint64_t bytes = 0;
  for (const entry_on_disk &entry : entries)
    bytes += entry.bytes;
  std::sort(entries.begin(), entries.end(),
            [](const entry_on_disk &a, const entry_on_disk &b) {
              if (a.accessed.tv_sec != b.accessed.tv_sec)
                return a.accessed.tv_sec < b.accessed.tv_sec;
              return a.accessed.tv_nsec < b.accessed.tv_nsec;
            });
  std::size_t count = entries.size();
  std::uint64_t evicted = 0;
  for (const entry_on_disk &entry : entries) {
    if (bytes <= options_.max_bytes && count <= options_.max_entries)
      break;
    // ENOENT: another process evicted it first; either way it is gone.
    if (::unlink(entry.path.c_str()) == 0)
      ++evicted;
    bytes -= entry.bytes;
    --count;
  }
  std::lock_guard lock(mutex_);
  stats_.evictions += evicted;
  known_usage_ = {bytes, count};
}

void memory::clear() {
  for (const entry_on_disk &entry : scan(directory_))
    ::unlink(entry.path.c_str());
  std::lock_guard lock(mutex_);
  known_usage_ = {};
}

memory::usage memory::disk_usage() const {
  usage total;
  for (const entry_on_disk &entry : scan(directory_)) {
    total.bytes += entry.bytes;
    ++total.entries;
  }
  return total;
}

memory_stats memory::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

} // namespace concur
