// A coroutine calling a helper of another file, whose work is all in a
// third: substantial only under a low SubstantialWork.
#include <mock_task.h>

int twice(int x);

concur::task<int> handle(int x) {
  int n = twice(x);
  co_return n;
}
