// concur::detail::ipc::shared_region: a memfd and its MAP_SHARED mapping,
// the shared memory under shared_buffer, process_queue and shared_dict.
#pragma once

#include <cstddef>

#include "concur/detail/ipc_fd.hpp"

namespace concur::detail::ipc {

/// A memfd and its mapping; unmapped (and the descriptor closed) on
/// destruction. `who` starts the error messages ("concur::process_queue").
class shared_region {
public:
  /// A new zero-filled region of `bytes` (> 0) bytes; `name` names the
  /// memfd (as /proc/PID/fd shows it).
  shared_region(std::size_t bytes, const char *name, const char *who);
  /// Maps a region received from another process. A region smaller than
  /// `min_bytes` (or empty) throws serialization_error(`too_small`).
  shared_region(unique_fd descriptor, const char *who, std::size_t min_bytes,
                const char *too_small);
  shared_region(const shared_region &) = delete;
  shared_region &operator=(const shared_region &) = delete;
  ~shared_region();

  void *data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  int descriptor() const noexcept { return descriptor_.get(); }

private:
  void map(const char *who);

  unique_fd descriptor_;
  void *data_ = nullptr;
  std::size_t size_ = 0;
};

} // namespace concur::detail::ipc
