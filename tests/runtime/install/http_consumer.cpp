// A user's program of concur::http, built against an installed concur (see
// check_install.cmake) through pkg-config's concur-http and through
// find_package(concur COMPONENTS http), so that libconcur_http.a and libcurl
// must link. It asks a port where nothing listens and expects curl's refusal
// as an http::error naming the URL; prints "concur http ok".
#include <concur/event_loop.hpp>
#include <concur/http/client.hpp>

#include <cstdio>
#include <string>

int main() {
  std::string message = concur::run([]() -> concur::task<std::string> {
    concur::http::client http;
    try {
      (void)co_await http.get("http://127.0.0.1:1/");
    } catch (const concur::http::error &e) {
      co_return e.what();
    }
    co_return "no error";
  }());
  if (message.find("http://127.0.0.1:1/") == std::string::npos) {
    std::printf("unexpected: %s\n", message.c_str());
    return 1;
  }
  std::printf("concur http ok\n");
}
