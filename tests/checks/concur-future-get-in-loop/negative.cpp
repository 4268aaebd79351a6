// Futures waited for outside the iteration that started them, and waits that
// do not serialise started work.
#include <concur_mock_posix.h>
#include <curl/curl.h>
#include <mock_pools.h>
#include <mock_std.h>

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

// negative: start all, then collect in a second loop
std::vector<std::string> download_all(const std::vector<std::string> &urls) {
  std::vector<std::future<std::string>> pending;
  for (const std::string &url : urls)
    pending.push_back(std::async(std::launch::async, fetch, url));
  std::vector<std::string> pages;
  for (std::future<std::string> &page : pending)
    pages.push_back(page.get());
  return pages;
}

// negative: the future was started before the loop
long wait_outside(const std::vector<long> &block, int rounds) {
  std::future<long> f = std::async(std::launch::async, checksum, std::cref(block));
  long total = 0;
  for (int i = 0; i < rounds; ++i)
    total += i;
  return total + f.get();
}

// negative: a pipeline: the previous iteration's task is waited for while
// this iteration's runs
long pipelined(const std::vector<std::vector<long>> &blocks) {
  long total = 0;
  std::future<long> previous;
  for (const std::vector<long> &block : blocks) {
    if (previous.valid())
      total += previous.get();
    previous = std::async(std::launch::async, checksum, std::cref(block));
  }
  return total + previous.get();
}

// negative: a promise's future is not started work
void wait_for_promises(std::vector<std::promise<int>> &promises) {
  for (std::promise<int> &p : promises) {
    std::future<int> f = p.get_future();
    f.wait();
  }
}

// negative: a packaged_task run in the caller starts nothing elsewhere
long packaged(const std::vector<std::vector<long>> &blocks) {
  long total = 0;
  for (const std::vector<long> &block : blocks) {
    std::packaged_task<long()> task([&block] { return checksum(block); });
    std::future<long> f = task.get_future();
    task();
    total += f.get();
  }
  return total;
}

// negative: std::launch::deferred runs in the caller anyway
long deferred(const std::vector<std::vector<long>> &blocks) {
  long total = 0;
  for (const std::vector<long> &block : blocks)
    total += std::async(std::launch::deferred, checksum, std::cref(block)).get();
  return total;
}

// negative: each iteration needs the previous result
std::string chained(const std::string &seed, int hops) {
  std::string url = seed;
  for (int i = 0; i < hops; ++i)
    url = std::async(std::launch::async, fetch, url).get();
  return url;
}

// negative: a single iteration
std::string once(const std::string &url) {
  std::string page;
  for (int i = 0; i < 1; ++i)
    page = std::async(fetch, url).get();
  return page;
}

// negative: a get outside any loop
std::string one(const std::string &url) {
  return std::async(std::launch::async, fetch, url).get();
}

// negative: futures collected in the loop and waited for after it
void pool_batch(concur::thread_pool &pool, const std::vector<std::string> &urls) {
  std::vector<std::future<std::string>> pending;
  for (const std::string &url : urls)
    pending.push_back(pool.submit(fetch, url));
  for (auto &page : pending)
    page.wait();
}

// negative: a lambda in the loop waits when it is called, not per iteration
void deferred_waits(const std::vector<std::string> &urls,
                    std::vector<std::function<std::string()>> &later) {
  for (const std::string &url : urls) {
    std::shared_future<std::string> page = std::async(fetch, url).share();
    later.push_back([page] { return page.get(); });
  }
}

// negative: the callable cannot be told
void opaque(const std::vector<std::function<int()>> &tasks) {
  for (const std::function<int()> &task : tasks)
    std::async(std::launch::async, task).get();
}

// negative: NOLINT
void suppressed(const std::vector<std::string> &urls) {
  for (const std::string &url : urls)
    std::async(fetch, url).get(); // NOLINT(concur-future-get-in-loop)
}
