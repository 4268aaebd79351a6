// Coroutines that block. concur-blocking-call-in-coroutine offers a fix for
// a direct std::this_thread::sleep_for/sleep_until (the knowledge base's
// `fix:`); the call through nap() (defined in b.cpp) is only found with the
// cross-file fact and has no mechanical fix.
#include "waits.h"
#include <chrono>
#include <thread>

concur::task<void> backoff(int attempt) {
  std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
  co_return;
}

concur::task<void> wait_until(std::chrono::steady_clock::time_point deadline) {
  std::this_thread::sleep_until(deadline);
  co_return;
}

concur::task<void> poll_remote() {
  nap();
  co_return;
}
