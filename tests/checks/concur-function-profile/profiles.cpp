// One remark per function definition: its class, the attributes that refine
// it, the model the selection table gives for it as a whole, and the top
// evidence. Every function defined here gets exactly one remark (or is listed
// as negative), so a wrong class or a missing remark fails the test.
// CONCUR-CONFIG: {CheckOptions: {concur-function-profile.Enable: true}}
#include <concur_mock_posix.h>
#include <curl/curl.h>
#include <mock_std.h>
#include <mock_task.h>
#include <sqlite3.h>

// --- io -------------------------------------------------------------------------

// Evidence: curl_easy_perform is network I/O.
long fetch(CURL *curl) { return long(curl_easy_perform(curl)); }
// CHECK-MESSAGES: :[[@LINE-1]]:6: remark: 'fetch' is io (network; confidence {{[0-9.]+}}); model: asyncio; evidence: curl_easy_perform (network)

// Evidence: the class travels up the call chain.
long fetch_twice(CURL *curl) { return fetch(curl) + fetch(curl); }
// CHECK-MESSAGES: :[[@LINE-1]]:6: remark: 'fetch_twice' is io (network; confidence {{.*}}); model: asyncio; evidence: fetch -> curl_easy_perform (network)

// Evidence: a file read; a plain blocking API: threading.
long load(const char *path, char *buf) {
  int fd = open(path, 0);
  long n = read(fd, buf, 4096);
  close(fd);
  return n;
}
// CHECK-MESSAGES: :[[@LINE-6]]:6: remark: 'load' is io (file; confidence {{[0-9.]+}}); model: threading

// Evidence: database I/O.
int query(sqlite3 *db) { return sqlite3_exec(db, "select 1", nullptr, nullptr, nullptr); }
// CHECK-MESSAGES: :[[@LINE-1]]:5: remark: 'query' is io (database; confidence {{[0-9.]+}}); model: threading

// Evidence: a sleep.
void nap() { usleep(50000); }
// CHECK-MESSAGES: :[[@LINE-1]]:6: remark: 'nap' is io (sleep; confidence {{[0-9.]+}}); model: asyncio

// --- cpu ------------------------------------------------------------------------

// Evidence: std::sort.
long median(std::vector<long> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
// CHECK-MESSAGES: :[[@LINE-4]]:6: remark: 'median' is cpu (confidence {{[0-9.]+}}); model: futures; evidence: std::sort (sort)

// Evidence: a floating-point loop: numeric, so joblib.
double dot(const double *a, const double *b, int n) {
  double s = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < 8; ++j)
      s += a[i] * b[j] * 0.5;
  return s;
}
// CHECK-MESSAGES: :[[@LINE-7]]:8: remark: 'dot' is cpu (numeric; confidence {{[0-9.]+}}); model: joblib; evidence: floating-point loop

// Evidence: heavy work plus an MT-unsafe call: multiprocessing.
int tokens(char *text) {
  int n = 0;
  std::vector<long> v(100);
  std::sort(v.begin(), v.end());
  for (char *t = strtok(text, " "); t; t = strtok(nullptr, " "))
    ++n;
  return n;
}
// CHECK-MESSAGES: :[[@LINE-8]]:5: remark: 'tokens' is cpu (not thread-safe; confidence {{[0-9.]+}}); model: multiprocessing

// Evidence: tree recursion (two recursive calls per activation).
long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
// CHECK-MESSAGES: :[[@LINE-1]]:6: remark: 'fib' is cpu (confidence {{[0-9.]+}}); model: futures; evidence: recursive computation

// Evidence: linear recursion with a trivial body stays trivial.
int length(const int *list) { return *list ? 1 + length(list + 1) : 0; }
// CHECK-MESSAGES: :[[@LINE-1]]:5: remark: 'length' is trivial

// --- mixed and trivial ----------------------------------------------------------

// Evidence: downloads then sorts heavily.
long fetch_and_rank(CURL *curl, std::vector<std::vector<long>> &batches) {
  long rc = fetch(curl);
  for (auto &b : batches)
    rc += median(b);
  return rc;
}
// CHECK-MESSAGES: :[[@LINE-6]]:6: remark: 'fetch_and_rank' is mixed (network; confidence {{[0-9.]+}}); model: mixed

// Evidence: a getter.
struct Account {
  long balance = 0;
  long get() const { return balance; }
  // CHECK-MESSAGES: :[[@LINE-1]]:8: remark: 'get' is trivial (confidence
};

int add(int a, int b) { return a + b; }
// CHECK-MESSAGES: :[[@LINE-1]]:5: remark: 'add' is trivial (confidence {{.*}}); model: sequential

// Evidence: printing is console output, which does not make a function io.
void report(int n) { printf("%d\n", n); }
// CHECK-MESSAGES: :[[@LINE-1]]:6: remark: 'report' is trivial (console; confidence {{[0-9.]+}}); model: sequential

// --- coroutines -----------------------------------------------------------------

// Evidence: a coroutine that blocks: asyncio (its blocking call is a bug the
// coroutine check reports).
concur::task<long> serve(int fd) {
  char buf[64];
  co_return recv(fd, buf, sizeof buf, 0);
}
// CHECK-MESSAGES: :[[@LINE-4]]:20: remark: 'serve' is io (network; confidence {{[0-9.]+}}); model: asyncio

// --- annotations ----------------------------------------------------------------

// Evidence: the user's annotation states the class outright.
[[clang::annotate("concur::io:network")]] void rpc_call();
void call_rpc() { rpc_call(); }
// CHECK-MESSAGES: :[[@LINE-1]]:6: remark: 'call_rpc' is io (network; confidence

[[clang::annotate("concur::cpu:numeric")]] void simulate();
void run_simulation() { simulate(); }
// CHECK-MESSAGES: :[[@LINE-1]]:6: remark: 'run_simulation' is cpu (numeric; confidence

// --- silent -----------------------------------------------------------------------

// negative: a function template's pattern has no class until instantiated
// (the instantiation is profiled through its callers, not on its own)
template <class T> T twice(T v) { return v + v; }

// negative: a declaration without a body is not a definition
long elsewhere(int);

// negative: functions in system headers (mock_std.h's std::sort) are not
// profiled; only definitions in this file are

// negative: the user silenced this one
void quiet() { usleep(1000); } // NOLINT(concur-function-profile)

// negative: a lambda is profiled as part of the function that calls it; the
// enclosing function gets the remark
int use_lambda() {
  auto f = [] { return 1; };
  return f();
}
// CHECK-MESSAGES: :[[@LINE-4]]:5: remark: 'use_lambda' is trivial

// A function written by a macro expansion is profiled under its own name
// (macro-defined.cpp has more).
#define DEFINE_GETTER(name) int name() { return 7; }
DEFINE_GETTER(seven)
// CHECK-MESSAGES: :[[@LINE-1]]:15: remark: 'seven' is trivial
