// Internal to the process pool: the fork server, the control protocol that
// talks to it, and the frame protocol between the pool and its workers.
//
// Processes:
//
//   program ──(root socket)──> fork server ──fork()──> worker, worker, ...
//      │ ──(one control socket per pool slot)──> fork server
//      └──(one stream socket per worker, passed through the fork server)──>
//      worker
//
// The fork server is forked from the program while it is still
// single-threaded, so it and every worker it forks are copies of a
// single-threaded process: no lock can be held by a thread that does not
// exist in the copy. It stays single-threaded for its whole life, and it is
// the parent of every worker, so it reaps them and reports each exit status
// to the pool slot that asked for the worker.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include <sys/types.h>

#include "concur/detail/ipc_fd.hpp"

namespace concur::detail::ipc {

// ---- control messages (SOCK_SEQPACKET, one struct per message) -----------

enum class control : std::uint32_t {
  open_connection = 1, // program -> server (root): a new control socket, please
  connection_opened,   // server -> program: here it is (descriptor attached)
  spawn,               // program -> server: fork a worker
  spawned,             // server -> program: worker `pid`, its socket attached
  spawn_failed,        // server -> program: fork failed with errno `value`
  kill,                // program -> server: send signal `value` to worker `pid`
  exited, // server -> program: worker `pid` ended with wait status `value`
};

struct control_message {
  control kind{};
  std::int32_t pid = 0;
  std::int32_t value = 0;
};

/// Sends a message, with `descriptor` attached when it is >= 0. Returns
/// false if the peer is gone.
bool send_control(int socket, const control_message &message,
                  int descriptor = -1);
/// Receives one message (and an attached descriptor, if any). Returns false
/// at end of file.
bool receive_control(int socket, control_message &message,
                     unique_fd *descriptor = nullptr);

// ---- frames between the pool and a worker (SOCK_STREAM) -------------------

enum class frame : std::uint32_t {
  task = 1,   // pool -> worker: run `invoker` on the payload
  result = 2, // worker -> pool: the payload is the serialised result
  error = 3,  // worker -> pool: the payload is (type name, message)
};

struct frame_header {
  static constexpr std::uint32_t expected_magic = 0x636f6e63; // "conc"
  std::uint32_t magic = expected_magic;
  frame kind{};
  std::uint64_t task_id = 0;
  std::uint64_t invoker = 0;
  std::uint64_t payload_size = 0;
  std::uint64_t shared_memory_threshold = 0;
  std::uint32_t descriptor_count = 0;
  std::uint32_t flags = 0; // frame_flags, on a task
};

/// Flags of a task frame.
enum frame_flags : std::uint32_t {
  /// concur::process: the worker flushes stdio and exits after this task,
  /// with status 0 after a result and 1 after an exception (Python's
  /// Process.exitcode).
  exit_after_task = 1,
};

/// At most this many descriptors travel with one frame (the kernel's
/// SCM_MAX_FD is 253).
inline constexpr std::size_t max_descriptors_per_frame = 250;

/// Writes a whole frame. Returns false if the peer is gone (EPIPE).
bool send_frame(int socket, const frame_header &header,
                std::span<const std::byte> payload,
                std::span<const unique_fd> descriptors);
/// Reads a whole frame. Returns false at end of file (also mid-frame: the
/// peer died while writing). Throws std::system_error or
/// serialization_error on a corrupt stream.
bool receive_frame(int socket, frame_header &header,
                   std::vector<std::byte> &payload,
                   std::vector<unique_fd> &descriptors);

// ---- the fork server -------------------------------------------------------

/// The process-wide fork server, started on first use.
class fork_server {
public:
  /// Starts the server if it is not running. Throws fork_server_error if the
  /// program already runs more than one thread.
  static fork_server &instance();

  fork_server(const fork_server &) = delete;
  fork_server &operator=(const fork_server &) = delete;
  ~fork_server();

  /// A new control socket to the server, for one pool slot.
  unique_fd open_connection();
  pid_t pid() const noexcept { return pid_; }

private:
  fork_server();

  std::mutex mutex_; // serialises requests on root_
  unique_fd root_;
  pid_t pid_ = -1;
};

/// The number of threads of this process, or 0 if /proc cannot tell.
std::size_t thread_count();

/// A readable type name: demangled, as std::type_info would print it.
std::string demangle(const char *mangled);

} // namespace concur::detail::ipc
