// concur-function-profile is off unless its Enable option is true: enabling
// the check by name alone (as `--checks=concur-*` does) must not produce a
// remark for every function of a code base.
#include <concur_mock_posix.h>
#include <mock_std.h>

// negative: an io function is not profiled while the check is disabled
long load(const char *path, char *buf) {
  int fd = open(path, 0);
  return read(fd, buf, 4096);
}

// negative: nor is a cpu function
long median(std::vector<long> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// negative: nor a trivial one
int add(int a, int b) { return a + b; }
