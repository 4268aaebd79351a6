// Internal to thread_pool and process_pool: the error a pool keeps once a
// worker's initializer failed (Python's BrokenThreadPool and
// BrokenProcessPool), naming the pool and the initializer's own error.
#pragma once

#include "concur/future.hpp"

#include <exception>
#include <string>

namespace concur::detail {

/// An initializer_error for `pool` ("concur::thread_pool") caused by `cause`.
inline std::exception_ptr initializer_failure(const char *pool,
                                              std::exception_ptr cause) {
  std::string what = "an exception that is not a std::exception";
  try {
    std::rethrow_exception(cause);
  } catch (const std::exception &e) {
    what = e.what();
  } catch (...) {
  }
  return std::make_exception_ptr(initializer_error(
      std::string(pool) + ": a worker's initializer failed (" + what +
          "); the pool is not usable any more",
      cause));
}

} // namespace concur::detail
