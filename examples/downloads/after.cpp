// Scenario 1 of the seeds, after: the same downloads, run concurrently from
// one event loop with a limit on requests in flight.
//
// before.cpp fetched the URLs one after another, so the total time was the
// sum of the latencies. The selection table's row `asyncio` applies (network
// waits with a runtime-sized fan-out): download_all starts one task per URL
// with concur::gather, which returns the pages in the order of the URLs, and
// an async_semaphore caps the requests in flight (the seeds' rate limiting),
// so a list of 10,000 URLs does not open 10,000 connections at once.
//
// libcurl's easy interface blocks in curl_easy_perform, and a blocking call
// inside a task would stall every other task. Each request therefore runs
// through concur::to_thread on the shared I/O pool and the task waits for it
// without blocking the loop. This keeps fetch() exactly as before.cpp wrote
// it (redirects, TLS, proxies: all of curl's behaviour), at the cost of one
// pool thread per request in flight; the loop does the orchestration: the
// limit, the ordering, cancellation and timeouts. A program that needs
// thousands of requests in flight would drive curl_multi from the loop
// instead (CURLMOPT_SOCKETFUNCTION onto the loop's sockets).
// Trade-offs of the row: thousands of concurrent operations on one thread;
// any blocking call made directly in a task stalls every task.
//
// Usage: after URL...   (CONCUR_DOWNLOADS_LIMIT sets the limit, default 16)
#include <concur/async_bridge.hpp>
#include <concur/async_sync.hpp>
#include <concur/gather.hpp>

#include <curl/curl.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

static size_t append(char *data, size_t size, size_t count, void *out) {
  static_cast<std::string *>(out)->append(data, size * count);
  return size * count;
}

std::string fetch(const std::string &url) {
  std::string body;
  CURL *curl = curl_easy_init();
  if (!curl)
    return body;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); // required when called from threads
  curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  return body;
}

concur::task<std::string> fetch_limited(std::string url, concur::async_semaphore &limit) {
  auto permit = co_await limit.acquire_scoped();
  co_return co_await concur::to_thread(fetch, std::move(url));
}

concur::task<std::vector<std::string>> download_all(std::vector<std::string> urls, std::size_t limit) {
  concur::async_semaphore in_flight(limit);
  std::vector<concur::task<std::string>> requests;
  for (const std::string &url : urls)
    requests.push_back(fetch_limited(url, in_flight));
  co_return co_await concur::gather(std::move(requests));
}

int main(int argc, char **argv) {
  std::vector<std::string> urls(argv + 1, argv + argc);
  const char *limit_text = std::getenv("CONCUR_DOWNLOADS_LIMIT");
  long limit = limit_text ? std::atol(limit_text) : 16;
  if (limit < 1) {
    std::fprintf(stderr, "CONCUR_DOWNLOADS_LIMIT must be a positive number\n");
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  std::vector<std::string> pages = concur::run(download_all(urls, std::size_t(limit)));
  for (size_t i = 0; i < pages.size(); ++i)
    std::printf("%s: %zu bytes\n", urls[i].c_str(), pages[i].size());
  curl_global_cleanup();
}
