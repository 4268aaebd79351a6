// The guides' `concurrent.futures` programs in C++ with concur
// (docs/from-python.md). Each block between "// snippet: NAME" and
// "// end snippet" is shown there word for word; check_from_python.py
// compares them and runs every snippet.
//
// Usage: futures NAME [URL...]
//        NAME: thread_map, process_map, as_completed, process_as_completed
#include <concur/executor.hpp>
#include <concur/process_pool.hpp>
#include <concur/thread_pool.hpp>

#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <ranges>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

using namespace std::chrono_literals;

// snippet: thread_map
std::string process_item(const std::string &item) {
  std::this_thread::sleep_for(1s);
  return "Processed " + item;
}

void thread_map() {
  concur::executor executor(3); // ThreadPoolExecutor(max_workers=3)
  std::vector<std::string> items{"A", "B", "C", "D", "E"};
  std::vector<std::string> results = executor.map(process_item, items, 1);
  for (const auto &result : results) // chunk size 1: one task per item
    std::printf("%s\n", result.c_str());
}
// end snippet

// snippet: process_map
int work(int n) { return n * n; }

void process_map() {
  concur::executor<concur::process_pool> executor(4);
  for (int result : executor.map(work, std::views::iota(0, 10)))
    std::printf("%d ", result);
  std::printf("\n");
}
// end snippet

// snippet: as_completed
std::size_t append(char *data, std::size_t size, std::size_t n, void *out) {
  static_cast<std::string *>(out)->append(data, size * n);
  return size * n;
}

std::size_t download_image(const std::string &url) { // blocks, like requests
  std::string body;
  CURL *curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  CURLcode status = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  if (status != CURLE_OK)
    throw std::runtime_error(curl_easy_strerror(status));
  return body.size();
}

void download_images(const std::vector<std::string> &urls) {
  concur::executor executor(5);
  std::unordered_map<concur::future<std::size_t>, std::string> future_to_url;
  for (const auto &url : urls)
    future_to_url.emplace(executor.submit(download_image, url), url);
  for (auto &future : concur::as_completed(future_to_url | std::views::keys)) {
    const std::string &url = future_to_url.at(future);
    try {
      std::printf("Downloaded %s, length: %zu\n", url.c_str(), future.get());
    } catch (const std::exception &e) {
      std::printf("Error downloading %s: %s\n", url.c_str(), e.what());
    }
  }
}
// end snippet

// snippet: process_as_completed
double calculate_factorial(int n) { // a double: 35! overflows every integer
  return n == 0 ? 1 : n * calculate_factorial(n - 1);
}

void factorials() {
  concur::executor<concur::process_pool> executor(4);
  std::unordered_map<concur::future<double>, int> future_to_num;
  for (int num : {35, 36, 37})
    future_to_num.emplace(executor.submit(calculate_factorial, num), num);
  for (auto &future : concur::as_completed(future_to_num | std::views::keys)) {
    int num = future_to_num.at(future);
    try {
      std::printf("Factorial of %d is %g\n", num, future.get());
    } catch (const std::exception &e) {
      std::printf("Error calculating factorial of %d: %s\n", num, e.what());
    }
  }
}
// end snippet

int main(int argc, char **argv) {
  concur::start_fork_server(); // first, while the program has one thread
  std::string_view name = argc > 1 ? argv[1] : "";
  std::vector<std::string> urls(argv + (argc > 1 ? 2 : 1), argv + argc);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (name == "thread_map")
    thread_map();
  else if (name == "process_map")
    process_map();
  else if (name == "as_completed")
    download_images(urls);
  else if (name == "process_as_completed")
    factorials();
  else {
    std::fprintf(stderr,
                 "usage: %s thread_map|process_map|as_completed|"
                 "process_as_completed [URL...]\n",
                 argv[0]);
    return 2;
  }
  curl_global_cleanup();
}
