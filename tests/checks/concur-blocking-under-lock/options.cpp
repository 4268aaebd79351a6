// An invalid BlockingKinds item is a configuration error.
// CONCUR-CONFIG: {CheckOptions: {concur-blocking-under-lock.BlockingKinds: 'file;disk'}}
#include <concur_mock_posix.h>
#include <mock_std.h>

std::mutex m;

void save(int fd) {
  std::lock_guard<std::mutex> guard(m);
  fsync(fd);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'fsync' blocks on file I/O while 'm' is locked
}

// negative: sleep is not among the configured kinds.
void nap() {
  std::lock_guard<std::mutex> guard(m);
  usleep(100000);
}
