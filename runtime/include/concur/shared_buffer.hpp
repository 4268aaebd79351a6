// concur::shared_buffer<T>: an array in shared memory (a memfd mapped with
// MAP_SHARED) that is handed to worker processes without copying, like
// joblib's memory-mapped arrays. Sending one to a task passes only its
// descriptor; the worker maps the same pages, so a 1 GiB array costs the
// same to hand over as a 1 KiB one.
//
// Copies of a shared_buffer (in this process or in a worker) see the same
// memory: a worker's writes are visible to the caller once the task's
// future is done. The pool does not order concurrent writes by several
// tasks to the same elements; give each task its own range.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <type_traits>

#include "concur/detail/ipc_fd.hpp"
#include "concur/detail/shared_region.hpp"
#include "concur/detail/size_check.hpp"
#include "concur/serialize.hpp"

namespace concur {

template <class T> class shared_buffer {
  static_assert(
      std::is_trivially_copyable_v<T> && !std::is_pointer_v<T>,
      "concur::shared_buffer holds trivially copyable values without pointers");

public:
  using value_type = T;
  using iterator = T *;
  using const_iterator = const T *;

  shared_buffer() noexcept = default;
  /// The most elements a buffer holds: 1 TiB of them.
  static constexpr std::size_t max_count = (std::size_t{1} << 40) / sizeof(T);

  /// `count` zero-initialised elements. std::invalid_argument above
  /// max_count (which a negative count converted to std::size_t is).
  explicit shared_buffer(std::size_t count)
      : region_(checked(count) ? std::make_shared<detail::ipc::shared_region>(
                                     count * sizeof(T), "concur-shared-buffer",
                                     "concur::shared_buffer")
                               : nullptr),
        size_(count) {}
  /// A copy of `values`.
  explicit shared_buffer(std::span<const T> values)
      : shared_buffer(values.size()) {
    if (!values.empty())
      std::memcpy(data(), values.data(), values.size_bytes());
  }

  T *data() const noexcept {
    return region_ ? static_cast<T *>(region_->data()) : nullptr;
  }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  T &operator[](std::size_t i) const noexcept { return data()[i]; }
  T *begin() const noexcept { return data(); }
  T *end() const noexcept { return data() + size_; }
  std::span<T> span() const noexcept { return {data(), size_}; }

private:
  static std::size_t checked(std::size_t count) {
    detail::check_size("concur::shared_buffer", "count", count, 0, max_count,
                       " (1 TiB of elements)");
    return count;
  }

  friend struct detail::codec<shared_buffer<T>>;
  std::shared_ptr<detail::ipc::shared_region> region_;
  std::size_t size_ = 0;
};

namespace detail {
template <class T> struct codec<shared_buffer<T>> {
  static constexpr bool raw = false, supported = true;
  static void save(output_archive &archive, const shared_buffer<T> &buffer) {
    archive.write_value(std::uint64_t(buffer.size_));
    if (buffer.size_)
      archive.write_value(
          archive.attach(ipc::duplicate(buffer.region_->descriptor())));
  }
  static void load(input_archive &archive, shared_buffer<T> &buffer) {
    auto count = archive.read_value<std::uint64_t>();
    if (count == 0) {
      buffer = shared_buffer<T>();
      return;
    }
    auto region = std::make_shared<ipc::shared_region>(
        archive.take(archive.read_value<std::uint32_t>()),
        "concur::shared_buffer", 1,
        "concur: received an empty shared_buffer region");
    if (count > region->size() / sizeof(T))
      throw serialization_error(
          "concur: a shared_buffer is smaller than its element count");
    buffer.region_ = std::move(region);
    buffer.size_ = std::size_t(count);
  }
};
} // namespace detail

} // namespace concur
