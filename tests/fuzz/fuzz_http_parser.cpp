// libFuzzer target for concur::http::request_parser (concur/http_server.hpp).
//
// The first input byte picks a piece size; the rest is a byte stream of
// (possibly pipelined) requests. The stream is parsed twice, all at once and
// in pieces, and the two must agree request for request: same fields, same
// error status, same place where each request ends. Besides the sanitizers'
// findings this catches any state the parser loses across a split read. It
// also checks that no request exceeds the limits and that the parser never
// claims more bytes than it was given.
//
// Built by tests/fuzz/CMakeLists.txt with clang++-19
// -fsanitize=fuzzer,address,undefined; run by the fuzz.http_parser test.
#include <concur/http_server.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

concur::http::parser_limits small_limits() {
  concur::http::parser_limits limits;
  limits.max_request_line = 256;
  limits.max_header_bytes = 512;
  limits.max_headers = 8;
  limits.max_body = 256;
  return limits;
}

void require(bool condition, const char *what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz_http_parser: %s\n", what);
    std::abort();
  }
}

std::string summary(const concur::http::request &r, std::size_t end) {
  std::string s = r.method + '|' + r.target + '|' + r.path + '|' + r.query +
                  '|' + std::to_string(r.version) + '|' +
                  (r.keep_alive ? "k" : "c") + '|';
  for (const concur::http::header &h : r.headers)
    s += h.name + ':' + h.value + '\n';
  s += '|' + r.body + '|' + std::to_string(end);
  return s;
}

// Every request of `input`, fed `step` bytes at a time (0: all at once).
std::vector<std::string> parse_all(std::string_view input, std::size_t step) {
  const concur::http::parser_limits limits = small_limits();
  concur::http::request_parser parser(limits);
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < input.size()) {
    std::size_t n =
        step == 0 ? input.size() - at : std::min(step, input.size() - at);
    std::size_t used = parser.feed(input.substr(at, n));
    require(used <= n, "consumed more than it was given");
    at += used;
    using state = concur::http::request_parser::state;
    if (parser.status() == state::failed) {
      int status = parser.error_status();
      require(status == 400 || status == 413 || status == 414 ||
                  status == 417 || status == 431 || status == 501 ||
                  status == 505,
              "unexpected error status");
      require(!parser.error_reason().empty(), "error without a reason");
      out.push_back("E" + std::to_string(status) + "@" + std::to_string(at));
      return out;
    }
    if (parser.status() == state::complete) {
      concur::http::request r = parser.take();
      require(r.body.size() <= limits.max_body, "body over the limit");
      require(r.headers.size() <= limits.max_headers, "headers over the limit");
      require(!r.path.empty() || r.target == "*", "empty path");
      out.push_back(summary(r, at));
    } else {
      require(used == n, "incomplete request left input unconsumed");
    }
  }
  out.push_back("incomplete");
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data,
                                      std::size_t size) {
  if (size == 0)
    return 0;
  std::size_t step = std::size_t(data[0] % 16) + 1;
  std::string_view input(reinterpret_cast<const char *>(data + 1), size - 1);
  require(parse_all(input, 0) == parse_all(input, step),
          "parsing in pieces differs from parsing at once");
  return 0;
}
