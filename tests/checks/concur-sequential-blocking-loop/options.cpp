// Check options: ExtraBlockingFunctions teaches the analysis the project's
// own blocking APIs; FanOutThreshold moves the line between a small fan-out
// (threading) and a large one (asyncio); SubstantialBlocking raises the bar.
// CONCUR-CONFIG: {CheckOptions: {concur-sequential-blocking-loop.ExtraBlockingFunctions: 'rpc::call=network;store::get=database;tick=sleep', concur-sequential-blocking-loop.FanOutThreshold: '16', concur-sequential-blocking-loop.SubstantialBlocking: '20000'}}
#include <concur_mock_posix.h>
#include <mock_std.h>

namespace rpc {
int call(int service, int arg);
}
namespace store {
struct Db;
int get(Db *db, int key);
} // namespace store
void tick();

// Evidence: rpc::call is network I/O by the option; 12 iterations are a
// small fan-out under FanOutThreshold 16, so not asyncio; the results are
// collected per item: futures over an I/O pool.
void call_twelve(int *out) {
  for (int i = 0; i < 12; ++i)
    out[i] = rpc::call(i, 0);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on network I/O in 'rpc::call'; run them concurrently (row: futures, I/O pool)
}

// Evidence: 10 iterations, results not collected: threading.
void call_ten() {
  for (int i = 0; i < 10; ++i)
    rpc::call(i, 0);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on network I/O in 'rpc::call'; run them concurrently (row: threading)
}

// Evidence: 20 iterations exceed the threshold: asyncio.
void call_twenty() {
  for (int i = 0; i < 20; ++i)
    rpc::call(i, 0);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on network I/O in 'rpc::call'; run them concurrently (row: asyncio)
}

// Evidence: a database API taught by the option; results collected per key.
void get_all(store::Db *const *shards, const std::vector<int> &keys, std::vector<int> &values) {
  for (int key : keys)
    values.push_back(store::get(shards[key % 4], key));
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: independent iterations each block on database I/O in 'store::get'; run them concurrently (row: futures, I/O pool)
}

// negative: a file read (10000 units) is below the raised SubstantialBlocking
// (20000)
void read_each(const std::vector<int> &fds, char *buf) {
  for (int fd : fds)
    read(fd, buf, 64);
}

// negative: an unknown function is not blocking until an option says so
int compute(int);
void compute_each(const std::vector<int> &xs, int *out) {
  for (size_t i = 0; i < xs.size(); ++i)
    out[i] = compute(xs[i]);
}

// Evidence: a sleep taught by the option, runtime-sized: asyncio (timers).
void tick_each(const std::vector<int> &jobs) {
  for (int job : jobs) {
    (void)job;
    tick();
  }
  // CHECK-MESSAGES: :[[@LINE-4]]:3: warning: independent iterations each block on sleep I/O in 'tick'; run them concurrently (row: asyncio)
}
