// A coroutine calling a helper of another file that blocks on the network.
#include "net.h"
#include <mock_std.h>
#include <mock_task.h>

concur::task<long> serve(int fd) {
  long n = fetch_block(fd);
  co_return n;
}
