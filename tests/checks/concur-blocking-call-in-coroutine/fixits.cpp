// Fix-its: where the knowledge base gives a mechanical asynchronous form
// (`fix:`), a direct call in a coroutine is rewritten by clang-tidy --fix.
// Calls through helpers and calls written by macros get no fix.
#include <concur_mock_posix.h>
#include <mock_std.h>
#include <mock_task.h>

concur::task<void> backoff(int attempt) {
  std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'std::this_thread::sleep_for' blocks on sleep I/O inside coroutine 'backoff'; use its asynchronous form or run_in_executor (row: asyncio)
  // CHECK-FIXES: co_await concur::sleep_for(std::chrono::milliseconds(100 * attempt));
  co_return;
}

concur::task<void> wait_until(std::chrono::steady_clock::time_point deadline) {
  std::this_thread::sleep_until(deadline);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'std::this_thread::sleep_until' blocks on sleep I/O inside coroutine 'wait_until'
  // CHECK-FIXES: co_await concur::sleep_until(deadline);
  co_return;
}

void nap() { std::this_thread::sleep_for(std::chrono::milliseconds(5)); }

// Evidence: the sleep is inside a helper: replacing the helper's call is not
// mechanical (the helper is not a coroutine), so no fix is offered.
concur::task<void> indirect() {
  nap();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'nap' blocks on sleep I/O ('std::this_thread::sleep_for') inside coroutine 'indirect'
  // CHECK-FIXES: nap();
  co_return;
}

#define SLEEP_MS(n) std::this_thread::sleep_for(std::chrono::milliseconds(n))

// Evidence: the call is written by a macro: no fix inside the expansion.
concur::task<void> from_macro() {
  SLEEP_MS(10);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'std::this_thread::sleep_for' blocks on sleep I/O inside coroutine 'from_macro'
  // CHECK-FIXES: SLEEP_MS(10);
  co_return;
}

// Evidence: POSIX sleep has an asynchronous form but no mechanical fix (its
// argument is in seconds, not a duration).
concur::task<void> posix_sleep() {
  sleep(1);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'sleep' blocks on sleep I/O inside coroutine 'posix_sleep'
  // CHECK-FIXES: sleep(1);
  co_return;
}
