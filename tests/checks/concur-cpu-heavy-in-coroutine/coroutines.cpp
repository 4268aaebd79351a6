// Substantial computation inside a coroutine stalls the event loop as surely
// as a blocking call: offload it to a core-sized pool (row: mixed, decision
// step 2). Waiting is the other coroutine check's business.
#include <concur_mock_posix.h>
#include <concur_mock_syslib.h>
#include <mock_pools.h>
#include <mock_std.h>
#include <mock_task.h>
#include <zlib.h>

namespace concur {
thread_pool &cpu_pool();
template <class F, class... A>
task<std::invoke_result_t<std::decay_t<F>, std::decay_t<A>...>>
run_in_executor(thread_pool &pool, F &&f, A &&...args) {
  using R = std::invoke_result_t<std::decay_t<F>, std::decay_t<A>...>;
  return task<R>(typename task<R>::handle_type());
}
} // namespace concur

// --- direct library calls -------------------------------------------------------

// Evidence: std::sort of a runtime-sized vector.
concur::task<long> median(std::vector<long> v) {
  std::sort(v.begin(), v.end());
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'sort' does substantial CPU work (sort work in 'std::sort') inside coroutine 'median'; offload it to a core-sized pool with run_in_executor (row: mixed)
  // CHECK-NOTES: :[[@LINE-2]]:3: note: row 'mixed' (decision step 2): CPU-heavy work on the event loop
  // CHECK-NOTES: :[[@LINE-3]]:3: note: 'std::sort' does sort work
  co_return v[v.size() / 2];
}

// Evidence: a regex compiled per request (tens of µs). Matching a short path
// with it takes well under a µs (bench/kb_calibration): not heavy.
concur::task<bool> route(std::string path) {
  std::regex pattern("^/api/v[0-9]+/users/[0-9]+$");
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: 'basic_regex' does substantial CPU work (regex work in 'std::basic_regex<char>::basic_regex') inside coroutine 'route'
  bool ok = std::regex_match(path, pattern);
  co_return ok;
}

// Evidence: compression of a response body.
concur::task<unsigned long> gzip_body(std::string body, unsigned char *out) {
  unsigned long size = 1 << 20;
  compress(out, &size, (const unsigned char *)body.data(), body.size());
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'compress' does substantial CPU work (compress work in 'compress') inside coroutine 'gzip_body'
  co_return size;
}

// --- loops written in the coroutine -----------------------------------------------

// Evidence: a math call in every iteration of a runtime-sized loop, no
// suspension: the calls are most of the loop's work.
concur::task<double> norm(std::vector<double> v) {
  double s = 0;
  for (double x : v)
    s += x * x * 1.5 + pow(x, 0.3);
  // CHECK-MESSAGES: :[[@LINE-2]]:3: warning: this loop does substantial CPU work (math work in 'pow') inside coroutine 'norm'
  co_return s;
}

// Evidence: floating-point arithmetic written in the loop itself.
concur::task<double> energy(std::vector<double> v) {
  double s = 0;
  for (int k = 0; k < 4; ++k)
    for (double x : v)
      s += x * x * 0.5 - x / 3.0;
  // CHECK-MESSAGES: :[[@LINE-3]]:3: warning: this loop does substantial CPU work (a floating-point loop) inside coroutine 'energy'
  co_return s;
}

// Evidence: nested loops are reported once, at the outer one.
concur::task<long> checksum(std::vector<std::string> lines) {
  long h = 0;
  for (const std::string &line : lines)
    for (char c : line)
      h = h * 31 + c;
  // CHECK-MESSAGES: :[[@LINE-3]]:3: warning: this loop does substantial CPU work (an arithmetic loop) inside coroutine 'checksum'
  co_return h;
}

// --- through helpers, lambdas, virtual calls and recursion -------------------------

long heavy(std::vector<long> v) {
  std::sort(v.begin(), v.end());
  return v.front();
}

// Evidence: a helper that sorts; the chain goes through it.
concur::task<long> via_helper(std::vector<long> v) {
  long r = heavy(v);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'heavy' does substantial CPU work (sort work in 'std::sort' via 'heavy') inside coroutine 'via_helper'
  // CHECK-NOTES: :[[@LINE-2]]:12: note: 'heavy' is called here
  // CHECK-NOTES: :[[@LINE-9]]:3: note: 'std::sort' does sort work
  co_return r;
}

