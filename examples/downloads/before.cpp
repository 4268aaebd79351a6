// Scenario 1 of the seeds: concurrent HTTP downloads.
//
// A plain sequential program: each URL is fetched with libcurl's blocking
// curl_easy_perform, one after another, so the total time is the sum of every
// request's latency. concur reports the loop in download_all as
// `concur-sequential-blocking-loop` with row `asyncio` (network waits with a
// runtime-sized fan-out). See after.cpp for the rewrite.
#include <curl/curl.h>

#include <cstdio>
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
  curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  return body;
}

std::vector<std::string> download_all(const std::vector<std::string> &urls) {
  std::vector<std::string> pages;
  for (const std::string &url : urls)
    pages.push_back(fetch(url));
  return pages;
}

int main(int argc, char **argv) {
  std::vector<std::string> urls(argv + 1, argv + argc);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  std::vector<std::string> pages = download_all(urls);
  for (size_t i = 0; i < pages.size(); ++i)
    std::printf("%s: %zu bytes\n", urls[i].c_str(), pages[i].size());
  curl_global_cleanup();
}
