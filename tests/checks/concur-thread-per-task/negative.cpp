// Thread starts that are not a thread per task: fixed worker sets, workers
// sized to the cores, hand-written pools, pools, deferred std::async.
#include <concur_mock_posix.h>
#include <curl/curl.h>
#include <mock_pools.h>
#include <mock_std.h>

void fetch(const std::string &url) {
  CURL *curl = curl_easy_init();
  curl_easy_perform(curl);
}

void sort_block(std::vector<long> *block) {
  std::sort(block->begin(), block->end());
}

// negative: one thread outside any loop
void one_download(const std::string &url) {
  std::thread t(fetch, url);
  t.join();
}

// negative: a small constant fan-out is a fixed set of threads
void four_downloads(const std::string *urls) {
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back(fetch, urls[i]);
  for (std::thread &t : threads)
    t.join();
}

// negative: workers sized to the cores, joins outside the loop
void sort_on_cores(std::vector<std::vector<long>> &blocks) {
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < std::thread::hardware_concurrency(); ++w)
    workers.emplace_back([&blocks, w] {
      for (size_t i = w; i < blocks.size(); i += 4)
        sort_block(&blocks[i]);
    });
  for (std::thread &t : workers)
    t.join();
}

// negative: the worker count comes from the core count through a variable
void sort_on_cores_named(std::vector<std::vector<long>> &blocks) {
  const unsigned cores = std::thread::hardware_concurrency();
  std::vector<std::jthread> workers;
  for (unsigned w = 0; w < cores; ++w)
    workers.emplace_back([&blocks, w, cores] {
      for (size_t i = w; i < blocks.size(); i += cores)
        sort_block(&blocks[i]);
    });
}

// A hand-written pool: each worker serves a queue until it is closed.
struct Queue {
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::string> items;
  bool closed = false;
};

void serve_queue(Queue &q) {
  for (;;) {
    std::unique_lock<std::mutex> lock(q.m);
    q.cv.wait(lock);
    if (q.closed)
      return;
    std::string url = q.items.back();
    q.items.pop_back();
    lock.unlock();
    fetch(url);
  }
}

// negative: workers that serve a queue are a pool, however many
void start_workers(Queue &q, int n) {
  std::vector<std::thread> workers;
  for (int i = 0; i < n; ++i)
    workers.emplace_back(serve_queue, std::ref(q));
  for (std::thread &t : workers)
    t.join();
}

void run_worker(Queue &q) { serve_queue(q); }

// negative: the queue is served in a function the thread's lambda calls
void start_nested_workers(Queue &q, std::size_t n) {
  std::vector<std::thread> workers;
  for (std::size_t i = 0; i < n; ++i)
    workers.emplace_back([&q] { run_worker(q); });
  for (std::thread &t : workers)
    t.join();
}

// negative: tasks submitted to a pool reuse its threads
void download_on_pool(concur::thread_pool &pool,
                      const std::vector<std::string> &urls) {
  for (const std::string &url : urls)
    pool.submit(fetch, url);
}

// negative: std::launch::deferred runs the task in the caller
void deferred(std::vector<std::vector<long>> &blocks) {
  for (std::vector<long> &block : blocks)
    std::async(std::launch::deferred, sort_block, &block).get();
}

// negative: a lambda that starts one thread is not a loop's iteration
void lambda_per_item(std::vector<std::vector<long>> &blocks) {
  std::vector<std::function<void()>> starters;
  for (std::vector<long> &block : blocks)
    starters.push_back([&block] { std::thread(sort_block, &block).detach(); });
}

// negative: a thread started in a for-init runs once
void start_in_init(std::vector<long> &block) {
  for (std::thread t(sort_block, &block); t.joinable();)
    t.join();
}

// negative: the callable cannot be told (a std::function)
void opaque_tasks(const std::vector<std::function<void()>> &tasks) {
  for (const std::function<void()> &task : tasks)
    std::thread(task).detach();
}

// negative: two iterations are a single small unit each
void two_halves(std::vector<long> *halves) {
  for (int i = 0; i < 2; ++i)
    std::thread(sort_block, &halves[i]).detach();
}

// negative: an OpenMP-free parallel algorithm starts no thread here
void sort_parallel(std::vector<long> &keys) {
  std::sort(std::execution::par, keys.begin(), keys.end());
}

// negative: the loop's threads are started through a pool's executor
void download_on_executor(concur::executor &ex,
                          const std::vector<std::string> &urls) {
  for (const std::string &url : urls)
    ex.submit([&url] { fetch(url); });
}

// NOLINT suppresses a finding.
void suppressed(const std::vector<std::string> &urls) {
  for (const std::string &url : urls)
    std::thread(fetch, url).detach(); // NOLINT(concur-thread-per-task)
}

// negative: the loop starts the number of threads a setting asks for, each
// running its own event loop (a long-lived worker, not a task per item).
struct bench_config {
  int num_threads;
  pthread_t tids[64];
} config;
void *run_event_loop(void *arg) {
  fetch(*(std::string *)arg);
  return arg;
}
void start_benchmark_threads(std::string *hosts) {
  for (int i = 0; i < config.num_threads; ++i)
    pthread_create(&config.tids[i], nullptr, run_event_loop, &hosts[i]);
}
void start_io_workers(std::string *hosts, int nworkers) {
  std::vector<std::thread> threads;
  for (int i = 0; i < nworkers; ++i)
    threads.emplace_back(fetch, hosts[i]);
  for (std::thread &t : threads)
    t.join();
}
