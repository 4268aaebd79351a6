// The incremental HTTP/1.1 request parser (concur/http_server.hpp), RFC 9112.
// Self-contained (no event loop): tests/fuzz builds it alone with libFuzzer.
//
// Line-based phases (request line, headers, chunk sizes, trailers) collect
// one line in line_, bounded by the limit that applies to it; body phases
// copy at most what the body still needs. So the parser never holds more
// than one line or one body within the limits, and it stops consuming at the
// end of a request.
#include "concur/http_server.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string>
#include <utility>

namespace concur::http {

namespace {
// RFC 9110 tchar: token characters (methods, header names).
bool is_tchar(unsigned char c) noexcept {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
      (c >= 'A' && c <= 'Z'))
    return true;
  switch (c) {
  case '!':
  case '#':
  case '$':
  case '%':
  case '&':
  case '\'':
  case '*':
  case '+':
  case '-':
  case '.':
  case '^':
  case '_':
  case '`':
  case '|':
  case '~':
    return true;
  default:
    return false;
  }
}

bool is_token(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return is_tchar(static_cast<unsigned char>(c));
  });
}

// A field value's characters: visible ASCII, obs-text, space and tab.
bool is_field_char(unsigned char c) noexcept {
  return c == '\t' || (c >= 0x20 && c != 0x7f);
}

// A request target's characters: visible ASCII (no spaces, no controls).
bool is_target_char(unsigned char c) noexcept { return c > 0x20 && c < 0x7f; }

std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

// Each comma-separated element of a list header, trimmed (empty ones too).
template <class F> void for_each_element(std::string_view list, F &&f) {
  while (true) {
    std::size_t comma = list.find(',');
    f(trim_ows(list.substr(0, comma)));
    if (comma == std::string_view::npos)
      return;
    list.remove_prefix(comma + 1);
  }
}

// Blank lines tolerated before a request line (RFC 9112 2.2: at least one,
// e.g. the CRLF some clients send after a POST body).
constexpr std::size_t max_blank_lines = 4;
// A chunk-size line with extensions.
constexpr std::size_t max_chunk_line = 1024;
} // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [](char x, char y) { return lower(x) == lower(y); });
}

std::optional<std::string_view>
request::header_value(std::string_view name) const {
  for (const header &h : headers)
    if (iequals(h.name, name))
      return std::string_view(h.value);
  return std::nullopt;
}

void request_parser::reset() { *this = request_parser(limits_); }

request request_parser::take() {
  if (state_ != state::complete)
    throw std::logic_error(
        "concur::http::request_parser::take: no complete request");
  request r = std::move(request_);
  reset();
  return r;
}

void request_parser::fail(int status, std::string reason) {
  state_ = state::failed;
  error_status_ = status;
  error_reason_ = std::move(reason);
  line_.clear();
  line_.shrink_to_fit();
}

