// The fork server and the worker loop of concur::process_pool.
//
// Why a fork server: fork() copies only the calling thread. In a program
// that already runs other threads, the child inherits their locks (malloc's,
// stdio's, the user's) in whatever state they were, and the first call that
// needs one can deadlock. So the program forks exactly once, while it is
// still single-threaded, and that copy (the fork server) forks every worker
// from then on. The server never starts a thread, so its children are
// always copies of a single-threaded process. This is Python 3.14's default
// start method ("forkserver"); unlike Python we do not need to re-import
// anything, because the worker runs the same binary image, so a task is
// named by the address of a function instantiated in that image.
#include "ipc.hpp"

#include "concur/process_pool.hpp"
#include "concur/serialize.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <string>
#include <system_error>
#include <typeinfo>
#include <vector>

#include <cxxabi.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace concur {

fork_server_error::fork_server_error(const std::string &what)
    : std::logic_error(what) {}

void start_fork_server() { (void)detail::ipc::fork_server::instance(); }

namespace detail::ipc {

namespace {

// The descriptor a worker or the server keeps; everything above it is closed.
constexpr int kept_descriptor = 3;

// Moves `fd` to descriptor 3 and closes every other descriptor above 2, so
// the new process holds nothing of the program's (other workers' sockets,
// the user's files) and end-of-file on a socket means what it should.
void keep_only(int fd) {
  if (fd != kept_descriptor) {
    if (::dup3(fd, kept_descriptor, O_CLOEXEC) < 0)
      _exit(127);
  } else {
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  ::close_range(kept_descriptor + 1, ~0U, 0);
}

// ---- the worker ------------------------------------------------------------

void reply_error(output_archive &out, const std::string &type,
                 const std::string &message) {
  out.bytes().clear();
  out.descriptors().clear();
  out(type, message);
}

[[noreturn]] void worker_main(int socket) {
  frame_header request, reply;
  std::vector<std::byte> payload;
  std::vector<unique_fd> descriptors;
  for (;;) {
    try {
      if (!receive_frame(socket, request, payload, descriptors) ||
          request.kind != frame::task)
        _exit(0); // the pool closed our socket: retire quietly
    } catch (...) {
      _exit(0);
    }
    output_archive out(std::size_t(request.shared_memory_threshold));
    reply = frame_header{};
    reply.task_id = request.task_id;
    reply.kind = frame::result;
    try {
      input_archive in(payload, descriptors);
      reinterpret_cast<task_invoker>(request.invoker)(in, out);
    } catch (const std::exception &error) {
      reply.kind = frame::error;
      reply_error(out, demangle(typeid(error).name()), error.what());
    } catch (...) {
      reply.kind = frame::error;
      const std::type_info *type = abi::__cxa_current_exception_type();
      reply_error(out, type ? demangle(type->name()) : std::string("unknown"),
                  "");
    }
    descriptors.clear();
    reply.payload_size = out.bytes().size();
    reply.descriptor_count = std::uint32_t(out.descriptors().size());
    bool sent;
    try {
      sent = send_frame(socket, reply, out.bytes(), out.descriptors());
    } catch (const std::length_error &error) {
      reply.kind = frame::error;
      reply_error(out, demangle(typeid(error).name()), error.what());
      reply.payload_size = out.bytes().size();
      reply.descriptor_count = 0;
      sent = send_frame(socket, reply, out.bytes(), {});
    }
    if (!sent)
      _exit(0);
    if (request.flags & exit_after_task) {
      std::fflush(nullptr); // what the task printed, as Python's Process does
      _exit(reply.kind == frame::error ? 1 : 0);
    }
  }
}

// ---- the server
// --------------------------------------------------------------

struct server_state {
  pid_t self = 0;
  sigset_t original_mask{};
  struct sigaction original_pipe{};
  unique_fd signals;
  std::map<int, unique_fd> connections; // by descriptor
  std::map<pid_t, int>
      children; // worker -> the connection that owns it (-1: orphan)
};

void spawn_worker(server_state &state, int connection) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    send_control(connection, {control::spawn_failed, 0, errno});
    return;
  }
  unique_fd ours(pair[0]), theirs(pair[1]);
  pid_t pid = ::fork();
  if (pid < 0) {
    send_control(connection, {control::spawn_failed, 0, errno});
    return;
  }
  if (pid == 0) {
    // The worker: the user's signal mask and SIGPIPE disposition come back;
    // it dies with the server, and holds only its own socket.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != state.self)
      _exit(1);
    ::prctl(PR_SET_NAME, "concur-worker");
    ::sigaction(SIGPIPE, &state.original_pipe, nullptr);
    ::sigprocmask(SIG_SETMASK, &state.original_mask, nullptr);
    keep_only(theirs.release());
    worker_main(kept_descriptor);
  }
  theirs.reset();
  state.children[pid] = connection;
  send_control(connection, {control::spawned, pid, 0}, ours.get());
}

void reap(server_state &state) {
  int status = 0;
  pid_t pid;
  while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
    auto child = state.children.find(pid);
    if (child == state.children.end())
      continue;
    if (child->second >= 0)
      send_control(child->second, {control::exited, pid, status});
    state.children.erase(child);
  }
}

void close_connection(server_state &state, int connection) {
  for (auto &[pid, owner] : state.children)
    if (owner == connection) {
      ::kill(pid, SIGKILL); // its pool is gone: nobody will collect its results
      owner = -1;
    }
  state.connections.erase(connection);
}

