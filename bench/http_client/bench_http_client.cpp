// bench/http_client's clients: REQUESTS GETs of URL with IN_FLIGHT at a time,
// then one line "REQUESTS WALL_SECONDS CPU_SECONDS" (CPU: user + system of
// this process, from getrusage, for the requests only).
//
//   concur   concur::http::client on one event loop: IN_FLIGHT tasks, each
//            sending its share of the requests one after another.
//   threads  the same tasks, each request a blocking curl_easy_perform run
//            through concur::to_thread on io_pool() (set CONCUR_IO_THREADS
//            to IN_FLIGHT so that they are all in flight); each pool thread
//            keeps its easy handle, so its connection is reused.
//
// Usage: bench_http_client concur|threads URL REQUESTS IN_FLIGHT
#include <concur/async_bridge.hpp>
#include <concur/gather.hpp>
#include <concur/http/client.hpp>

#include <curl/curl.h>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

concur::task<std::size_t> concur_worker(concur::http::client &http, const std::string &url,
                                        long count) {
  std::size_t bytes = 0;
  for (long i = 0; i < count; ++i) {
    concur::http::response page = co_await http.get(url);
    if (page.status != 200)
      throw std::runtime_error("status " + std::to_string(page.status));
    bytes += page.body.size();
  }
  co_return bytes;
}

concur::task<std::size_t> run_concur(std::string url, long requests, long in_flight) {
  concur::http::client_options options;
  options.max_per_host = std::size_t(in_flight);
  concur::http::client http(options);
  std::vector<concur::task<std::size_t>> workers;
  for (long w = 0; w < in_flight; ++w)
    workers.push_back(concur_worker(http, url, requests / in_flight + (w < requests % in_flight)));
  std::size_t bytes = 0;
  for (std::size_t b : co_await concur::gather(std::move(workers)))
    bytes += b;
  co_return bytes;
}

std::size_t append(char *data, std::size_t size, std::size_t n, void *out) {
  static_cast<std::string *>(out)->append(data, size * n);
  return size * n;
}

// One easy handle per pool thread, kept: its connection is reused.
std::size_t blocking_get(const std::string &url) {
  struct handle {
    CURL *easy = curl_easy_init();
    ~handle() { curl_easy_cleanup(easy); }
  };
  thread_local handle mine;
  std::string body;
  curl_easy_setopt(mine.easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(mine.easy, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(mine.easy, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(mine.easy, CURLOPT_NOSIGNAL, 1L);
  CURLcode result = curl_easy_perform(mine.easy);
  long status = 0;
  curl_easy_getinfo(mine.easy, CURLINFO_RESPONSE_CODE, &status);
  if (result != CURLE_OK || status != 200)
    throw std::runtime_error(std::string("curl: ") + curl_easy_strerror(result));
  return body.size();
}

concur::task<std::size_t> thread_worker(const std::string &url, long count) {
  std::size_t bytes = 0;
  for (long i = 0; i < count; ++i)
    bytes += co_await concur::to_thread(blocking_get, url);
  co_return bytes;
}

concur::task<std::size_t> run_threads(std::string url, long requests, long in_flight) {
  std::vector<concur::task<std::size_t>> workers;
  for (long w = 0; w < in_flight; ++w)
    workers.push_back(thread_worker(url, requests / in_flight + (w < requests % in_flight)));
  std::size_t bytes = 0;
  for (std::size_t b : co_await concur::gather(std::move(workers)))
    bytes += b;
  co_return bytes;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 5 || (std::strcmp(argv[1], "concur") != 0 && std::strcmp(argv[1], "threads") != 0)) {
    std::fprintf(stderr, "usage: %s concur|threads URL REQUESTS IN_FLIGHT\n", argv[0]);
    return 2;
  }
  std::string mode = argv[1], url = argv[2];
  long requests = std::atol(argv[3]), in_flight = std::atol(argv[4]);
  if (requests < 1 || in_flight < 1) {
    std::fprintf(stderr, "REQUESTS and IN_FLIGHT must be positive\n");
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (mode == "threads")
    (void)concur::io_pool(); // start the pool's threads before timing
  double cpu_start = cpu_seconds();
  auto wall_start = std::chrono::steady_clock::now();
  std::size_t bytes = mode == "concur" ? concur::run(run_concur(url, requests, in_flight))
                                       : concur::run(run_threads(url, requests, in_flight));
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  double cpu = cpu_seconds() - cpu_start;
  if (bytes == 0)
    return 1;
  std::printf("%ld %.6f %.6f\n", requests, wall, cpu);
}
