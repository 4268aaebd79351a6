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
// The requests go through concur::http::client, libcurl's multi interface
// driven by the same loop: curl's sockets and timer are watched by the loop,
// so a request in flight costs a socket and some memory, not a thread, and
// thousands can be in flight at once. curl still does the HTTP (redirects,
// TLS, proxies, compression), and one client reuses its connections. As in
// before.cpp, a failed request counts as an empty page.
// Trade-offs of the row: thousands of concurrent operations on one thread;
// any blocking call made directly in a task stalls every task.
//
// Usage: after URL...   (CONCUR_DOWNLOADS_LIMIT sets the limit, default 16)
#include <concur/async_sync.hpp>
#include <concur/gather.hpp>
#include <concur/http/client.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

concur::task<std::string> fetch(concur::http::client &http, std::string url) {
  try {
    co_return (co_await http.get(std::move(url))).body;
  } catch (const concur::http::error &) {
    co_return std::string(); // before.cpp ignored failures too
  }
}

concur::task<std::string> fetch_limited(concur::http::client &http, std::string url,
                                        concur::async_semaphore &limit) {
  auto permit = co_await limit.acquire_scoped();
  co_return co_await fetch(http, std::move(url));
}

concur::task<std::vector<std::string>> download_all(std::vector<std::string> urls, std::size_t limit) {
  concur::http::client http;
  concur::async_semaphore in_flight(limit);
  std::vector<concur::task<std::string>> requests;
  for (const std::string &url : urls)
    requests.push_back(fetch_limited(http, url, in_flight));
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
  std::vector<std::string> pages = concur::run(download_all(urls, std::size_t(limit)));
  for (size_t i = 0; i < pages.size(); ++i)
    std::printf("%s: %zu bytes\n", urls[i].c_str(), pages[i].size());
}
