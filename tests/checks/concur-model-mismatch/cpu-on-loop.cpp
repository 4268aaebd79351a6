// CPU-bound work posted to an event loop's thread: every other task on the
// loop waits for it.
#include <concur_mock_posix.h>
#include <mock_concur_models.h>
#include <mock_std.h>

double render(const double *pixels, int n) {
  double acc = 0;
  for (int i = 0; i < n; ++i)
    acc += sqrt(pixels[i]) * 0.5 + pixels[i] * pixels[i];
  return acc;
}

void post_render(concur::event_loop &loop, const double *pixels, int n) {
  loop.post([pixels, n] { render(pixels, n); });
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: the lambda does substantial CPU work (math work in 'sqrt' via 'render') but runs on the event loop's thread ('concur::event_loop::post'), where it stalls every task; offload it to a core-sized pool with run_in_executor (row: mixed)
  // CHECK-NOTES: :[[@LINE-2]]:13: note: row 'mixed' (decision step 2)
  // CHECK-NOTES: :[[@LINE-3]]:13: note: 'lambda' is called here
  // CHECK-NOTES: :[[@LINE-4]]:27: note: 'render' is called here
  // CHECK-NOTES: :[[@LINE-10]]:12: note: 'sqrt' does math work
}

void sort_results(std::vector<int> *v) { std::sort(v->begin(), v->end()); }

void post_sort(concur::event_loop &loop, std::vector<int> *v) {
  loop.post([v] { sort_results(v); });
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: the lambda does substantial CPU work (sort work in 'std::sort' via 'sort_results') but runs on the event loop's thread ('concur::event_loop::post')
}

void hash_all(const std::vector<std::string> *keys) {
  std::hash<std::string> h;
  size_t acc = 0;
  for (const std::string &k : *keys)
    acc ^= h(k);
}

void post_function(concur::event_loop &loop) {
  auto job = [] {
    std::vector<std::string> keys;
    hash_all(&keys);
  };
  loop.post(job);
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: the lambda does substantial CPU work (hash work in 'std::hash<std::basic_string<char>>::operator()' via 'hash_all') but runs on the event loop's thread
}

// negative: a small callback is what an event loop is for.
int ticks = 0;
void post_tick(concur::event_loop &loop) {
  loop.post([] { ++ticks; });
}

// negative: the CPU part is offloaded to the core-sized pool.
void offload_render(concur::event_loop &loop, const double *pixels, int n) {
  loop.post([pixels, n] {
    auto f = concur::run_in_executor(concur::cpu_pool(),
                                     [pixels, n] { return render(pixels, n); });
  });
}

// negative: CPU work on the core-sized pool directly.
void render_on_cpu_pool(const double *pixels, int n) {
  auto f = concur::cpu_pool().submit(render, pixels, n);
}

// negative: std::thread is not an event loop.
void render_on_thread(const double *pixels, int n) {
  std::thread t(render, pixels, n);
  t.join();
}
