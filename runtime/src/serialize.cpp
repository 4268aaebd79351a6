// The non-template parts of concur's archives and shared memory: moving
// blocks in and out of memfds, and the descriptor bookkeeping.
#include "concur/serialize.hpp"
#include "concur/shared_buffer.hpp"

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace concur {
namespace detail::ipc {

void unique_fd::reset(int fd) noexcept {
  if (fd_ >= 0)
    ::close(fd_);
  fd_ = fd;
}

unique_fd duplicate(int fd) {
  int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0)
    throw std::system_error(errno, std::generic_category(),
                            "concur: dup of a shared-memory descriptor");
  return unique_fd(copy);
}

unique_fd create_memfd(const char *name, std::size_t bytes) {
  unique_fd fd(::memfd_create(name, MFD_CLOEXEC));
  if (!fd)
    throw std::system_error(errno, std::generic_category(),
                            "concur: memfd_create");
  if (bytes && ::ftruncate(fd.get(), off_t(bytes)) != 0)
    throw std::system_error(errno, std::generic_category(),
                            "concur: cannot size a shared-memory block of " +
                                std::to_string(bytes) + " bytes");
  return fd;
}

std::size_t descriptor_size(int fd) {
  struct stat info{};
  if (::fstat(fd, &info) != 0)
    throw std::system_error(errno, std::generic_category(),
                            "concur: fstat of a shared-memory block");
  return std::size_t(info.st_size);
}

shared_region::shared_region(std::size_t bytes, const char *name,
                             const char *who)
    : descriptor_(create_memfd(name, bytes)), size_(bytes) {
  map(who);
}

shared_region::shared_region(unique_fd descriptor, const char *who,
                             std::size_t min_bytes, const char *too_small)
    : descriptor_(std::move(descriptor)) {
  size_ = descriptor_size(descriptor_.get());
  if (size_ == 0 || size_ < min_bytes)
    throw serialization_error(too_small);
  map(who);
}

void shared_region::map(const char *who) {
  data_ = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED,
                 descriptor_.get(), 0);
  if (data_ == MAP_FAILED) {
    data_ = nullptr;
    throw std::system_error(errno, std::generic_category(),
                            std::string(who) + ": mmap");
  }
}

shared_region::~shared_region() {
  if (data_)
    ::munmap(data_, size_);
}

} // namespace detail::ipc

namespace {
enum : std::uint8_t { block_inline = 0, block_shared = 1 };
} // namespace

void output_archive::write_block(const void *data, std::size_t size) {
  if (size < threshold_) {
    write_value(block_inline);
    write_value(std::uint64_t(size));
    write_bytes(data, size);
    return;
  }
  // pwrite() into the memfd rather than mmap+memcpy: the kernel copies into
  // the page-cache pages without a page fault per 4 KiB and without the TLB
  // shoot-down of munmap.
  detail::ipc::unique_fd fd =
      blocks_ ? blocks_->acquire(size)
              : detail::ipc::create_memfd("concur-block", 0);
  const char *cursor = static_cast<const char *>(data);
  std::size_t left = size;
  off_t offset = 0;
  while (left > 0) {
    ssize_t written = ::pwrite(fd.get(), cursor, left, offset);
    if (written < 0) {
      if (errno == EINTR)
        continue;
      throw std::system_error(errno, std::generic_category(),
                              "concur: writing a shared-memory block");
    }
    cursor += written;
    offset += written;
    left -= std::size_t(written);
  }
  write_value(block_shared);
  write_value(std::uint64_t(size));
  std::uint32_t index = attach(std::move(fd));
  blocks_written_.push_back(index);
  write_value(index);
}

void output_archive::write_direct(const void *data, std::size_t size) {
  if (!destination_.empty()) {
    if (size > destination_.size() - written_)
      throw serialization_error(
          "concur: a value wrote more bytes than were measured for it (its "
          "serialize() is not deterministic)");
    if (size)
      std::memcpy(destination_.data() + written_, data, size);
  }
  written_ += size;
}

