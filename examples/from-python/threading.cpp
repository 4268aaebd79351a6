// The guides' `threading` programs in C++ with concur (docs/from-python.md).
// Each block between "// snippet: NAME" and "// end snippet" is shown there
// word for word; check_from_python.py compares them and runs every snippet.
//
// Usage: threading NAME [URL...]   NAME: threads, lock, download, queue, timer
#include <concur/channel.hpp>
#include <concur/periodic_timer.hpp>
#include <concur/thread_pool.hpp>

#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

// snippet: threads
void work(int n) { std::printf("Thread %d running\n", n); }

void start_threads() {
  std::vector<std::jthread> threads;
  for (int i = 0; i < 5; ++i)
    threads.emplace_back(work, i); // starts at once
  for (auto &t : threads)
    t.join(); // a std::jthread also joins when destroyed
}
// end snippet

// snippet: lock
std::mutex lock;
int counter = 0;

void increment() {
  std::scoped_lock hold(lock);
  counter += 1;
}

void count_to_100() {
  concur::thread_pool pool(4); // 100 tasks need not be 100 threads
  for (int i = 0; i < 100; ++i)
    pool.post(increment);
  pool.wait_idle();
  std::printf("%d\n", counter);
}
// end snippet

// snippet: download
// requests.get's counterpart: libcurl, which blocks like requests does.
std::size_t append(char *data, std::size_t size, std::size_t n, void *out) {
  static_cast<std::string *>(out)->append(data, size * n);
  return size * n;
}

void download_file(const std::string &url, const std::string &filename) {
  std::string body;
  CURL *curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); // required in threads
  CURLcode status = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  if (status != CURLE_OK)
    throw std::runtime_error(url + ": " + curl_easy_strerror(status));
  std::ofstream(filename, std::ios::binary) << body;
  std::printf("Downloaded %s\n", filename.c_str());
}

void download_all(const std::vector<std::string> &urls) {
  std::vector<concur::future<void>> downloads;
  for (std::size_t i = 0; i < urls.size(); ++i)
    downloads.push_back(concur::io_pool().submit(
        download_file, urls[i], "file" + std::to_string(i) + ".txt"));
  for (auto &download : downloads)
    download.get(); // waits; rethrows the download's error
}
// end snippet

// snippet: queue
void producer_consumer() {
  concur::channel<int> q;
  std::jthread producer([&] {
    for (int i = 0; i < 10; ++i)
      q.send(i);
    q.close(); // no last item that the consumer must recognise
  });
  std::jthread consumer([&] {
    for (int item : q) { // receives until closed and drained
      std::printf("Got: %d\n", item);
      q.task_done();
    }
  });
  q.join(); // every item sent so far was processed
}
// end snippet

// snippet: timer
void print_every_second() {
  concur::periodic_timer periodic(1s, [] {
    std::printf("Time: %lld\n", static_cast<long long>(std::time(nullptr)));
  });
  std::this_thread::sleep_for(3500ms); // Python's version never stops
} // the destructor stops the timer and joins its thread
// end snippet

int main(int argc, char **argv) {
  std::string_view name = argc > 1 ? argv[1] : "";
  std::vector<std::string> urls(argv + (argc > 1 ? 2 : 1), argv + argc);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (name == "threads")
    start_threads();
  else if (name == "lock")
    count_to_100();
  else if (name == "download")
    download_all(urls);
  else if (name == "queue")
    producer_consumer();
  else if (name == "timer")
    print_every_second();
  else {
    std::fprintf(stderr,
                 "usage: %s threads|lock|download|queue|timer [URL...]\n",
                 argv[0]);
    return 2;
  }
  curl_global_cleanup();
}
