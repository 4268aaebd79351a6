// The byte-level protocols of the process pool: control messages to the
// fork server and frames to and from workers, with descriptors passed as
// SCM_RIGHTS ancillary data.
#include "ipc.hpp"

#include "concur/serialize.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <system_error>

#include <cxxabi.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace concur::detail::ipc {

namespace {

[[noreturn]] void fail(const char *what) {
  throw std::system_error(errno, std::generic_category(), what);
}

bool peer_gone(int error) { return error == EPIPE || error == ECONNRESET; }

// Runs one blocking socket call, again when a signal interrupted it: its
// result (>= 0), or -1 when the peer is gone; any other failure throws with
// `what`.
template <class Call> ssize_t socket_call(const char *what, Call call) {
  for (;;) {
    ssize_t n = call();
    if (n >= 0)
      return n;
    if (errno == EINTR)
      continue;
    if (peer_gone(errno))
      return -1;
    fail(what);
  }
}

// Puts `fds` into `message`'s ancillary data as SCM_RIGHTS, in `space`
// (room for at least CMSG_SPACE of them).
void attach_descriptors(msghdr &message, char *space,
                        std::span<const int> fds) {
  message.msg_control = space;
  message.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
  cmsghdr *c = CMSG_FIRSTHDR(&message);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
  std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
}

// Appends descriptors from a received message's ancillary data.
void collect_descriptors(msghdr &message, std::vector<unique_fd> &out) {
  for (cmsghdr *c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
      continue;
    std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      out.emplace_back(fd);
    }
  }
}

// Room for max_descriptors_per_frame descriptors.
constexpr std::size_t control_space =
    CMSG_SPACE(sizeof(int) * (max_descriptors_per_frame + 3));

} // namespace

bool send_control(int socket, const control_message &message, int descriptor) {
  iovec iov{const_cast<control_message *>(&message), sizeof message};
  msghdr header{};
  header.msg_iov = &iov;
  header.msg_iovlen = 1;
  alignas(cmsghdr) char space[CMSG_SPACE(sizeof(int))] = {};
  if (descriptor >= 0)
    attach_descriptors(header, space, {&descriptor, 1});
  return socket_call("concur: sending to the fork server", [&] {
           return ::sendmsg(socket, &header, MSG_NOSIGNAL);
         }) >= 0;
}

bool receive_control(int socket, control_message &message,
                     unique_fd *descriptor) {
  iovec iov{&message, sizeof message};
  msghdr header{};
  header.msg_iov = &iov;
  header.msg_iovlen = 1;
  alignas(cmsghdr) char space[CMSG_SPACE(sizeof(int) * 4)];
  header.msg_control = space;
  header.msg_controllen = sizeof space;
  ssize_t got = socket_call("concur: receiving from the fork server", [&] {
    return ::recvmsg(socket, &header, MSG_CMSG_CLOEXEC);
  });
  if (got < 0)
    return false;
  std::vector<unique_fd> received;
  collect_descriptors(header, received);
  if (got == 0)
    return false;
  if (std::size_t(got) != sizeof message)
    throw std::runtime_error(
        "concur: malformed control message from the fork server");
  if (descriptor && !received.empty())
    *descriptor = std::move(received.front());
  return true;
}