// Evidence: a lambda called in the coroutine runs on the loop's thread.
concur::task<long> via_lambda(std::vector<long> v) {
  auto sorted_front = [&] {
    std::sort(v.begin(), v.end());
    return v.front();
  };
  long r = sorted_front();
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: the lambda does substantial CPU work (sort work in 'std::sort' via 'lambda') inside coroutine 'via_lambda'
  co_return r;
}

long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

// Evidence: tree recursion (two recursive calls per activation) does far
// more work than its body shows.
concur::task<long> fib_task(int n) {
  co_return fib(n);
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'fib' does substantial CPU work (a recursive computation via 'fib') inside coroutine 'fib_task'
}

long countdown(int n) { return n <= 0 ? 0 : 1 + countdown(n - 1); }

// negative: linear recursion with a trivial body is a short chain of calls
concur::task<long> countdown_task(int n) { co_return countdown(n); }

struct Codec {
  virtual ~Codec() = default;
  virtual long encode(std::vector<long> &v) = 0;
};
struct SortingCodec : Codec {
  long encode(std::vector<long> &v) override { return heavy(v); }
};

// Evidence: the heaviest visible override is assumed, and named.
concur::task<long> encode(Codec &codec, std::vector<long> v) {
  long r = codec.encode(v);
  // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: 'encode' does substantial CPU work (sort work in 'std::sort' via 'Codec::encode (virtual; assumed SortingCodec::encode)' -> 'heavy')
  co_return r;
}

// Evidence: a function template instantiated in the coroutine.
template <class T> T largest(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v.back();
}
concur::task<int> top(std::vector<int> v) {
  co_return largest(v);
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'largest' does substantial CPU work (sort work in 'std::sort' via 'largest')
}

// negative: a system-header function the knowledge base does not list is
// library code, assumed cheap (its loops are not analysed; list it with
// ExtraCpuFunctions to have it counted)
concur::task<void> scale(double *rows, int count) {
  concur_syslib::scale_rows(rows, count, 64);
  co_return;
}

// --- silent ---------------------------------------------------------------------

// negative: offloading the work is the fix: the lambda runs on the pool
concur::task<long> offloaded(std::vector<long> v) {
  long r = co_await concur::run_in_executor(concur::cpu_pool(), [v] { return heavy(v); });
  co_return r;
}

// negative: a loop that suspends in every iteration gives the loop its turn
concur::task<long> cooperative(std::vector<std::vector<long>> batches) {
  long total = 0;
  for (auto &b : batches) {
    for (long x : b)
      total += x * 3 + 1;
    co_await concur::sleep_for(std::chrono::milliseconds(0));
  }
  co_return total;
}

// negative: small arithmetic is not worth offloading
concur::task<int> add(int a, int b) { co_return a + b; }

// negative: a short loop of constant trip count
concur::task<int> small_loop() {
  int s = 0;
  for (int i = 0; i < 4; ++i)
    s += i;
  co_return s;
}

// negative: blocking calls are reported by concur-blocking-call-in-coroutine
concur::task<long> blocking(int fd) {
  char buf[64];
  co_return recv(fd, buf, sizeof buf, 0);
}

// negative: awaiting another coroutine does not run its body here; its own
// body is checked where it is defined
concur::task<long> awaits(std::vector<long> v) {
  long m = co_await median(v);
  co_return m;
}

// negative: a lambda defined but not called here is not this coroutine's work
concur::task<void> defines_only(std::vector<long> v) {
  auto later = [v]() mutable { std::sort(v.begin(), v.end()); };
  (void)later;
  co_return;
}

// negative: an ordinary function is not a coroutine
long plain(std::vector<long> v) { return heavy(v); }

// negative: a call through a function pointer has no known target
concur::task<long> indirect(long (*f)(std::vector<long>), std::vector<long> v) {
  co_return f(v);
}

// negative: the user marked the coroutine's sort as accepted
concur::task<void> accepted(std::vector<long> v) {
  std::sort(v.begin(), v.end()); // NOLINT(concur-cpu-heavy-in-coroutine)
  co_return;
}

#define SORT_IN_PLACE(v) std::sort((v).begin(), (v).end())

// Evidence: a macro that expands to a heavy call is reported at the expansion.
concur::task<void> macro_sort(std::vector<long> v) {
  SORT_IN_PLACE(v);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'sort' does substantial CPU work
  co_return;
}
