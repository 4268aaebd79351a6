// The ways of starting a thread per task: pthread_create, std::async,
// function objects, per-request threads in a server loop.
#include <concur_mock_posix.h>
#include <mock_std.h>

void handle(int client) {
  char buf[512];
  long n = recv(client, buf, sizeof buf, 0);
  send(client, buf, n, 0);
  close(client);
}

void *handle_raw(void *arg) {
  handle(*static_cast<int *>(arg));
  return nullptr;
}

// --- per request of a server loop ---------------------------------------------

void serve_threads(int listener) {
  for (;;) {
    int client = accept(listener, nullptr, nullptr);
    std::thread(handle, client).detach();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'std::thread' starts a thread per iteration of a server loop (one per request) for network I/O ('recv' via 'handle'); reuse a bounded set of workers instead of one thread per task (row: asyncio)
    // CHECK-NOTES: :[[@LINE-4]]:3: note: one thread is started per iteration of this loop
  }
}

void serve_pthreads(int listener) {
  while (true) {
    int *client = new int(accept(listener, nullptr, nullptr));
    pthread_t tid;
    pthread_create(&tid, nullptr, handle_raw, client);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'pthread_create' starts a thread per iteration of a server loop (one per request) for network I/O ('recv' via 'handle_raw' -> 'handle'); reuse a bounded set of workers instead of one thread per task (row: asyncio)
    pthread_detach(tid);
  }
}

void serve_async(int listener) {
  std::vector<std::future<void>> pending;
  do {
    int client = accept(listener, nullptr, nullptr);
    pending.push_back(std::async(handle, client));
    // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: 'std::async' starts a thread per iteration of a server loop (one per request) for network I/O
  } while (true);
}

void serve_until_stopped(int listener, const std::atomic<bool> &stop) {
  while (!stop.load()) {
    int client = accept(listener, nullptr, nullptr);
    std::jthread(handle, client).detach();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'std::jthread' starts a thread per iteration of a loop with a runtime-sized fan-out for network I/O
  }
}

// --- function objects and pointers -------------------------------------------

struct Compress {
  std::vector<long> *block;
  void operator()() const { std::sort(block->begin(), block->end()); }
};

void compress_all(std::vector<std::vector<long>> &blocks) {
  for (std::vector<long> &block : blocks)
    std::thread(Compress{&block}).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'std::thread' starts a thread per iteration of a loop with a runtime-sized fan-out for CPU work (sort work in 'std::sort' via 'Compress::operator()')
}

void compress_named(std::vector<std::vector<long>> &blocks) {
  for (std::vector<long> &block : blocks) {
    Compress task{&block};
    std::thread runner(task);
    // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: 'std::thread' starts a thread per iteration of a loop with a runtime-sized fan-out for CPU work
    runner.join();
  }
}

void sort_block(std::vector<long> *block) {
  std::sort(block->begin(), block->end());
}

void sort_pointer(std::vector<std::vector<long>> &blocks) {
  for (std::vector<long> &block : blocks)
    std::thread(&sort_block, &block).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'std::thread' starts a thread per iteration of a loop with a runtime-sized fan-out for CPU work (sort work in 'std::sort' via 'sort_block')
}

// --- nested loops: the inner loop starts the threads -------------------------

void sort_grid(std::vector<std::vector<std::vector<long>>> &grid) {
  for (auto &row : grid)
    for (std::vector<long> &cell : row)
      std::thread(sort_block, &cell).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'std::thread' starts a thread per iteration of a loop with a runtime-sized fan-out for CPU work
  // CHECK-NOTES: :[[@LINE-3]]:5: note: one thread is started per iteration of this loop
}

// --- a lambda that starts threads is itself a task ----------------------------

void start_in_lambda(std::vector<std::vector<long>> &blocks) {
  auto launch = [&] {
    for (std::vector<long> &block : blocks)
      std::thread(sort_block, &block).detach();
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'std::thread' starts a thread per iteration of a loop with a runtime-sized fan-out for CPU work
  };
  launch();
}

// --- a lock in the task's loop is not a worker waiting for work -----------------

std::mutex relay_mutex;
long relayed = 0;

void relay(int fd) {
  char buf[256];
  while (recv(fd, buf, sizeof buf, 0) > 0) {
    std::lock_guard<std::mutex> lock(relay_mutex);
    ++relayed;
  }
}

void relay_all(const std::vector<int> &fds) {
  for (int fd : fds)
    std::thread(relay, fd).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'std::thread' starts a thread per iteration of a loop with a runtime-sized fan-out for network I/O ('recv' via 'relay'); reuse a bounded set of workers instead of one thread per task (row: asyncio)
}
