// Included by both units: with --header-filter, each unit reports the
// finding of this header and offers the same fix; it is applied once.
#pragma once
#include <chrono>
#include <concur/event_loop.hpp>
#include <thread>

void nap();

inline concur::task<void> header_wait() {
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  co_return;
}
