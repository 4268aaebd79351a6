// A thread started per item of a loop: the row follows the class of the
// thread's work (the selection table, decision steps 1, 4 and 5).
#include <concur_mock_posix.h>
#include <curl/curl.h>
#include <mock_std.h>
#include <sqlite3.h>

struct Job {
  std::string url;
  std::vector<double> values;
  std::vector<long> keys;
};

// --- network I/O, runtime-sized fan-out: asyncio ----------------------------

void fetch(const std::string &url) {
  CURL *curl = curl_easy_init();
  curl_easy_perform(curl);
}

void download_all(const std::vector<std::string> &urls) {
  std::vector<std::thread> threads;
  for (const std::string &url : urls)
    threads.push_back(std::thread(fetch, url));
  // CHECK-MESSAGES: :[[@LINE-1]]:23: warning: 'std::thread' starts a thread per iteration of a loop with a runtime-sized fan-out for network I/O ('curl_easy_perform' via 'fetch'); reuse a bounded set of workers instead of one thread per task (row: asyncio)
  // CHECK-NOTES: :[[@LINE-3]]:3: note: one thread is started per iteration of this loop
  // CHECK-NOTES: :[[@LINE-3]]:23: note: row 'asyncio' (decision step 4): network or timer waits with a large or runtime-sized fan-out
  // CHECK-NOTES: :[[@LINE-4]]:35: note: 'fetch' is called here
  // CHECK-NOTES: :[[@LINE-11]]:3: note: 'curl_easy_perform' blocks on network I/O
  for (std::thread &t : threads)
    t.join();
}

void download_emplace(const std::vector<std::string> &urls) {
  std::vector<std::thread> threads;
  for (const std::string &url : urls)
    threads.emplace_back(fetch, url);
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'std::thread' starts a thread per iteration of a loop with a runtime-sized fan-out for network I/O ('curl_easy_perform' via 'fetch'); reuse a bounded set of workers instead of one thread per task (row: asyncio)
  for (std::thread &t : threads)
    t.join();
}

void download_lambda(const std::vector<std::string> &urls) {
  for (const std::string &url : urls) {
    std::thread worker([&url] { fetch(url); });
    // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: 'std::thread' starts a thread per iteration of a loop with a runtime-sized fan-out for network I/O ('curl_easy_perform' via 'fetch')
    worker.detach();
  }
}

void download_indexed(const std::string *urls, int n) {
  for (int i = 0; i < n; ++i)
    std::thread(fetch, urls[i]).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'std::thread' starts a thread per iteration of a loop with a runtime-sized fan-out for network I/O
}

void download_many_constant(const std::string *urls) {
  for (int i = 0; i < 500; ++i)
    std::thread(fetch, urls[i]).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'std::thread' starts a thread per iteration of a loop of 500 iterations for network I/O ('curl_easy_perform' via 'fetch'); reuse a bounded set of workers instead of one thread per task (row: asyncio)
}

// --- file and database I/O: threading or futures over an I/O pool -----------

void load(const std::string &path) {
  FILE *f = fopen(path.c_str(), "r");
  char buf[4096];
  fread(buf, 1, sizeof buf, f);
  fclose(f);
}

void load_all(const std::vector<std::string> &paths) {
  for (const std::string &path : paths)
    std::thread(load, path).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'std::thread' starts a thread per iteration of a loop with a runtime-sized fan-out for file I/O ('fopen' via 'load'); reuse a bounded set of workers instead of one thread per task (row: threading)
  // CHECK-NOTES: :[[@LINE-2]]:5: note: row 'threading' (decision step 4): blocking I/O with a small fan-out or without an asynchronous form
}

int count_rows(sqlite3_stmt *stmt) {
  int rows = 0;
  while (sqlite3_step(stmt) == 100)
    ++rows;
  return rows;
}

void count_all(const std::vector<sqlite3_stmt *> &statements) {
  std::vector<std::future<int>> counts;
  for (sqlite3_stmt *stmt : statements)
    counts.push_back(std::async(std::launch::async, count_rows, stmt));
  // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: 'std::async' starts a thread per iteration of a loop with a runtime-sized fan-out for database I/O ('sqlite3_step' via 'count_rows'); reuse a bounded set of workers instead of one thread per task (row: futures, I/O pool)
  for (std::future<int> &c : counts)
    c.get();
}

// --- CPU work: a core-sized pool, joblib, or processes -----------------------

void rank(Job &job) {
  std::sort(job.keys.begin(), job.keys.end());
}

void rank_all(std::vector<Job> &jobs) {
  std::vector<std::jthread> threads;
  for (Job &job : jobs)
    threads.emplace_back([&job] { rank(job); });
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'std::jthread' starts a thread per iteration of a loop with a runtime-sized fan-out for CPU work (sort work in 'std::sort' via 'rank'); reuse a bounded set of workers instead of one thread per task (row: futures, core-sized pool)
  // CHECK-NOTES: :[[@LINE-2]]:5: note: row 'futures' (decision step 5): independent CPU tasks on a core-sized pool
}

void normalise(std::vector<double> &values) {
  double sum = 0;
  for (double v : values)
    sum += exp(v * v);
  for (double &v : values)
    v = sqrt(v / sum) * 3.5 + 1.25;
}

void normalise_all(std::vector<Job> &jobs) {
  for (Job &job : jobs)
    std::thread([&job] { normalise(job.values); }).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'std::thread' starts a thread per iteration of a loop with a runtime-sized fan-out for CPU work (math work in 'exp' via 'normalise'); reuse a bounded set of workers instead of one thread per task (row: joblib)
}

void tokenise(char *text) {
  for (char *word = strtok(text, " "); word; word = strtok(nullptr, " "))
    for (char *c = word; *c; ++c)
      *c = char(*c ^ 0x20) + char(rand() % 3);
}

void tokenise_all(std::vector<char *> &texts) {
  for (char *text : texts)
    std::thread(tokenise, text).detach();
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'std::thread' starts a thread per iteration of a loop with a runtime-sized fan-out for CPU work
  // CHECK-NOTES: :[[@LINE-2]]:5: note: row 'multiprocessing' (decision step 5): CPU work that is not thread-safe
}

// --- trivial work: no thread at all ------------------------------------------

void bump(int *counter) { *counter += 1; }

void bump_all(std::vector<int> &counters) {
  for (int &c : counters)
    std::thread(bump, &c).join();
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'std::thread' starts a thread per iteration of a loop with a runtime-sized fan-out for trivial work; starting a thread costs more than the work: call it inline (row: sequential)
  // CHECK-NOTES: :[[@LINE-2]]:5: note: row 'sequential' (decision step 1): too little work to be worth any concurrency
}