std::size_t request_parser::feed(std::string_view data) {
  std::size_t at = 0;
  while (at < data.size() && state_ == state::incomplete) {
    started_ = true;
    switch (phase_) {
    case phase::body:
    case phase::chunk_data: {
      std::size_t n =
          std::size_t(std::min<std::uint64_t>(remaining_, data.size() - at));
      request_.body.append(data.substr(at, n));
      at += n;
      remaining_ -= n;
      if (remaining_ == 0) {
        if (phase_ == phase::body)
          finish();
        else
          phase_ = phase::chunk_end;
      }
      break;
    }
    default: {
      // A line: the limit that applies to it, counting its CRLF.
      std::size_t limit = 0;
      int status = 400;
      const char *what = "";
      switch (phase_) {
      case phase::request_line:
        limit = limits_.max_request_line;
        status = 414;
        what = "request line longer than the limit";
        break;
      case phase::header_line:
      case phase::trailer_line:
        limit = limits_.max_header_bytes -
                std::min(header_bytes_, limits_.max_header_bytes);
        status = 431;
        what = "header fields larger than the limit";
        break;
      case phase::chunk_size:
      case phase::chunk_end:
        limit = phase_ == phase::chunk_end ? 2 : max_chunk_line;
        status = 400;
        what = phase_ == phase::chunk_end ? "chunk data not followed by CRLF"
                                          : "chunk size line too long";
        break;
      default:
        break;
      }
      std::size_t newline = data.find('\n', at);
      std::size_t end =
          newline == std::string_view::npos ? data.size() : newline + 1;
      if (line_.size() + (end - at) > limit) {
        // Consumed up to the limit, not beyond.
        std::size_t consumed = at + (limit - std::min(limit, line_.size()));
        fail(status, what);
        return consumed;
      }
      line_.append(data.substr(at, end - at));
      at = end;
      if (newline == std::string_view::npos)
        break;
      if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
        fail(400, "line not ended by CRLF");
        return at;
      }
      std::string_view line(line_.data(), line_.size() - 2);
      switch (phase_) {
      case phase::request_line:
        if (line.empty()) {
          if (++blank_lines_ > max_blank_lines)
            fail(400, "blank lines instead of a request line");
          else
            started_ = false;
        } else {
          on_request_line(line);
        }
        break;
      case phase::header_line:
        header_bytes_ += line_.size();
        if (line.empty())
          on_head_end();
        else
          on_header_line(line, false);
        break;
      case phase::trailer_line:
        header_bytes_ += line_.size();
        if (line.empty())
          finish();
        else
          on_header_line(line, true);
        break;
      case phase::chunk_size:
        on_chunk_size(line);
        break;
      case phase::chunk_end:
        if (!line.empty())
          fail(400, "chunk data not followed by CRLF");
        else
          phase_ = phase::chunk_size;
        break;
      default:
        break;
      }
      line_.clear();
      break;
    }
    }
  }
  return at;
}

void request_parser::on_request_line(std::string_view line) {
  // method SP request-target SP HTTP-version, single spaces (RFC 9112 3).
  std::size_t first = line.find(' ');
  std::size_t second = first == std::string_view::npos
                           ? std::string_view::npos
                           : line.find(' ', first + 1);
  if (second == std::string_view::npos ||
      line.find(' ', second + 1) != std::string_view::npos)
    return fail(400, "request line is not 'METHOD TARGET HTTP/1.x'");
  std::string_view method = line.substr(0, first);
  std::string_view target = line.substr(first + 1, second - first - 1);
  std::string_view version = line.substr(second + 1);
  if (!is_token(method))
    return fail(400, "method is not a token");
  if (target.empty() || !std::all_of(target.begin(), target.end(), [](char c) {
        return is_target_char(static_cast<unsigned char>(c));
      }))
    return fail(400, "request target has invalid characters");
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" ||
      version[6] != '.' || version[5] < '0' || version[5] > '9' ||
      version[7] < '0' || version[7] > '9')
    return fail(400, "malformed HTTP version");
  if (version[5] != '1')
    return fail(505, "HTTP version not supported");
  request_.version = version[7] == '0' ? 10 : 11;

  std::string_view path = target;
  if (target == "*") {
    if (method != "OPTIONS")
      return fail(400, "'*' target outside OPTIONS");
  } else if (target.front() != '/') {
    // absolute-form (RFC 9112 3.2.2): scheme "://" authority path.
    std::size_t scheme = target.find("://");
    if (scheme == std::string_view::npos || scheme == 0)
      return fail(400, "request target is neither a path nor an absolute URI");
    std::size_t slash = target.find('/', scheme + 3);
    path = slash == std::string_view::npos ? std::string_view("/")
                                           : target.substr(slash);
  }
  std::size_t question = path.find('?');
  request_.method = method;
  request_.target = target;
  request_.path = path.substr(0, question);
  if (question != std::string_view::npos)
    request_.query = path.substr(question + 1);
  if (std::size_t hash = request_.query.find('#'); hash != std::string::npos)
    request_.query.resize(hash);
  if (std::size_t hash = request_.path.find('#'); hash != std::string::npos)
    request_.path.resize(hash);
  request_.keep_alive = request_.version == 11;
  phase_ = phase::header_line;
}

