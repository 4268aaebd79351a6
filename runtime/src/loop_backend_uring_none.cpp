// loop_backend_uring_none.cpp - compiled instead of loop_backend_uring.cpp
// when liburing was not found at build time: io_uring is never available and
// automatic selection picks epoll. Contract: loop_backend.hpp.
#include "loop_backend.hpp"

namespace concur::detail {

std::unique_ptr<loop_backend> make_uring_backend(std::string &why_not) {
  why_not = "this concur was built without liburing";
  return nullptr;
}

} // namespace concur::detail
