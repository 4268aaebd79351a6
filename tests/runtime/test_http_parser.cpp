// Tests of concur::http::request_parser (concur/http_server.hpp): valid
// requests whole, split and pipelined; every malformed form it must reject,
// with the status it must answer; limits hit without reading past them.
#include <concur/http_server.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace http = concur::http;
using state = http::request_parser::state;

namespace {

struct outcome {
  state status = state::incomplete;
  int error = 0;
  std::size_t consumed = 0;
  http::request request;
};

// Feeds `text` in pieces of `step` bytes (0: all at once) until the request
// completes or fails.
outcome parse(std::string_view text, std::size_t step = 0,
              http::parser_limits limits = {}) {
  http::request_parser parser(limits);
  outcome out;
  std::size_t at = 0;
  while (at < text.size() && parser.status() == state::incomplete) {
    std::size_t n =
        step == 0 ? text.size() - at : std::min(step, text.size() - at);
    std::size_t used = parser.feed(text.substr(at, n));
    EXPECT_LE(used, n);
    at += used;
    if (used < n)
      break;
  }
  out.status = parser.status();
  out.consumed = at;
  if (out.status == state::failed)
    out.error = parser.error_status();
  if (out.status == state::complete)
    out.request = parser.take();
  return out;
}

int error_of(std::string_view text, http::parser_limits limits = {}) {
  outcome whole = parse(text, 0, limits);
  outcome bytewise = parse(text, 1, limits);
  EXPECT_EQ(whole.status, bytewise.status) << text;
  EXPECT_EQ(whole.error, bytewise.error) << text;
  return whole.status == state::failed ? whole.error : 0;
}

} // namespace

TEST(HttpParser, SimpleGet) {
  outcome r = parse("GET /items?id=3 HTTP/1.1\r\nHost: example\r\n"
                    "X-Thing:  spaced value \t\r\n\r\n");
  ASSERT_EQ(r.status, state::complete);
  EXPECT_EQ(r.request.method, "GET");
  EXPECT_EQ(r.request.target, "/items?id=3");
  EXPECT_EQ(r.request.path, "/items");
  EXPECT_EQ(r.request.query, "id=3");
  EXPECT_EQ(r.request.version, 11);
  EXPECT_TRUE(r.request.keep_alive);
  ASSERT_EQ(r.request.headers.size(), 2u);
  EXPECT_EQ(r.request.header_value("x-thing"), "spaced value");
  EXPECT_EQ(r.request.header_value("HOST"), "example");
  EXPECT_FALSE(r.request.header_value("missing"));
  EXPECT_TRUE(r.request.body.empty());
}

TEST(HttpParser, ByteByByteGivesTheSameRequest) {
  std::string text = "POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 11"
                     "\r\nContent-Type: text/plain\r\n\r\nhello world";
  for (std::size_t step : {1u, 2u, 3u, 7u, 64u}) {
    outcome r = parse(text, step);
    ASSERT_EQ(r.status, state::complete) << step;
    EXPECT_EQ(r.request.body, "hello world");
    EXPECT_EQ(r.request.header_value("content-type"), "text/plain");
    EXPECT_EQ(r.consumed, text.size());
  }
}

TEST(HttpParser, ChunkedBodySplitAnywhere) {
  std::string text = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked"
                     "\r\n\r\n5\r\nhello\r\n1;ext=\"x\"\r\n \r\nA\r\n0123456789"
                     "\r\n0\r\nTrailer-Field: t\r\n\r\n";
  for (std::size_t step : {0u, 1u, 5u}) {
    outcome r = parse(text, step);
    ASSERT_EQ(r.status, state::complete) << step;
    EXPECT_EQ(r.request.body, "hello 0123456789");
    EXPECT_FALSE(r.request.header_value("Trailer-Field")); // trailers dropped
    EXPECT_EQ(r.consumed, text.size());
  }
}

TEST(HttpParser, PipelinedRequestsStopAtEachEnd) {
  std::string first = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
  std::string second =
      "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi";
  std::string third = "GET /c HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
  std::string all = first + second + third;
  http::request_parser parser;
  std::string_view rest = all;
  std::vector<std::string> paths;
  while (!rest.empty()) {
    std::size_t used = parser.feed(rest);
    rest.remove_prefix(used);
    ASSERT_EQ(parser.status(), state::complete);
    http::request r = parser.take();
    paths.push_back(r.path + ":" + r.body + (r.keep_alive ? "" : ":close"));
  }
  EXPECT_EQ(paths, (std::vector<std::string>{"/a:", "/b:hi", "/c::close"}));
}