std::span<std::byte> output_archive::write_block_in_place(std::size_t size) {
  if (!direct_)
    throw std::logic_error(
        "concur: write_block_in_place needs an archive writing into a fixed "
        "buffer");
  write_value(block_inline);
  write_value(std::uint64_t(size));
  std::size_t start = written_;
  if (!destination_.empty() && size > destination_.size() - start)
    throw serialization_error(
        "concur: a value wrote more bytes than were measured for it (its "
        "serialize() is not deterministic)");
  written_ += size;
  if (destination_.empty())
    return {};
  return destination_.subspan(start, size);
}

std::uint32_t output_archive::attach(detail::ipc::unique_fd descriptor) {
  descriptors_.push_back(std::move(descriptor));
  return std::uint32_t(descriptors_.size() - 1);
}

void input_archive::read_bytes(void *out, std::size_t size) {
  if (size > remaining())
    throw serialization_error("concur: message truncated: needed " +
                              std::to_string(size) + " more bytes, " +
                              std::to_string(remaining()) + " left");
  if (size)
    std::memcpy(out, bytes_.data() + offset_, size);
  offset_ += size;
}

input_archive::block input_archive::begin_block() {
  block where;
  auto kind = read_value<std::uint8_t>();
  where.size = read_value<std::uint64_t>();
  if (kind == block_inline) {
    if (where.size > remaining())
      throw serialization_error(
          "concur: message truncated inside an inline block");
    return where;
  }
  if (kind != block_shared)
    throw serialization_error("concur: corrupt block header");
  where.shared = true;
  where.descriptor = read_value<std::uint32_t>();
  if (where.descriptor >= descriptors_.size() ||
      !descriptors_[where.descriptor])
    throw serialization_error(
        "concur: a shared-memory block's descriptor is missing");
  if (detail::ipc::descriptor_size(descriptors_[where.descriptor].get()) <
      where.size)
    throw serialization_error(
        "concur: a shared-memory block is shorter than announced");
  return where;
}

void input_archive::read_block(const block &where, void *out) {
  if (!where.shared) {
    read_bytes(out, std::size_t(where.size));
    return;
  }
  detail::ipc::unique_fd fd = take(where.descriptor);
  char *cursor = static_cast<char *>(out);
  std::size_t left = std::size_t(where.size);
  off_t offset = 0;
  while (left > 0) {
    ssize_t got = ::pread(fd.get(), cursor, left, offset);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      throw serialization_error(
          "concur: cannot read a shared-memory block: " +
          std::string(got < 0 ? std::strerror(errno) : "unexpected end"));
    cursor += got;
    offset += got;
    left -= std::size_t(got);
  }
}

input_archive::mapped_block::~mapped_block() {
  if (size_)
    ::munmap(const_cast<void *>(data_), size_);
}

void input_archive::prefer_huge_pages(void *data, std::size_t size) noexcept {
  // Only whole 2 MiB pages inside the storage; advice, so errors (no THP
  // support, or THP disabled) leave ordinary pages and are ignored.
  constexpr std::uintptr_t huge = std::uintptr_t(2) << 20;
  auto begin =
      (reinterpret_cast<std::uintptr_t>(data) + huge - 1) & ~(huge - 1);
  auto end = (reinterpret_cast<std::uintptr_t>(data) + size) & ~(huge - 1);
  if (end > begin)
    ::madvise(reinterpret_cast<void *>(begin), end - begin, MADV_HUGEPAGE);
}

input_archive::mapped_block input_archive::map_block(const block &where) {
  detail::ipc::unique_fd fd = take(where.descriptor);
  if (where.size == 0)
    return mapped_block(nullptr, 0);
  // MAP_POPULATE maps every page now, instead of one fault per 4 KiB.
  void *data = ::mmap(nullptr, std::size_t(where.size), PROT_READ,
                      MAP_PRIVATE | MAP_POPULATE, fd.get(), 0);
  if (data == MAP_FAILED)
    throw serialization_error("concur: cannot map a shared-memory block: " +
                              std::string(std::strerror(errno)));
  return mapped_block(data, std::size_t(where.size));
}

detail::ipc::unique_fd input_archive::take(std::uint32_t index) {
  if (index >= descriptors_.size() || !descriptors_[index])
    throw serialization_error(
        "concur: a message refers to a missing descriptor");
  return std::move(descriptors_[index]);
}

void input_archive::finish() const {
  if (remaining() != 0)
    throw serialization_error(
        "concur: " + std::to_string(remaining()) +
        " unread bytes at the end of a message (type mismatch?)");
}

} // namespace concur
