// Mistake: polling a flag with sleeps (concur-sleep-polling-loop).
//
// The consumer checks an atomic flag every 10 ms until the producer sets
// it: it wakes up for nothing while it waits, and notices the result up to
// 10 ms late. concur reports the loop in consume() with row `threading`:
// wait to be notified instead (a condition variable, ready.wait(false), or a
// concur::channel carrying the result).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

static std::atomic<bool> ready{false};
static long result = 0;

static void produce() {
  long sum = 0;
  for (long i = 1; i <= 1000000; ++i)
    sum += i % 7;
  result = sum;
  ready.store(true);
}

static long consume() {
  while (!ready.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return result;
}

int main() {
  std::thread producer(produce);
  std::printf("result: %ld\n", consume());
  producer.join();
}
