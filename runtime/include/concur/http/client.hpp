// concur/http/client.hpp - an asynchronous HTTP client on the event loop
// (row: asyncio; Python's aiohttp.ClientSession).
//
//   concur::http::client http;                 // on the running loop
//   concur::http::response page = co_await http.get("https://example.org/");
//   std::printf("%ld, %zu bytes\n", page.status, page.body.size());
//
//   concur::http::request post{.method = "POST", .url = url,
//                              .headers = {{"Content-Type",
//                              "application/json"}}, .body = R"({"n": 1})",
//                              .timeout = std::chrono::seconds(5)};
//   concur::http::response reply = co_await http.request(std::move(post));
//
// Built on libcurl's multi interface, driven by the loop: curl's sockets are
// watched through the loop's poll phase and curl's timer is a loop timer, so
// thousands of requests are in flight on the loop's one thread with no
// thread per request. Everything curl does is there: HTTP/1.1 and HTTP/2,
// TLS with certificate checks, redirects, proxies from the environment,
// compression. One client holds one connection cache: requests to the same
// host reuse its connections, so keep one client for many requests (as with
// an aiohttp.ClientSession).
//
// Each host has a limit on requests in flight (client_options::
// max_per_host); the requests beyond it wait in a queue, in order, without
// a connection. Cancelling the awaiting task (task_handle::cancel, or a stop
// request on the token given to spawn) removes its transfer from curl at
// once, closing its connection if the response was half read, and the
// co_await throws concur::cancelled_error.
//
// Errors: a transfer that fails (no connection, reset, timeout, TLS, too
// many redirects) throws http::error naming the method, the URL and curl's
// message. An HTTP error status is a response like any other;
// response::raise_for_status() turns 4xx/5xx into http::status_error.
//
// Use a client on the thread of the loop it was made on, and destroy it
// before that loop. Requests in flight keep what they need of the client
// (its connection cache) until they finish, also when the client object is
// destroyed or moved meanwhile.
// Link concur::http (CMake: find_package(concur COMPONENTS http); pkg-config:
// concur-http), which links libcurl; concur::runtime alone does not.
#pragma once

#include "concur/event_loop.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace concur::http {

/// Header fields in order: {name, value}. Names compare case-insensitively.
using header_list = std::vector<std::pair<std::string, std::string>>;

/// TLS settings, passed to curl as they are (see curl's CURLOPT_ names).
struct tls_options {
  /// Check the server's certificate chain (CURLOPT_SSL_VERIFYPEER).
  bool verify_peer = true;
  /// Check that the certificate names the host (CURLOPT_SSL_VERIFYHOST).
  bool verify_host = true;
  /// CA bundle file and directory; empty: the system's (CURLOPT_CAINFO,
  /// CURLOPT_CAPATH).
  std::string ca_file;
  std::string ca_path;
  /// A client certificate and its key, PEM files (CURLOPT_SSLCERT,
  /// CURLOPT_SSLKEY); empty: none.
  std::string client_cert;
  std::string client_key;
};

/// One request. Only `url` is required.
struct request {
  /// "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", ... (sent as written).
  std::string method = "GET";
  std::string url;
  /// Added to the client's default headers; a name given here replaces the
  /// client's, and a value-less entry {"Accept", ""} removes that header.
  header_list headers;
  /// Sent as the request body (with its Content-Length) when not empty.
  std::string body;
  /// Limit on the whole transfer once it has started (connecting, sending,
  /// receiving, redirects); a request waiting for its host's limit is not
  /// yet timed. Default: the client's. For a bound that includes the wait,
  /// use concur::wait_for around the co_await.
  std::optional<std::chrono::milliseconds> timeout;
  /// Limit on connecting. Default: the client's.
  std::optional<std::chrono::milliseconds> connect_timeout;
  /// Follow 3xx responses with a Location, at most `max_redirects` times
  /// (more is an http::error); otherwise the 3xx is the response.
  bool follow_redirects = true;
  int max_redirects = 10;
  /// TLS settings for this request. Default: the client's.
  std::optional<tls_options> tls;
};

/// What the server answered (the last response, after redirects).
struct response {
  long status = 0;
  /// The header fields of the last response, in order.
  header_list headers;
  std::string body;
  /// The URL that answered (after redirects).
  std::string url;
  /// How many redirects were followed.
  long redirects = 0;

  /// The value of the first header field named `name` (case-insensitive).
  [[nodiscard]] std::optional<std::string_view>
  header(std::string_view name) const;
  /// True for a status from 200 to 299.
  [[nodiscard]] bool ok() const noexcept {
    return status >= 200 && status < 300;
  }
  /// Throws http::status_error for a status of 400 or more.
  void raise_for_status() const;
};

/// A transfer failed. what(): "concur::http: GET http://host/path: <curl's
/// message>"; code() is curl's CURLcode.
class error : public std::runtime_error {
public:
  error(int code, std::string method, std::string url,
        const std::string &message);
  [[nodiscard]] int code() const noexcept { return code_; }
  [[nodiscard]] const std::string &url() const noexcept { return url_; }
  [[nodiscard]] const std::string &method() const noexcept { return method_; }
  /// The request's timeout (or connect timeout) passed first.
  [[nodiscard]] bool timed_out() const noexcept;

private:
  int code_;
  std::string method_, url_;
};

/// response::raise_for_status found a 4xx or 5xx status.
class status_error : public std::runtime_error {
public:
  status_error(long status, std::string url);
  [[nodiscard]] long status() const noexcept { return status_; }
  [[nodiscard]] const std::string &url() const noexcept { return url_; }

private:
  long status_;
  std::string url_;
};

struct client_options {
  /// Requests in flight per host (scheme, host and port); the others wait
  /// in order. At least 1, at most 100,000 (std::invalid_argument).
  std::size_t max_per_host = 100;
  /// Connections kept open for reuse, all hosts together; 0: curl's default
  /// (four per request in flight).
  std::size_t max_idle_connections = 0;
  /// Defaults of each request's timeout and connect_timeout (none: no limit
  /// on the transfer; curl's 300 s on connecting).
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<std::chrono::milliseconds> connect_timeout;
  /// Sent with every request (a request's own headers take precedence).
  header_list headers;
  /// The User-Agent header; empty: none.
  std::string user_agent = "concur-http";
  /// Default TLS settings.
  tls_options tls;
};

namespace detail {
class client_state;
}

/// An HTTP client bound to one event loop. Move-only.
class client {
public:
  /// A client on the running loop (std::logic_error outside one).
  explicit client(client_options options = {});
  client(event_loop &loop, client_options options = {});
  client(client &&) noexcept;
  client &operator=(client &&) noexcept;
  ~client();

  /// GET `url`.
  [[nodiscard]] task<response> get(std::string url);
  /// Sends `req`; the response, whatever its status. The co_await throws
  /// http::error when the transfer fails, cancelled_error if the awaiting
  /// task is cancelled, std::logic_error on another loop's thread. The call
  /// itself throws std::invalid_argument for an empty URL or method or a
  /// negative max_redirects.
  [[nodiscard]] task<response> request(request req);

  /// Requests handed to curl and not finished.
  [[nodiscard]] std::size_t in_flight() const noexcept;
  /// Requests waiting for their host's limit.
  [[nodiscard]] std::size_t queued() const noexcept;

private:
  std::shared_ptr<detail::client_state> state_;
};

} // namespace concur::http
