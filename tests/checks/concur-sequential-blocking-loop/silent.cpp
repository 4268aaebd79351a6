// Loops the check must leave alone: no substantial waiting, iterations that
// depend on each other, code that is already concurrent, and code the user
// does not own. Each `negative:` function must produce no warning.
#include <concur_mock_posix.h>
#include <concur_mock_syslib.h>
#include <curl/curl.h>
#include <mock_pools.h>
#include <mock_std.h>
#include <mock_task.h>

long read_one(int fd) {
  char buf[256];
  return recv(fd, buf, sizeof buf, 0);
}

// --- too little waiting ---------------------------------------------------------

// negative: a trivial loop: arithmetic only
int sum_small(const int *values, int n) {
  int total = 0;
  for (int i = 0; i < n; ++i)
    total += values[i];
  return total;
}

// negative: console output is cheap per call and its order matters
void print_all(const std::vector<int> &values) {
  for (int v : values)
    printf("%d\n", v);
}

// negative: an uncontended lock is not waiting worth overlapping
void bump_all(std::mutex &m, std::vector<int> &counters) {
  for (int &c : counters) {
    std::lock_guard<std::mutex> guard(m);
    ++c;
  }
}

// negative: one iteration is nothing to overlap
void only_once(int fd) {
  for (int i = 0; i < 1; ++i)
    read_one(fd);
}

// --- iterations that depend on each other ---------------------------------------

// negative: the loop stops at the first success ('break'): later iterations
// run only when earlier ones failed
int first_reachable(const std::vector<int> &sockets) {
  int found = -1;
  for (int fd : sockets) {
    if (send(fd, "?", 1, 0) == 1) {
      found = fd;
      break;
    }
  }
  return found;
}

// negative: 'return' inside the loop is an early exit as well
int first_answer(const int *sockets, int n) {
  for (int i = 0; i < n; ++i)
    if (read_one(sockets[i]) > 0)
      return i;
  return -1;
}

// negative: a stream read line by line from one shared file: each read
// continues where the previous one stopped
size_t lines_of(std::ifstream &in) {
  std::string line;
  size_t n = 0;
  while (std::getline(in, line))
    ++n;
  return n;
}

// negative: the offset of each read comes from the previous one
long read_chunks(int fd, char *buf, const long *sizes, int n) {
  long offset = 0;
  for (int i = 0; i < n; ++i) {
    long got = pread(fd, buf + offset, (size_t)sizes[i], offset);
    offset += got;
  }
  return offset;
}

// negative: each iteration overwrites state declared outside the loop
long last_size(const std::vector<int> &sockets) {
  long last = 0;
  for (int fd : sockets)
    last = read_one(fd);
  return last;
}

// negative: a retry loop: whether to go on depends on the previous attempt
bool retry(int fd) {
  int attempts = 0;
  while (read_one(fd) <= 0) {
    if (++attempts > 5)
      return false;
    usleep(1000);
  }
  return true;
}

struct Node {
  int fd;
  Node *next;
};
// Evidence: walking a linked list is cheap; what each node does is not, and
// it is independent of the other nodes (the walk can submit each node).
void walk(Node *head) {
  for (Node *n = head; n; n = n->next)
    read_one(n->fd);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on network I/O in 'recv' via 'read_one'; run them concurrently (row: asyncio)
}

// negative: the walk itself blocks: the next node is only known after the
// previous one's reply
struct Remote {
  int fd;
  Remote *follow(long reply) const;
};
void follow_chain(Remote *at) {
  while (at) {
    long reply = read_one(at->fd);
    at = at->follow(reply);
  }
}

// --- already concurrent -------------------------------------------------------

// negative: the iterations only submit work to a pool; the pool waits
void submit_all(concur::thread_pool &pool, const std::vector<int> &sockets) {
  for (int fd : sockets)
    (void)pool.submit([fd] { return read_one(fd); });
}

