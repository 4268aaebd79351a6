// A task started and waited for in the same iteration: the tasks run one at
// a time. The row follows the class of the task's work.
#include <concur_mock_posix.h>
#include <curl/curl.h>
#include <mock_pools.h>
#include <mock_std.h>
#include <sqlite3.h>

std::string fetch(const std::string &url) {
  CURL *curl = curl_easy_init();
  curl_easy_perform(curl);
  return url;
}

long checksum(const std::vector<long> &block) {
  std::vector<long> copy = block;
  std::sort(copy.begin(), copy.end());
  return copy.empty() ? 0 : copy.front();
}

int count_rows(sqlite3_stmt *stmt) {
  int rows = 0;
  while (sqlite3_step(stmt) == 100)
    ++rows;
  return rows;
}

// --- std::async ---------------------------------------------------------------

std::vector<std::string> download_all(const std::vector<std::string> &urls) {
  std::vector<std::string> pages;
  for (const std::string &url : urls) {
    std::future<std::string> page = std::async(std::launch::async, fetch, url);
    pages.push_back(page.get());
    // CHECK-MESSAGES: :[[@LINE-1]]:26: warning: 'get' waits in the same iteration for the task that 'std::async' started for network I/O ('curl_easy_perform' via 'fetch'), so the tasks run one at a time; start them all first, then collect the results with as_completed or gather (row: asyncio)
    // CHECK-NOTES: :[[@LINE-3]]:37: note: the task is started here
    // CHECK-NOTES: :[[@LINE-3]]:26: note: row 'asyncio' (decision step 4)
    // CHECK-NOTES: :[[@LINE-5]]:68: note: 'fetch' is called here
  }
  return pages;
}

std::vector<std::string> download_temporary(const std::vector<std::string> &urls) {
  std::vector<std::string> pages;
  for (const std::string &url : urls)
    pages.push_back(std::async(fetch, url).get());
  // CHECK-MESSAGES: :[[@LINE-1]]:44: warning: 'get' waits in the same iteration for the task that 'std::async' started for network I/O ('curl_easy_perform' via 'fetch'), so the tasks run one at a time
  return pages;
}

std::vector<std::string> download_small(const std::string *urls) {
  std::vector<std::string> pages;
  for (int i = 0; i < 3; ++i) {
    auto page = std::async(std::launch::async, [&] { return fetch(urls[i]); });
    pages.push_back(page.get());
    // CHECK-MESSAGES: :[[@LINE-1]]:26: warning: 'get' waits in the same iteration for the task that 'std::async' started for network I/O ('curl_easy_perform' via 'fetch'), so the tasks run one at a time; start them all first, then collect the results with as_completed or gather (row: futures, I/O pool)
  }
  return pages;
}

long sum_checksums(const std::vector<std::vector<long>> &blocks) {
  long total = 0;
  for (const std::vector<long> &block : blocks) {
    auto part = std::async(std::launch::async, checksum, std::cref(block));
    total += part.get();
    // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: 'get' waits in the same iteration for the task that 'std::async' started for CPU work (sort work in 'std::sort' via 'checksum'), so the tasks run one at a time; start them all first, then collect the results with as_completed or gather (row: futures, core-sized pool)
    // CHECK-NOTES: :[[@LINE-2]]:19: note: row 'futures' (decision step 5): independent CPU tasks on a core-sized pool
  }
  return total;
}

void wait_each(const std::vector<std::vector<long>> &blocks) {
  for (const std::vector<long> &block : blocks) {
    std::future<long> f = std::async(checksum, std::cref(block));
    f.wait();
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'wait' waits in the same iteration for the task that 'std::async' started for CPU work
  }
}

int count_all(const std::vector<sqlite3_stmt *> &statements) {
  int rows = 0;
  for (sqlite3_stmt *stmt : statements) {
    std::shared_future<int> n = std::async(count_rows, stmt).share();
    rows += n.get();
    // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: 'get' waits in the same iteration for the task that 'std::async' started for database I/O ('sqlite3_step' via 'count_rows'), so the tasks run one at a time; start them all first, then collect the results with as_completed or gather (row: futures, I/O pool)
  }
  return rows;
}

// --- pools and executors -------------------------------------------------------

std::vector<std::string> download_on_pool(concur::thread_pool &pool,
                                          const std::vector<std::string> &urls) {
  std::vector<std::string> pages;
  for (const std::string &url : urls) {
    auto page = pool.submit(fetch, url);
    pages.push_back(page.get());
    // CHECK-MESSAGES: :[[@LINE-1]]:26: warning: 'get' waits in the same iteration for the task that 'concur::thread_pool::submit' started for network I/O
    // CHECK-NOTES: :[[@LINE-3]]:17: note: the task is started here
  }
  return pages;
}

int count_on_executor(concur::executor &ex,
                      const std::vector<sqlite3_stmt *> &statements) {
  int rows = 0;
  for (sqlite3_stmt *stmt : statements)
    rows += ex.submit(count_rows, stmt).get();
  // CHECK-MESSAGES: :[[@LINE-1]]:41: warning: 'get' waits in the same iteration for the task that 'concur::executor::submit' started for database I/O ('sqlite3_step' via 'count_rows'), so the tasks run one at a time; start them all first, then collect the results with as_completed or gather (row: futures, I/O pool)
  return rows;
}

long rank_on_bs(BS::thread_pool &pool, const std::vector<std::vector<long>> &blocks) {
  long total = 0;
  for (const std::vector<long> &block : blocks) {
    std::future<long> f = pool.submit_task([&block] { return checksum(block); });
    total += f.get();
    // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: 'get' waits in the same iteration for the task that 'BS::thread_pool::submit_task' started for CPU work
  }
  return total;
}

// --- assigned, not declared, in the iteration ---------------------------------

long reuse_future(const std::vector<std::vector<long>> &blocks) {
  long total = 0;
  std::future<long> f;
  for (const std::vector<long> &block : blocks) {
    f = std::async(std::launch::async, checksum, std::cref(block));
    total += f.get();
    // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: 'get' waits in the same iteration for the task that 'std::async' started for CPU work
  }
  return total;
}

// --- while and do loops ----------------------------------------------------------

// Draining a queue: the loop changes the queue, but no task needs an earlier
// task's result.
std::vector<std::string> download_queue(std::vector<std::string> &queue) {
  std::vector<std::string> pages;
  while (!queue.empty()) {
    std::string url = queue.back();
    queue.pop_back();
    pages.push_back(std::async(fetch, url).get());
    // CHECK-MESSAGES: :[[@LINE-1]]:44: warning: 'get' waits in the same iteration for the task that 'std::async' started for network I/O ('curl_easy_perform' via 'fetch'), so the tasks run one at a time; start them all first, then collect the results with as_completed or gather (row: asyncio)
  }
  return pages;
}

// --- trivial work: no task at all ----------------------------------------------

int twice(int v) { return v * 2; }

long sum_twice(const std::vector<int> &values) {
  long total = 0;
  for (int v : values)
    total += std::async(std::launch::async, twice, v).get();
  // CHECK-MESSAGES: :[[@LINE-1]]:55: warning: 'get' waits in the same iteration for the task that 'std::async' started for trivial work; the task costs more than it saves: call it directly (row: sequential)
  return total;
}
