// Templates are checked in their pattern, where an operator on dependent
// types has no callee yet: walking a critical section must not need one.
#include <concur_mock_posix.h>
#include <mock_std.h>

std::mutex table_mutex;

// negative: a comparison under the lock, in an if, does not wait.
template <typename Key> bool less_under_lock(const Key &a, const Key &b) {
  std::lock_guard<std::mutex> guard(table_mutex);
  if (a < b)
    return true;
  return b == a;
}

template <typename Key> long load_under_lock(const Key &key, int fd, char *buf) {
  std::lock_guard<std::mutex> guard(table_mutex);
  if (key < key)
    return 0;
  return read(fd, buf, 4096);
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'read' blocks on file I/O while 'table_mutex' is locked
}
