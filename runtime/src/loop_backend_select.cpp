// loop_backend_select.cpp - which backend a new event loop runs on
// (make_loop_backend), and the defaults of the optional backend members.
// Contract: loop_backend.hpp.
#include "loop_backend.hpp"

#include "concur/event_loop.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace concur::detail {

void loop_backend::submit(std::shared_ptr<file_op>) {
  throw std::logic_error(std::string("concur: the ") + name() +
                         " loop backend has no file I/O of its own");
}

void loop_backend::cancel(const file_op &) noexcept {}

namespace {
std::unique_ptr<loop_backend> forced_uring(const char *how) {
  std::string why_not;
  if (auto backend = make_uring_backend(why_not))
    return backend;
  throw std::runtime_error(std::string("concur: ") + how +
                           " asks for the io_uring event-loop backend, but " +
                           why_not);
}
} // namespace

std::unique_ptr<loop_backend> make_loop_backend(loop_backend_kind kind) {
  switch (kind) {
  case loop_backend_kind::epoll:
    return make_epoll_backend();
  case loop_backend_kind::io_uring:
    return forced_uring("event_loop_options::backend");
  case loop_backend_kind::automatic:
    break;
  }
  const char *value = std::getenv("CONCUR_LOOP_BACKEND");
  std::string_view chosen = value ? value : "";
  if (chosen == "epoll")
    return make_epoll_backend();
  if (chosen == "io_uring")
    return forced_uring("CONCUR_LOOP_BACKEND=io_uring");
  if (!chosen.empty() && chosen != "auto")
    throw std::invalid_argument(
        "concur: CONCUR_LOOP_BACKEND='" + std::string(chosen) +
        "' is not an event-loop backend; use epoll, io_uring or auto");
  // Automatic: io_uring where the kernel allows it, silently epoll where not
  // (an old kernel, io_uring disabled by sysctl or a seccomp filter).
  std::string why_not;
  if (auto backend = make_uring_backend(why_not))
    return backend;
  return make_epoll_backend();
}

} // namespace concur::detail