TEST(HttpParser, KeepAliveByVersionAndConnectionHeader) {
  EXPECT_FALSE(parse("GET / HTTP/1.0\r\n\r\n").request.keep_alive);
  EXPECT_TRUE(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
                  .request.keep_alive);
  EXPECT_FALSE(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, close\r\n"
                     "\r\n")
                   .request.keep_alive);
}

TEST(HttpParser, AcceptsAbsoluteFormAndAsteriskForOptions) {
  outcome r = parse("GET http://example.org/x?y=1 HTTP/1.1\r\nHost: e\r\n\r\n");
  ASSERT_EQ(r.status, state::complete);
  EXPECT_EQ(r.request.path, "/x");
  EXPECT_EQ(r.request.query, "y=1");
  EXPECT_EQ(parse("OPTIONS * HTTP/1.1\r\nHost: e\r\n\r\n").status,
            state::complete);
  EXPECT_EQ(error_of("GET * HTTP/1.1\r\nHost: e\r\n\r\n"), 400);
}

TEST(HttpParser, ToleratesAFewBlankLinesBeforeARequest) {
  EXPECT_EQ(parse("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n").status,
            state::complete);
  EXPECT_EQ(error_of("\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n"), 400);
}

TEST(HttpParser, RejectsMalformedStartLines) {
  for (std::string_view bad : {
           "GET\r\n\r\n", "GET /\r\n\r\n",
           "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", // two spaces
           "GET / HTTP/1.1 \r\nHost: h\r\n\r\n", // trailing space
           "GET / http/1.1\r\nHost: h\r\n\r\n",
           "GET / HTTP/1\r\nHost: h\r\n\r\n",
           "GET / HTTP/1.10\r\nHost: h\r\n\r\n",
           "G(T / HTTP/1.1\r\nHost: h\r\n\r\n", // not a token
           "GET /a\x01 HTTP/1.1\r\nHost: h\r\n\r\n",
           "GET /a\x7f HTTP/1.1\r\nHost: h\r\n\r\n",
           "GET relative HTTP/1.1\r\nHost: h\r\n\r\n",
           "GET / HTTP/1.1\nHost: h\r\n\r\n",     // bare LF
           "GET / HTTP/1.1\r\r\nHost: h\r\n\r\n", // CR inside
       })
    EXPECT_EQ(error_of(bad), 400) << bad;
  EXPECT_EQ(error_of("GET / HTTP/2.0\r\nHost: h\r\n\r\n"), 505);
  EXPECT_EQ(error_of("GET / HTTP/0.9\r\nHost: h\r\n\r\n"), 505);
}

TEST(HttpParser, RejectsBadHeaders) {
  for (std::string_view bad : {
           "GET / HTTP/1.1\r\nHost : h\r\n\r\n", // space before ':'
           "GET / HTTP/1.1\r\nHost: h\r\nNo colon\r\n\r\n",
           "GET / HTTP/1.1\r\nHost: h\r\n: empty\r\n\r\n",
           "GET / HTTP/1.1\r\nHost: h\r\nBad[name]: v\r\n\r\n",
           "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n folded\r\n\r\n",
           "GET / HTTP/1.1\r\nHost: h\r\nX: bare\rcr\r\n\r\n",
           "GET / HTTP/1.1\r\nHost: h\r\nX: v\n\r\n", // bare LF
           "GET / HTTP/1.1\r\n\r\n",                  // no Host
           "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
       })
    EXPECT_EQ(error_of(bad), 400) << bad;
  std::string nul("GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n", 35);
  EXPECT_EQ(error_of(nul), 400);
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nHost: h\r\nExpect: teapot\r\n\r\n"),
            417);
}