void request_parser::on_header_line(std::string_view line, bool trailer) {
  if (line.front() == ' ' || line.front() == '\t')
    return fail(400, "obsolete line folding");
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos)
    return fail(400, "header line without ':'");
  std::string_view name = line.substr(0, colon);
  if (!is_token(name))
    return fail(400, "header name is not a token (or has whitespace before "
                     "':')");
  std::string_view value = trim_ows(line.substr(colon + 1));
  if (!std::all_of(value.begin(), value.end(), [](char c) {
        return is_field_char(static_cast<unsigned char>(c));
      }))
    return fail(400, "control character in a header value");
  if (trailer) // trailers are checked and counted, then dropped
    return;
  if (request_.headers.size() >= limits_.max_headers)
    return fail(431, "more header fields than the limit");

  if (iequals(name, "Content-Length")) {
    bool bad = false;
    for_each_element(value, [&](std::string_view element) {
      std::uint64_t n = 0;
      auto [end, error] =
          std::from_chars(element.data(), element.data() + element.size(), n);
      if (element.empty() || error != std::errc() ||
          end != element.data() + element.size() || element.front() == '+' ||
          element.front() == '-') {
        bad = true;
        return;
      }
      if (content_length_ && *content_length_ != n)
        bad = true;
      content_length_ = n;
    });
    if (bad)
      return fail(400, "invalid or conflicting Content-Length");
  } else if (iequals(name, "Transfer-Encoding")) {
    bool unsupported = false;
    bool any = false;
    for_each_element(value, [&](std::string_view element) {
      if (element.empty())
        return;
      if (chunked_ || !iequals(element, "chunked"))
        unsupported = true; // gzip, or chunked applied twice
      chunked_ = true;
      any = true;
    });
    if (unsupported)
      return fail(501, "transfer coding other than chunked");
    if (!any)
      return fail(400, "empty Transfer-Encoding");
  } else if (iequals(name, "Host")) {
    if (host_seen_)
      return fail(400, "more than one Host header");
    host_seen_ = true;
  } else if (iequals(name, "Connection")) {
    for_each_element(value, [&](std::string_view element) {
      if (iequals(element, "close"))
        request_.keep_alive = false;
      else if (iequals(element, "keep-alive") && request_.version == 10)
        request_.keep_alive = true;
    });
  } else if (iequals(name, "Expect")) {
    if (!iequals(value, "100-continue"))
      return fail(417, "expectation other than 100-continue");
    expect_continue_ = request_.version == 11;
  }
  request_.headers.push_back({std::string(name), std::string(value)});
}

void request_parser::on_head_end() {
  head_done_ = true;
  if (request_.version == 11 && !host_seen_)
    return fail(400, "HTTP/1.1 request without Host");
  if (chunked_ && content_length_)
    return fail(400, "both Content-Length and Transfer-Encoding");
  if (chunked_ && request_.version == 10)
    return fail(400, "Transfer-Encoding in an HTTP/1.0 request");
  if (chunked_) {
    phase_ = phase::chunk_size;
    return;
  }
  std::uint64_t length = content_length_.value_or(0);
  if (length > limits_.max_body)
    return fail(413, "body larger than the limit");
  if (length == 0)
    return finish();
  request_.body.reserve(std::size_t(length));
  remaining_ = length;
  phase_ = phase::body;
}

void request_parser::on_chunk_size(std::string_view line) {
  // chunk-size [ chunk-ext ]: hex digits, then optional ";ext" (ignored).
  std::string_view size = line.substr(0, line.find(';'));
  std::string_view extensions = line.substr(size.size());
  while (!size.empty() && (size.back() == ' ' || size.back() == '\t'))
    size.remove_suffix(1); // BWS before ';'
  std::uint64_t n = 0;
  auto [end, error] =
      std::from_chars(size.data(), size.data() + size.size(), n, 16);
  if (size.empty() || end != size.data() + size.size() ||
      error == std::errc::invalid_argument || size.front() == '+' ||
      size.front() == '-')
    return fail(400, "invalid chunk size");
  if (error == std::errc::result_out_of_range ||
      n > limits_.max_body - request_.body.size())
    return fail(413, "body larger than the limit");
  if (!std::all_of(extensions.begin(), extensions.end(), [](char c) {
        return is_field_char(static_cast<unsigned char>(c));
      }))
    return fail(400, "control character in a chunk extension");
  if (n == 0) {
    phase_ = phase::trailer_line;
    return;
  }
  remaining_ = n;
  phase_ = phase::chunk_data;
}

void request_parser::finish() {
  phase_ = phase::done;
  state_ = state::complete;
  line_.clear();
}

} // namespace concur::http