bool send_frame(int socket, const frame_header &header,
                std::span<const std::byte> payload,
                std::span<const unique_fd> descriptors) {
  if (descriptors.size() > max_descriptors_per_frame)
    throw std::length_error(
        "concur: a task or result carries " +
        std::to_string(descriptors.size()) + " shared-memory blocks; at most " +
        std::to_string(max_descriptors_per_frame) +
        " fit in one message (raise shared_memory_threshold or batch them)");
  iovec iov[2] = {{const_cast<frame_header *>(&header), sizeof header},
                  {const_cast<std::byte *>(payload.data()), payload.size()}};
  msghdr message{};
  message.msg_iov = iov;
  message.msg_iovlen = payload.empty() ? 1 : 2;
  alignas(cmsghdr) char space[control_space];
  if (!descriptors.empty()) {
    int fds[max_descriptors_per_frame];
    for (std::size_t i = 0; i < descriptors.size(); ++i)
      fds[i] = descriptors[i].get();
    attach_descriptors(message, space, {fds, descriptors.size()});
  }
  // The descriptors ride on the first sendmsg; the rest of a long payload
  // follows with plain sends.
  const char *what = "concur: writing to a worker";
  std::size_t total = sizeof header + payload.size();
  ssize_t first = socket_call(
      what, [&] { return ::sendmsg(socket, &message, MSG_NOSIGNAL); });
  if (first < 0)
    return false;
  std::size_t sent = std::size_t(first);
  while (sent < total) {
    const char *from;
    std::size_t left;
    if (sent < sizeof header) {
      from = reinterpret_cast<const char *>(&header) + sent;
      left = sizeof header - sent;
    } else {
      from = reinterpret_cast<const char *>(payload.data()) +
             (sent - sizeof header);
      left = total - sent;
    }
    ssize_t n = socket_call(
        what, [&] { return ::send(socket, from, left, MSG_NOSIGNAL); });
    if (n < 0)
      return false;
    sent += std::size_t(n);
  }
  return true;
}

bool receive_frame(int socket, frame_header &header,
                   std::vector<std::byte> &payload,
                   std::vector<unique_fd> &descriptors) {
  descriptors.clear();
  // The header, collecting the descriptors that ride on its first bytes,
  // and in the same call the start of the payload: a small frame arrives
  // with one system call. Only one frame is in flight each way, so bytes
  // past the header belong to this frame's payload.
  std::byte early[4096];
  std::size_t got = 0, early_size = 0;
  while (got < sizeof header) {
    iovec iov[2] = {
        {reinterpret_cast<char *>(&header) + got, sizeof header - got},
        {early, sizeof early}};
    msghdr message{};
    message.msg_iov = iov;
    message.msg_iovlen = 2;
    alignas(cmsghdr) char space[control_space];
    message.msg_control = space;
    message.msg_controllen = sizeof space;
    ssize_t n = socket_call("concur: reading from a worker", [&] {
      return ::recvmsg(socket, &message, MSG_CMSG_CLOEXEC);
    });
    if (n < 0)
      return false;
    collect_descriptors(message, descriptors);
    if (message.msg_flags & MSG_CTRUNC)
      throw serialization_error("concur: too many descriptors in one message");
    if (n == 0)
      return false;
    std::size_t into_header = std::min(std::size_t(n), sizeof header - got);
    got += into_header;
    early_size = std::size_t(n) - into_header;
  }
  if (header.magic != frame_header::expected_magic)
    throw serialization_error(
        "concur: corrupt frame from a worker (bad magic)");
  if (header.payload_size > (std::uint64_t(1) << 40))
    throw serialization_error(
        "concur: corrupt frame from a worker (absurd payload size)");
  if (early_size > header.payload_size)
    throw serialization_error(
        "concur: corrupt frame from a worker (more bytes than announced)");
  if (header.descriptor_count != descriptors.size())
    throw serialization_error(
        "concur: frame announces " + std::to_string(header.descriptor_count) +
        " descriptors but carried " + std::to_string(descriptors.size()));
  payload.resize(std::size_t(header.payload_size));
  if (early_size != 0) // an empty payload's data() may be null
    std::memcpy(payload.data(), early, early_size);
  got = early_size;
  while (got < payload.size()) {
    ssize_t n = socket_call("concur: reading from a worker", [&] {
      return ::recv(socket, payload.data() + got, payload.size() - got, 0);
    });
    if (n < 0)
      return false;
    if (n == 0)
      return false;
    got += std::size_t(n);
  }
  return true;
}

std::size_t thread_count() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("Threads:", 0) == 0)
      return std::size_t(std::strtoul(line.c_str() + 8, nullptr, 10));
  return 0;
}

std::string demangle(const char *mangled) {
  int status = 0;
  std::unique_ptr<char, void (*)(void *)> readable(
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
  return status == 0 && readable ? std::string(readable.get())
                                 : std::string(mangled);
}

} // namespace concur::detail::ipc
