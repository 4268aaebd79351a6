#include "waits.h"
#include <chrono>
#include <thread>

void nap() { std::this_thread::sleep_for(std::chrono::milliseconds(5)); }

concur::task<void> settle() {
  co_await concur::sleep_for(std::chrono::milliseconds(1));
  co_return;
}
