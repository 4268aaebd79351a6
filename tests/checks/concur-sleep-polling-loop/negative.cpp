// Loops that sleep without polling, waits that are notified, bounded
// retries, and polling in coroutines (reported by
// concur-blocking-call-in-coroutine instead).
#include <concur_mock_posix.h>
#include <mock_std.h>
#include <mock_task.h>

std::atomic<bool> ready{false};
std::mutex m;
std::condition_variable cv;
bool flag = false;

void work();
bool try_connect();

// negative: a condition variable waits to be notified
void wait_cv() {
  std::unique_lock<std::mutex> lock(m);
  while (!flag)
    cv.wait(lock);
}

// negative: an atomic wait
void wait_atomic() {
  while (!ready.load())
    ready.wait(false);
}

// negative: a timed wait on a condition variable is interruptible
void periodic(std::atomic<bool> &stop) {
  std::unique_lock<std::mutex> lock(m);
  while (!stop) {
    work();
    cv.wait_for(lock, std::chrono::seconds(1));
  }
}

// negative: a bounded retry with back-off
bool connect_with_retries(int attempts) {
  for (int i = 0; i < attempts; ++i) {
    if (try_connect())
      return true;
    sleep(1);
  }
  return false;
}

// negative: a small constant number of retries
bool connect_three_times() {
  for (int i = 0; i < 3; ++i) {
    if (try_connect())
      return true;
    usleep(1000);
  }
  return false;
}

// negative: a rate limit: one item per tick, nothing polled
void throttled(const std::vector<int> &items) {
  for (int item : items) {
    (void)item;
    work();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// negative: an endless ticker without a condition
void ticker() {
  for (;;) {
    work();
    sleep(60);
  }
}

// negative: a local flag the loop cannot see change
void local_flag() {
  bool stop = false;
  int ticks = 0;
  while (!stop && ticks < 1000) {
    ++ticks;
    usleep(10);
  }
}

// negative: waits until a deadline: the clock is not polled state
void delay_until(std::chrono::steady_clock::time_point deadline) {
  while (std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

// negative: a spin without sleeping is not this check's concern
void spin() {
  while (!ready.load()) {
  }
}

// negative: the sleep is in a nested loop, which polls nothing itself
void nested(std::atomic<bool> &stop, const std::vector<int> &items) {
  while (!stop) {
    for (int item : items) {
      (void)item;
      usleep(10);
    }
  }
}

// negative: the sleep runs on another thread, not in this loop
void sleep_elsewhere(std::vector<std::thread> &threads) {
  while (!ready) {
    threads.push_back(std::thread([] { sleep(1); }));
    if (threads.size() > 10)
      break;
  }
}

// negative: std::call_once runs the initialisation once, no polling
std::once_flag once;
void init_once() {
  std::call_once(once, [] { work(); });
}

// negative: NOLINT
void suppressed() {
  while (!ready) // NOLINT(concur-sleep-polling-loop)
    usleep(100);
}

// negative: polling in a coroutine, or in a coroutine lambda, is
// concur-blocking-call-in-coroutine's to report
concur::task<void> poll_in_coroutine() {
  while (!ready)
    usleep(100);
  co_return;
}

void spawn_poller() {
  auto poller = []() -> concur::task<void> {
    while (!ready)
      usleep(100);
    co_return;
  };
  (void)poller();
}
