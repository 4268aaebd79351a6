// Loops that check a condition and sleep between the checks: they wake up
// for nothing, and notice the change up to one sleep late.
#include <concur_mock_posix.h>
#include <mock_std.h>

std::atomic<bool> ready{false};
bool plain_flag = false;
volatile int status_word = 0;

// --- another thread's state: row threading --------------------------------------

void wait_ready() {
  while (!ready.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: loop polls '!ready.load()' and sleeps between checks ('std::this_thread::sleep_for'); wait for a notification instead: a condition variable, an atomic wait or a channel (row: threading)
  // CHECK-NOTES: :[[@LINE-3]]:10: note: the polled condition
  // CHECK-NOTES: :[[@LINE-4]]:3: note: row 'threading' (decision step 4)
  // CHECK-NOTES: :[[@LINE-4]]:5: note: 'std::this_thread::sleep_for' blocks on sleep I/O
}

void wait_plain_global() {
  while (!plain_flag)
    usleep(1000);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: loop polls '!plain_flag' and sleeps between checks ('usleep'); wait for a notification instead
}

void wait_volatile() {
  do {
    sleep(1);
  } while (status_word == 0);
  // CHECK-MESSAGES: :[[@LINE-3]]:3: warning: loop polls 'status_word == 0' and sleeps between checks ('sleep')
}

void wait_reference(const bool &done) {
  while (!done)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: loop polls '!done' and sleeps between checks ('std::this_thread::sleep_for')
}

void wait_atomic_conversion(std::atomic<bool> &stop) {
  while (!stop)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: loop polls '!stop' and sleeps between checks
}

struct Queue {
  std::mutex m;
  std::vector<int> items;
  bool empty() const;
  int pop();
};

int take(Queue &q) {
  while (q.empty())
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: loop polls 'q.empty()' and sleeps between checks ('std::this_thread::sleep_for'); wait for a notification instead: a condition variable, an atomic wait or a channel (row: threading)
  return q.pop();
}

int take_break(Queue &q) {
  for (;;) {
    if (!q.empty())
      break;
    usleep(500);
  }
  // CHECK-MESSAGES: :[[@LINE-5]]:3: warning: loop polls '!q.empty()' and sleeps between checks ('usleep')
  // CHECK-NOTES: :[[@LINE-5]]:9: note: the polled condition
  return q.pop();
}

int take_return(Queue &q) {
  while (true) {
    if (!q.empty())
      return q.pop();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  // CHECK-MESSAGES: :[[@LINE-5]]:3: warning: loop polls '!q.empty()' and sleeps between checks
}

void lock_spin(std::mutex &m) {
  while (!m.try_lock())
    std::this_thread::yield(), usleep(100);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: loop polls '!m.try_lock()' and sleeps between checks ('usleep')
  m.unlock();
}

void wait_future(std::future<int> &f) {
  while (f.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: loop polls 'f.wait_for(std::chrono::seconds(0)) !...' and sleeps between checks
}

// --- members polled from a method ------------------------------------------------

class Worker {
public:
  void wait_started() {
    while (!started_)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    // CHECK-MESSAGES: :[[@LINE-2]]:5: warning: loop polls '!started_' and sleeps between checks
  }

private:
  bool started_ = false;
};

// --- the sleep is in a callee ------------------------------------------------------

void nap() { std::this_thread::sleep_for(std::chrono::milliseconds(100)); }

void wait_with_nap() {
  while (!ready)
    nap();
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: loop polls '!ready' and sleeps between checks ('std::this_thread::sleep_for' via 'nap'); wait for a notification instead
  // CHECK-NOTES: :[[@LINE-2]]:5: note: 'nap' is called here
}

// --- the state is read into a variable first ----------------------------------------

bool check_done();

void wait_stored() {
  bool done = false;
  while (!done) {
    done = check_done();
    if (!done)
      sleep(1);
  }
  // CHECK-MESSAGES: :[[@LINE-5]]:3: warning: loop polls '!done' and sleeps between checks ('sleep')
}

// --- a file that another process writes ------------------------------------------------

void wait_for_file(const char *path) {
  struct stat st;
  while (stat(path, &st) != 0)
    sleep(1);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: loop polls 'stat(path, &st) != 0' with file I/O and sleeps between checks ('sleep'); wait for readiness instead of sleeping and checking again (row: threading)
}

// --- a non-blocking socket ---------------------------------------------------------------

long receive_polling(int fd, char *buf) {
  for (;;) {
    long n = recv(fd, buf, 512, 0x40);
    if (n >= 0)
      return n;
    usleep(1000);
  }
  // CHECK-MESSAGES: :[[@LINE-6]]:3: warning: loop polls 'n >= 0' with network I/O and sleeps between checks ('usleep'); wait for readiness instead of sleeping and checking again (row: asyncio)
  // CHECK-NOTES: :[[@LINE-7]]:3: note: row 'asyncio' (decision step 4)
  // CHECK-NOTES: :[[@LINE-7]]:14: note: 'recv' blocks on network I/O
}

// --- each loop on its own: nested in another loop, written in a lambda -------------------

void drain_batches(int batches) {
  for (int b = 0; b < batches; ++b) {
    while (!ready.load())
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    // CHECK-MESSAGES: :[[@LINE-2]]:5: warning: loop polls '!ready.load()' and sleeps between checks ('std::this_thread::sleep_for'); wait for a notification instead
  }
}

void start_waiter() {
  auto waiter = [] {
    while (!plain_flag)
      usleep(1000);
    // CHECK-MESSAGES: :[[@LINE-2]]:5: warning: loop polls '!plain_flag' and sleeps between checks ('usleep'); wait for a notification instead
  };
  waiter();
}