TEST(HttpParser, ContentLengthMustBeOneNumber) {
  for (std::string_view bad : {
           "Content-Length: 5\r\nContent-Length: 6\r\n",
           "Content-Length: 5, 6\r\n",
           "Content-Length: -1\r\n",
           "Content-Length: +5\r\n",
           "Content-Length: 0x5\r\n",
           "Content-Length: 5 5\r\n",
           "Content-Length: \r\n",
           "Content-Length: 99999999999999999999999\r\n",
       }) {
    std::string text =
        "POST / HTTP/1.1\r\nHost: h\r\n" + std::string(bad) + "\r\nhello";
    EXPECT_EQ(error_of(text), 400) << bad;
  }
  // The same value twice is one value (RFC 9110 8.6).
  outcome same = parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
                       "Content-Length: 5, 5\r\n\r\nhello");
  ASSERT_EQ(same.status, state::complete);
  EXPECT_EQ(same.request.body, "hello");
}

TEST(HttpParser, TransferEncodingRules) {
  // Both framings at once: the classic request-smuggling shape.
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
            400);
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
                     "chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n"),
            400);
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, "
                     "chunked\r\n\r\n"),
            501);
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
                     "chunked\r\nTransfer-Encoding: chunked\r\n\r\n"),
            501);
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
                     "identity\r\n\r\n"),
            501);
  EXPECT_EQ(error_of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "0\r\n\r\n"),
            400);
}

TEST(HttpParser, RejectsMalformedChunks) {
  std::string head =
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (std::string_view bad : {
           "x\r\n",                // not hex
           "\r\n",                 // empty size
           "-1\r\n",               // sign
           "5\r\nhelloX\r\n",      // data longer than its size
           "5\r\nhello\n",         // bare LF after data
           "5\nhello\r\n",         // bare LF after size
           "5;a\x01\r\nhello\r\n", // control in an extension
       })
    EXPECT_EQ(error_of(head + std::string(bad)), 400) << bad;
  EXPECT_EQ(error_of(head + "ffffffffffffffffffff\r\n"), 413);
  EXPECT_EQ(error_of(head + "0\r\nBad Trailer\r\n\r\n"), 400);
}

TEST(HttpParser, LimitsAnswerWithTheirStatusAndStopReading) {
  http::parser_limits limits;
  limits.max_request_line = 64;
  limits.max_header_bytes = 128;
  limits.max_headers = 3;
  limits.max_body = 10;

  std::string long_target = "GET /" + std::string(100, 'a') + " HTTP/1.1\r\n";
  outcome line = parse(long_target + "Host: h\r\n\r\n", 0, limits);
  EXPECT_EQ(line.error, 414);
  EXPECT_EQ(line.consumed, 64u); // never past the limit
  EXPECT_EQ(parse(long_target, 1, limits).error, 414);

  std::string big_header =
      "GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(200, 'v') + "\r\n\r\n";
  outcome header = parse(big_header, 0, limits);
  EXPECT_EQ(header.error, 431);
  EXPECT_LE(header.consumed, 16u + 128u);
  EXPECT_EQ(parse(big_header, 1, limits).error, 431);

  EXPECT_EQ(
      error_of("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n",
               limits),
      431);
  EXPECT_EQ(
      parse("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n", 0, limits)
          .status,
      state::complete);

  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n",
                     limits),
            413);
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n"
                  "0123456789",
                  0, limits)
                .status,
            state::complete);
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked"
                     "\r\n\r\n6\r\nabcdef\r\n5\r\n",
                     limits),
            413);
  // Trailers count against the header limit.
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked"
                     "\r\n\r\n0\r\nT: " +
                         std::string(150, 't') + "\r\n\r\n",
                     limits),
            431);
}

TEST(HttpParser, TakeWithoutARequestIsAnError) {
  http::request_parser parser;
  EXPECT_THROW((void)parser.take(), std::logic_error);
  parser.feed("GET / HTTP/1.1\r\n");
  EXPECT_EQ(parser.status(), state::incomplete);
  EXPECT_TRUE(parser.started());
  EXPECT_FALSE(parser.head_complete());
  EXPECT_THROW((void)parser.take(), std::logic_error);
}

TEST(HttpParser, ExpectContinueIsReportedUntilTheBodyArrives) {
  http::request_parser parser;
  parser.feed("PUT /f HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
              "Content-Length: 3\r\n\r\n");
  EXPECT_TRUE(parser.head_complete());
  EXPECT_TRUE(parser.expects_continue());
  parser.feed("abc");
  EXPECT_EQ(parser.status(), state::complete);
  EXPECT_FALSE(parser.expects_continue());
}
