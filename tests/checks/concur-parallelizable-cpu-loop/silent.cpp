// Loops the check must leave alone. Each `negative:` function must produce no
// warning: too little work per iteration, iterations that depend on each
// other, code already parallel, waiting rather than computing, and code the
// user does not own or cannot rewrite.
#include <concur_mock_posix.h>
#include <concur_mock_syslib.h>
#include <mock_pools.h>
#include <mock_std.h>
#include <mock_task.h>

long heavy(std::vector<long> v) {
  std::sort(v.begin(), v.end());
  return v.front();
}

// --- too little work ------------------------------------------------------------

// negative: a few additions per iteration are cheaper than a task
void add_one(int *values, int n) {
  for (int i = 0; i < n; ++i)
    values[i] += 1;
}

// negative: a getter per item
struct Point {
  double x, y;
  double getX() const { return x; }
};
double sum_x(const std::vector<Point> &points) {
  double s = 0;
  for (const Point &p : points)
    s += p.getX();
  return s;
}

// negative: two heavy calls in a row are no loop; a loop of one iteration is
// a single unit
void once(std::vector<long> &v, long *out) {
  for (int i = 0; i < 1; ++i)
    out[i] = heavy(v);
}

// --- loop-carried dependences -------------------------------------------------

// negative: a prefix sum reads the previous iteration's result
void prefix(const std::vector<std::vector<long>> &in, long *out) {
  out[0] = 0;
  for (size_t i = 1; i < in.size(); ++i)
    out[i] = out[i - 1] + heavy(in[i]);
}

// negative: the running total is read in the body, not only accumulated
void running(const std::vector<std::vector<long>> &in, long *out) {
  long total = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    total += heavy(in[i]);
    out[i] = total;
  }
}

// negative: the search stops at the first hit
long first_big(const std::vector<std::vector<long>> &in) {
  for (const auto &v : in)
    if (heavy(v) > 100)
      return heavy(v);
  return 0;
}

// negative: each iteration updates a model that the next one reads
struct Model {
  double weight = 0;
  void update(long v) { weight = weight * 0.9 + double(v); }
};
void train(Model &m, const std::vector<std::vector<long>> &batches) {
  for (const auto &b : batches)
    m.update(heavy(b));
}

// negative: state declared outside the loop is passed to a callee that may
// change it
void tally(std::vector<long> &histogram, long v) { histogram.push_back(v); }
void histogram_of(const std::vector<std::vector<long>> &in,
                  std::vector<long> &hist, std::vector<long> &sorted) {
  for (const auto &v : in) {
    sorted = v;
    std::sort(sorted.begin(), sorted.end());
    tally(hist, sorted.front());
  }
}

// negative: an iterative computation: x(n+1) = f(x(n))
double iterate(double x, int steps) {
  for (int i = 0; i < steps; ++i)
    x = cos(x) + sin(x) * exp(-x);
  return x;
}

// --- already parallel -------------------------------------------------------------

// negative: each iteration only submits a task to a pool
void submit_all(concur::thread_pool &pool,
                const std::vector<std::vector<long>> &in) {
  for (const auto &v : in)
    (void)pool.submit([v] { return heavy(v); });
}

// negative: one thread per item already runs in parallel
void threads(const std::vector<std::vector<long>> &in,
             std::vector<std::thread> &workers) {
  for (const auto &v : in)
    workers.emplace_back([v] { heavy(v); });
}

// negative: the work is handed to parallel_for, which is the fix
void parallel(std::vector<std::vector<long>> &in, long *out) {
  concur::parallel_for(size_t(0), in.size(), [&](size_t i) { out[i] = heavy(in[i]); });
}

// --- waiting, not computing ---------------------------------------------------------

// negative: an iteration that mostly waits is the blocking-loop check's business
void fetch_and_sort(const std::vector<int> &sockets, long *out) {
  for (size_t i = 0; i < sockets.size(); ++i) {
    char buf[512];
    recv(sockets[i], buf, sizeof buf, 0);
    std::vector<long> v(buf, buf + 8);
    out[i] = heavy(v);
  }
}

// negative: a loop inside a coroutine is the coroutine checks' business
concur::task<void> sort_in_coroutine(std::vector<std::vector<long>> in) {
  for (auto &v : in)
    std::sort(v.begin(), v.end());
  co_return;
}

// --- code the user cannot rewrite here ---------------------------------------------

#define SORT_ALL(groups)                                                        \
  for (auto &g_ : groups)                                                       \
    std::sort(g_.begin(), g_.end());

// negative: a loop written by a macro has no place for a fix
void macro_sort(std::vector<std::vector<long>> &groups) { SORT_ALL(groups) }

// negative: the loops in a system header are the library's, not the user's
void scale(double *rows, int count, int width) {
  concur_syslib::scale_rows(rows, count, width);
}

// negative: a template whose work depends on the argument type: the pattern
// cannot be resolved and this instantiation does nothing heavy
template <class T> void touch_each(std::vector<T> &items) {
  for (T &item : items)
    item.touch();
}
struct Cheap {
  int n = 0;
  void touch() { ++n; }
};
void touch_cheap(std::vector<Cheap> &items) { touch_each(items); }

struct Visitor {
  virtual ~Visitor() = default;
  virtual long visit(long v) const = 0;
};
struct Doubler final : Visitor {
  long visit(long v) const override { return 2 * v; }
};

// negative: the only override visible is cheap
void visit_all(const Visitor &vis, const long *in, long *out, int n) {
  for (int i = 0; i < n; ++i)
    out[i] = vis.visit(in[i]);
}

// negative: a call through a function pointer has no known target
void apply(long (*f)(long), const long *in, long *out, int n) {
  for (int i = 0; i < n; ++i)
    out[i] = f(in[i]);
}

// negative: NOLINT silences a loop the user has measured and keeps sequential
void kept_sequential(const std::vector<std::vector<long>> &in, long *out) {
  for (size_t i = 0; i < in.size(); ++i) // NOLINT(concur-parallelizable-cpu-loop)
    out[i] = heavy(in[i]);
}