void handle_request(server_state &state, int connection) {
  control_message request;
  bool open;
  try {
    open = receive_control(connection, request);
  } catch (...) {
    open = false;
  }
  if (!open) {
    close_connection(state, connection);
    return;
  }
  switch (request.kind) {
  case control::spawn:
    spawn_worker(state, connection);
    break;
  case control::kill: {
    // Only a live child of this connection: the pid cannot have been reused,
    // because we have not reaped it yet.
    auto child = state.children.find(request.pid);
    if (child != state.children.end() && child->second == connection)
      ::kill(request.pid, request.value);
    break;
  }
  default:
    break;
  }
}

[[noreturn]] void shut_down(server_state &state) {
  for (auto &[pid, owner] : state.children)
    ::kill(pid, SIGKILL);
  while (::waitpid(-1, nullptr, 0) > 0 || errno == EINTR) {
  }
  _exit(0);
}

[[noreturn]] void serve(int root) {
  server_state state;
  state.self = ::getpid();
  ::prctl(PR_SET_NAME, "concur-forksrv");
  // Ctrl-C goes to the whole foreground process group; the program decides
  // what it means, and if it dies we see end-of-file and clean up.
  ::signal(SIGINT, SIG_IGN);
  struct sigaction ignore{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &state.original_pipe);
  sigset_t child_signal;
  sigemptyset(&child_signal);
  sigaddset(&child_signal, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &child_signal, &state.original_mask);
  state.signals.reset(
      ::signalfd(-1, &child_signal, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!state.signals)
    _exit(126);

  std::vector<pollfd> watched;
  for (;;) {
    watched.clear();
    watched.push_back({root, POLLIN, 0});
    watched.push_back({state.signals.get(), POLLIN, 0});
    for (auto &[fd, socket] : state.connections)
      watched.push_back({fd, POLLIN, 0});
    if (::poll(watched.data(), watched.size(), -1) < 0) {
      if (errno == EINTR)
        continue;
      shut_down(state);
    }
    if (watched[1].revents) {
      signalfd_siginfo info;
      while (::read(state.signals.get(), &info, sizeof info) > 0) {
      }
      reap(state);
    }
    for (std::size_t i = 2; i < watched.size(); ++i)
      if (watched[i].revents)
        handle_request(state, watched[i].fd);
    if (watched[0].revents) {
      control_message request;
      bool open;
      try {
        open = receive_control(root, request);
      } catch (...) {
        open = false;
      }
      if (!open)
        shut_down(state); // the program closed the root socket or died
      if (request.kind == control::open_connection) {
        int pair[2];
        if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) !=
            0) {
          send_control(root, {control::spawn_failed, 0, errno});
          continue;
        }
        unique_fd theirs(pair[1]);
        state.connections.emplace(pair[0], unique_fd(pair[0]));
        send_control(root, {control::connection_opened, 0, 0}, theirs.get());
      }
    }
  }
}

} // namespace

namespace {
// Set in the fork server right after it is forked, so workers inherit it.
// There the static below is still "being initialised" (the fork happened
// inside its constructor), and touching it would wait forever.
bool inside_fork_server = false;
} // namespace

fork_server &fork_server::instance() {
  if (inside_fork_server)
    throw fork_server_error(
        "concur::process_pool: a task running in a worker process cannot "
        "create a process_pool or start the fork server");
  static fork_server server;
  return server;
}

fork_server::fork_server() {
  std::size_t threads = thread_count();
  if (threads > 1)
    throw fork_server_error("concur::process_pool: cannot start the fork "
                            "server: this process already runs " +
                            std::to_string(threads) +
                            " threads, and forking it could copy a lock held "
                            "by one of them into every worker; "
                            "call concur::start_fork_server() (or create the "
                            "first process_pool) at the top of "
                            "main(), before any thread starts");
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
    throw std::system_error(errno, std::generic_category(),
                            "concur: socketpair for the fork server");
  unique_fd ours(pair[0]), theirs(pair[1]);
  std::fflush(nullptr); // or buffered output would be written twice
  pid_t pid = ::fork();
  if (pid < 0)
    throw std::system_error(errno, std::generic_category(),
                            "concur: fork of the fork server");
  if (pid == 0) {
    inside_fork_server = true;
    ours.release(); // closed by keep_only; do not run destructors here
    keep_only(theirs.release());
    serve(kept_descriptor);
  }
  root_ = std::move(ours);
  pid_ = pid;
}

fork_server::~fork_server() {
  // End-of-file on the root socket makes the server kill any worker still
  // alive, reap them and exit; then we reap the server.
  root_.reset();
  if (pid_ > 0)
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
}

unique_fd fork_server::open_connection() {
  std::lock_guard lock(mutex_);
  control_message reply;
  unique_fd connection;
  if (!send_control(root_.get(), {control::open_connection, 0, 0}) ||
      !receive_control(root_.get(), reply, &connection))
    throw broken_executor(
        "concur::process_pool: the fork server (pid " + std::to_string(pid_) +
        ") is gone; no new workers can be started in this process");
  if (reply.kind != control::connection_opened || !connection)
    throw std::system_error(
        reply.value, std::generic_category(),
        "concur::process_pool: the fork server could not open a connection");
  return connection;
}

} // namespace detail::ipc
} // namespace concur
