// A small coroutine service with the mistakes concur-clangd reports in an
// editor: a sleep that stalls the event loop (quick fix: the awaitable form),
// a blocking socket read, and a blocking call hidden two calls deep.
#include <concur_mock_posix.h>
#include <mock_std.h>
#include <mock_task.h>

void pause_briefly() { usleep(5000); }
void retry_step() { pause_briefly(); }

concur::task<void> heartbeat() {
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  co_return;
}

concur::task<long> serve(int fd) {
  char buf[64];
  long n = recv(fd, buf, sizeof buf, 0);
  retry_step();
  co_return n;
}

concur::task<void> tick() {
  co_await concur::sleep_for(std::chrono::milliseconds(10));
}
