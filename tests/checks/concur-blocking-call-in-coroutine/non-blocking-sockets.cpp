// A connect on a socket the coroutine made non-blocking returns at once
// (EINPROGRESS): it is not a blocking call. One on a blocking socket is.
#include <concur_mock_posix.h>
#include <mock_task.h>

static sockaddr_in peer;

concur::task<int> dial_blocking() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  connect(fd, (sockaddr *)&peer, sizeof peer);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'connect' blocks on network I/O inside coroutine 'dial_blocking'
  co_return fd;
}

// negative: created non-blocking.
concur::task<int> dial_created_non_blocking() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  connect(fd, (sockaddr *)&peer, sizeof peer);
  co_return fd;
}

// negative: switched with fcntl.
concur::task<int> dial_switched() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
  connect(fd, (sockaddr *)&peer, sizeof peer);
  close(fd);
  co_return fd;
}