// negative: one std::thread per item already overlaps the waiting
void thread_per_socket(const std::vector<int> &sockets,
                       std::vector<std::thread> &workers) {
  for (int fd : sockets)
    workers.emplace_back([fd] { read_one(fd); });
}

// negative: joining workers one after another is how a fan-out ends
void join_all(std::vector<std::thread> &workers) {
  for (std::thread &t : workers)
    t.join();
}

// negative: std::async starts each download on its own
void async_all(const std::vector<int> &sockets) {
  for (int fd : sockets)
    (void)std::async(std::launch::async, read_one, fd);
}

// negative: loops in a coroutine are the coroutine checks' business
concur::task<void> drain_in_coroutine(std::vector<int> sockets) {
  for (int fd : sockets)
    read_one(fd);
  co_return;
}

// negative: a coroutine lambda is a coroutine too
void drain_in_coroutine_lambda(std::vector<int> sockets) {
  auto drain = [&sockets]() -> concur::task<void> {
    for (int fd : sockets)
      read_one(fd);
    co_return;
  };
  (void)drain();
}

// --- macros, lambdas, templates, system headers ---------------------------------

#define FOR_EACH_SOCKET(fds, n, body)                                           \
  for (int i_ = 0; i_ < (n); ++i_) {                                            \
    int fd_ = (fds)[i_];                                                        \
    body;                                                                       \
  }

// negative: a loop written by a macro expansion has no place to put a fix
void macro_loop(const int *fds, int n) { FOR_EACH_SOCKET(fds, n, read_one(fd_)); }

// negative: the loop inside a lambda that is never called in a loop: the
// lambda's own loop is reported where it is written only when it qualifies,
// and this one stops at the first reply
void lambda_with_break(const std::vector<int> &sockets) {
  auto first = [&] {
    for (int fd : sockets)
      if (read_one(fd) > 0)
        break;
  };
  first();
}

// negative: a loop in a system header is not the user's code (the header's
// drain_sockets loops over recv, but the user only calls it)
void drain(const int *fds, int n) { concur_syslib::drain_sockets(fds, n); }

// negative: a loop over a function template's dependent calls: the pattern
// cannot be resolved and instantiations are not reported one by one
template <class Conn> void close_all(std::vector<Conn> &conns) {
  for (Conn &c : conns)
    c.shutdown();
}
struct Quiet {
  void shutdown() {}
};
void close_quiet(std::vector<Quiet> &conns) { close_all(conns); }

// --- recursion and virtual calls that do not block ------------------------------

int depth(const Node *n) { return n ? 1 + depth(n->next) : 0; }

// negative: a recursive helper that only computes does not wait
void depths(const std::vector<Node *> &lists, int *out) {
  for (size_t i = 0; i < lists.size(); ++i)
    out[i] = depth(lists[i]);
}

struct Sink {
  virtual ~Sink() = default;
  virtual void put(int v) = 0;
};
struct CountingSink final : Sink {
  int count = 0;
  void put(int) override { ++count; }
};

// negative: the only override visible does not block
void feed(Sink &sink, const std::vector<int> &values) {
  for (int v : values)
    sink.put(v);
}

// negative: a call through a function pointer has no known target
void through_pointer(long (*reader)(int), const std::vector<int> &fds) {
  for (int fd : fds)
    reader(fd);
}

// negative: NOLINT silences a loop the user has decided to keep sequential
void kept_sequential(const std::vector<int> &sockets) {
  for (int fd : sockets) // NOLINT(concur-sequential-blocking-loop)
    read_one(fd);
}

// --- loops that wait rather than work -----------------------------------------

// negative: polls a flag another thread sets (concur-sleep-polling-loop's case)
std::atomic<bool> ready_flag{false};
void await_ready() {
  while (!ready_flag.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

// negative: paces itself: one beat per second until stopped
volatile bool keep_beating = true;
void heartbeat() {
  do
    usleep(1000000);
  while (keep_beating);
}
