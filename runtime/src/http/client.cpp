// http/client.cpp - concur::http::client: libcurl's multi interface driven
// by the event loop.
//
// How curl meets the loop:
//  * Sockets. curl tells us (CURLMOPT_SOCKETFUNCTION) which of its sockets
//    to watch for what. Those go into a private epoll set in level-triggered
//    mode, as curl expects (curl may leave data unread in a socket and count
//    on hearing about it again; the loop's own backend is edge-triggered).
//    The private set's descriptor is registered with the loop, whose poll
//    phase calls on_ready() when it becomes readable. on_ready() takes the
//    ready sockets with a zero-timeout epoll_wait and hands each to
//    curl_multi_socket_action. A level-triggered socket still ready after
//    that does not make the outer descriptor readable again, so whenever a
//    round found sockets, another round runs in the next loop iteration,
//    until one finds none.
//  * Timer. curl asks for one timer (CURLMOPT_TIMERFUNCTION); it is a timer
//    of the loop (a timer_node in the loop's heap), whose firing calls
//    curl_multi_socket_action(CURL_SOCKET_TIMEOUT).
//  * Completion. After each action, curl_multi_info_read lists the finished
//    transfers; each is removed from the multi handle and its awaiting task
//    is queued (unpark).
//
// A request is a transfer object in the awaiting coroutine's frame: queued
// (its host is at its limit), active (its easy handle is in the multi
// handle) or done. Cancellation removes it from whichever it is in.
#include "concur/http/client.hpp"

#include <curl/curl.h>

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <system_error>
#include <unordered_map>

namespace concur::http {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' ||
                           text.back() == '\r' || text.back() == '\n'))
    text.remove_suffix(1);
  return text;
}

// "scheme://host:port" of a URL, lower-cased: the key of the per-host limit.
std::string host_key(std::string_view url) {
  std::size_t scheme_end = url.find("://");
  std::string_view scheme =
      scheme_end == std::string_view::npos ? "" : url.substr(0, scheme_end);
  std::string_view rest =
      scheme_end == std::string_view::npos ? url : url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (std::size_t at = rest.rfind('@'); at != std::string_view::npos)
    rest.remove_prefix(at + 1);
  std::string key(scheme);
  key += "://";
  key += rest;
  for (char &c : key)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw std::runtime_error("concur::http: curl_global_init failed");
  });
}

struct easy_deleter {
  void operator()(CURL *easy) const noexcept { curl_easy_cleanup(easy); }
};
struct slist_deleter {
  void operator()(curl_slist *list) const noexcept {
    curl_slist_free_all(list);
  }
};
using easy_ptr = std::unique_ptr<CURL, easy_deleter>;
using slist_ptr = std::unique_ptr<curl_slist, slist_deleter>;

constexpr std::size_t max_per_host_limit = 100000;

} // namespace

// --- response and errors ----------------------------------------------------

std::optional<std::string_view> response::header(std::string_view name) const {
  for (const auto &[key, value] : headers)
    if (iequals(key, name))
      return std::string_view(value);
  return std::nullopt;
}

void response::raise_for_status() const {
  if (status >= 400)
    throw status_error(status, url);
}

error::error(int code, std::string method, std::string url,
             const std::string &message)
    : std::runtime_error("concur::http: " + method + " " + url + ": " +
                         message),
      code_(code), method_(std::move(method)), url_(std::move(url)) {}

bool error::timed_out() const noexcept {
  return code_ == CURLE_OPERATION_TIMEDOUT;
}

status_error::status_error(long status, std::string url)
    : std::runtime_error("concur::http: " + url + " answered HTTP " +
                         std::to_string(status)),
      status_(status), url_(std::move(url)) {}

// --- the client's state
// -------------------------------------------------------

namespace detail {

struct transfer;

/// Links a transfer into its host's queue or the client's active list.
struct transfer_hook : concur::detail::list_node {
  transfer *self = nullptr;
};

struct host_slot {
  std::string key; // its key in client_state::hosts_
  std::size_t active = 0;
  concur::detail::intrusive_list<transfer_hook> waiting;
};

struct transfer : concur::detail::suspension {
  enum class phase { idle, queued, active, done };

  client_state *client = nullptr;
  request req;
  response resp;
  easy_ptr easy;
  slist_ptr header_list;
  host_slot *host = nullptr;
  transfer_hook hook;
  phase where = phase::idle;
  int result = CURLE_OK;
  std::string message;
  std::array<char, CURL_ERROR_SIZE> error_buffer{};

  transfer() = default;
  transfer(const transfer &) = delete;
  transfer &operator=(const transfer &) = delete;
  ~transfer();
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> coro);
  response await_resume();
};

class client_state : public std::enable_shared_from_this<client_state> {
public:
  client_state(event_loop &loop, client_options options);
  ~client_state();
  client_state(const client_state &) = delete;
  client_state &operator=(const client_state &) = delete;

  void submit(transfer &t);
  void cancel(transfer &t) noexcept;

  event_loop &loop;
  client_options options;
  std::size_t in_flight = 0;
  std::size_t queued = 0;

private:
  struct pump : concur::detail::io_op {
    client_state *client = nullptr;
  };
  struct curl_timer : concur::detail::timer_node {
    client_state *client = nullptr;
  };

  void prepare(transfer &t);
  void start(transfer &t);
  void release_host(host_slot &host);
  void on_ready();
  void on_timeout();
  void act(curl_socket_t socket, int events);
  void collect_finished();
  void finish(transfer &t, int result);
  void schedule_recheck();

  static int socket_callback(CURL *easy, curl_socket_t socket, int what,
                             void *userp, void *socketp);
  static int timer_callback(CURLM *multi, long timeout_ms, void *userp);
  static size_t write_callback(char *data, size_t size, size_t count,
                               void *userp);
  static size_t header_callback(char *data, size_t size, size_t count,
                                void *userp);

  std::shared_ptr<concur::detail::loop_anchor> anchor_;
  CURLM *multi_ = nullptr;
  int epoll_fd_ = -1;
  pump pump_;
  curl_timer timer_;
  bool recheck_scheduled_ = false;
  std::unordered_map<std::string, host_slot> hosts_;
  concur::detail::intrusive_list<transfer_hook> active_;
  std::vector<easy_ptr> idle_handles_; // reset easy handles for reuse
};

client_state::client_state(event_loop &loop_, client_options options_)
    : loop(loop_), options(std::move(options_)), anchor_(loop_.anchor()) {
  if (options.max_per_host < 1 || options.max_per_host > max_per_host_limit)
    throw std::invalid_argument(
        "concur::http::client: max_per_host must be from 1 to 100000, not " +
        std::to_string(options.max_per_host));
  global_init();
  multi_ = curl_multi_init();
  if (!multi_)
    throw std::runtime_error("concur::http::client: curl_multi_init failed");
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) {
    int err = errno;
    curl_multi_cleanup(multi_);
    throw std::system_error(err, std::generic_category(),
                            "concur::http::client: epoll_create1");
  }
  try {
    loop.register_fd(epoll_fd_);
  } catch (...) {
    ::close(epoll_fd_);
    curl_multi_cleanup(multi_);
    throw;
  }
  pump_.fd = epoll_fd_;
  pump_.client = this;
  pump_.perform = [](concur::detail::io_op *op) {
    static_cast<pump *>(op)->client->on_ready();
    return false; // keep watching
  };
  loop.watch_readable(pump_);
  timer_.client = this;
  timer_.fire = [](concur::detail::timer_node *node) {
    static_cast<curl_timer *>(node)->client->on_timeout();
  };
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &socket_callback);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &timer_callback);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  if (options.max_idle_connections > 0)
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS,
                      long(options.max_idle_connections));
}

// Every request holds the state (a shared_ptr in its frame), so none is in
// flight here.
client_state::~client_state() {
  idle_handles_.clear();
  // curl may still report its timer while closing: nothing to tell the loop.
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, nullptr);
  curl_multi_cleanup(multi_); // closes the cached connections
  // The loop still exists (or is in its destructor, unwinding tasks).
  if (anchor_->loop || event_loop::current() == &loop) {
    loop.remove_timer(timer_);
    loop.deregister_fd(epoll_fd_);
  }
  ::close(epoll_fd_);
}

// --- submitting, starting, finishing

void client_state::submit(transfer &t) {
  prepare(t);
  std::string key = host_key(t.req.url);
  auto [it, added] = hosts_.try_emplace(key);
  if (added)
    it->second.key = std::move(key);
  t.host = &it->second;
  if (t.host->active < options.max_per_host) {
    start(t);
  } else {
    t.where = transfer::phase::queued;
    t.host->waiting.push_back(t.hook);
    ++queued;
  }
}

void client_state::prepare(transfer &t) {
  request &req = t.req;
  if (!idle_handles_.empty()) {
    t.easy = std::move(idle_handles_.back());
    idle_handles_.pop_back();
  } else {
    t.easy.reset(curl_easy_init());
    if (!t.easy)
      throw std::runtime_error("concur::http: curl_easy_init failed");
  }
  CURL *easy = t.easy.get();
  t.hook.self = &t;
  curl_easy_setopt(easy, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(easy, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t.error_buffer.data());
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &write_callback);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &header_callback);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, ""); // all curl supports
  if (!options.user_agent.empty())
    curl_easy_setopt(easy, CURLOPT_USERAGENT, options.user_agent.c_str());
  if (req.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (req.method != "GET" || !req.body.empty()) {
    if (req.method != "POST")
      curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    if (!req.body.empty() || req.method == "POST") {
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req.body.data());
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                       curl_off_t(req.body.size()));
    }
  }
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION,
                   req.follow_redirects ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_MAXREDIRS, long(req.max_redirects));
  if (auto timeout = req.timeout ? req.timeout : options.timeout)
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, long(timeout->count()));
  if (auto timeout =
          req.connect_timeout ? req.connect_timeout : options.connect_timeout)
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, long(timeout->count()));
  const tls_options &tls = req.tls ? *req.tls : options.tls;
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, tls.verify_peer ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, tls.verify_host ? 2L : 0L);
  if (!tls.ca_file.empty())
    curl_easy_setopt(easy, CURLOPT_CAINFO, tls.ca_file.c_str());
  if (!tls.ca_path.empty())
    curl_easy_setopt(easy, CURLOPT_CAPATH, tls.ca_path.c_str());
  if (!tls.client_cert.empty())
    curl_easy_setopt(easy, CURLOPT_SSLCERT, tls.client_cert.c_str());
  if (!tls.client_key.empty())
    curl_easy_setopt(easy, CURLOPT_SSLKEY, tls.client_key.c_str());
  // Headers: the client's unless the request names them, then the request's.
  // No "Expect: 100-continue" wait before a body unless asked for.
  curl_slist *list = nullptr;
  auto append = [&](const std::string &name, const std::string &value) {
    std::string line = name + ":";
    if (!value.empty())
      line += " " + value;
    curl_slist *grown = curl_slist_append(list, line.c_str());
    if (!grown)
      throw std::bad_alloc();
    list = grown;
    t.header_list.release();
    t.header_list.reset(list);
  };
  auto named_in = [](const header_list &headers, std::string_view name) {
    return std::any_of(headers.begin(), headers.end(),
                       [&](const auto &h) { return iequals(h.first, name); });
  };
  for (const auto &[name, value] : options.headers)
    if (!named_in(req.headers, name))
      append(name, value);
  for (const auto &[name, value] : req.headers)
    append(name, value);
  if (!req.body.empty() && !named_in(req.headers, "Expect") &&
      !named_in(options.headers, "Expect"))
    append("Expect", "");
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);
}

void client_state::start(transfer &t) {
  CURLMcode code = curl_multi_add_handle(multi_, t.easy.get());
  if (code != CURLM_OK)
    throw std::runtime_error(std::string("concur::http: ") +
                             curl_multi_strerror(code));
  ++t.host->active;
  ++in_flight;
  t.where = transfer::phase::active;
  active_.push_back(t.hook);
}

void client_state::release_host(host_slot &host) {
  --host.active;
  while (!host.waiting.empty() && host.active < options.max_per_host) {
    transfer &next = *host.waiting.pop_front().self;
    --queued;
    try {
      start(next);
    } catch (const std::exception &e) {
      next.where = transfer::phase::done;
      next.result = CURLE_FAILED_INIT;
      next.message = e.what();
      loop.unpark(next);
    }
  }
  // A host with nothing in flight or waiting is forgotten, so that a client
  // that visits many hosts does not keep a slot for each.
  if (host.active == 0 && host.waiting.empty())
    hosts_.erase(hosts_.find(host.key));
}

void client_state::finish(transfer &t, int result) {
  CURL *easy = t.easy.get();
  t.result = result;
  if (result != CURLE_OK)
    t.message = t.error_buffer[0] ? t.error_buffer.data()
                                  : curl_easy_strerror(CURLcode(result));
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  t.resp.status = status;
  long redirects = 0;
  curl_easy_getinfo(easy, CURLINFO_REDIRECT_COUNT, &redirects);
  t.resp.redirects = redirects;
  char *effective = nullptr;
  curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &effective);
  t.resp.url = effective ? effective : t.req.url;
  curl_multi_remove_handle(multi_, easy);
  t.hook.unlink();
  t.where = transfer::phase::done;
  --in_flight;
  // Keep the handle (its buffers, not its connection: that is the multi
  // handle's) for the next request.
  curl_easy_reset(easy);
  t.header_list.reset();
  if (idle_handles_.size() < 1024)
    idle_handles_.push_back(std::move(t.easy));
  loop.unpark(t);
  release_host(*t.host);
}

void client_state::cancel(transfer &t) noexcept {
  if (t.where == transfer::phase::queued) {
    t.hook.unlink();
    --queued;
  } else if (t.where == transfer::phase::active) {
    curl_multi_remove_handle(multi_, t.easy.get());
    t.hook.unlink();
    --in_flight;
    try {
      release_host(*t.host);
    } catch (...) { // start() failures are reported to their own requests
    }
  }
  t.where = transfer::phase::done;
}

// --- driving curl

void client_state::act(curl_socket_t socket, int events) {
  int running = 0;
  curl_multi_socket_action(multi_, socket, events, &running);
}

void client_state::collect_finished() {
  int left = 0;
  while (CURLMsg *message = curl_multi_info_read(multi_, &left)) {
    if (message->msg != CURLMSG_DONE)
      continue;
    transfer *t = nullptr;
    curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &t);
    CURLcode result = message->data.result; // message dies on removal
    if (t)
      finish(*t, result);
  }
}

void client_state::on_ready() {
  std::array<epoll_event, 256> events;
  int n = ::epoll_wait(epoll_fd_, events.data(), int(events.size()), 0);
  for (int i = 0; i < n; ++i) {
    int flags = 0;
    if (events[std::size_t(i)].events & (EPOLLIN | EPOLLHUP | EPOLLRDHUP))
      flags |= CURL_CSELECT_IN;
    if (events[std::size_t(i)].events & EPOLLOUT)
      flags |= CURL_CSELECT_OUT;
    if (events[std::size_t(i)].events & EPOLLERR)
      flags |= CURL_CSELECT_ERR;
    act(events[std::size_t(i)].data.fd, flags);
  }
  collect_finished();
  if (n > 0)
    schedule_recheck();
}

void client_state::schedule_recheck() {
  if (recheck_scheduled_)
    return;
  recheck_scheduled_ = true;
  loop.call_soon([self = weak_from_this()] {
    if (auto alive = self.lock()) {
      alive->recheck_scheduled_ = false;
      alive->on_ready();
    }
  });
}

void client_state::on_timeout() {
  act(CURL_SOCKET_TIMEOUT, 0);
  collect_finished();
}

int client_state::socket_callback(CURL *, curl_socket_t socket, int what,
                                  void *userp, void *socketp) {
  auto *self = static_cast<client_state *>(userp);
  if (what == CURL_POLL_REMOVE) {
    ::epoll_ctl(self->epoll_fd_, EPOLL_CTL_DEL, socket, nullptr);
    curl_multi_assign(self->multi_, socket, nullptr);
    return 0;
  }
  epoll_event ev{};
  ev.data.fd = socket;
  if (what & CURL_POLL_IN)
    ev.events |= EPOLLIN;
  if (what & CURL_POLL_OUT)
    ev.events |= EPOLLOUT;
  int op = socketp ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (::epoll_ctl(self->epoll_fd_, op, socket, &ev) != 0) {
    if (errno == EEXIST)
      ::epoll_ctl(self->epoll_fd_, EPOLL_CTL_MOD, socket, &ev);
    else if (errno == ENOENT)
      ::epoll_ctl(self->epoll_fd_, EPOLL_CTL_ADD, socket, &ev);
    else
      return -1; // curl fails the transfers on this socket
  }
  if (!socketp)
    curl_multi_assign(self->multi_, socket, self); // "known" marker
  return 0;
}

int client_state::timer_callback(CURLM *, long timeout_ms, void *userp) {
  auto *self = static_cast<client_state *>(userp);
  self->loop.remove_timer(self->timer_);
  if (timeout_ms >= 0) {
    // A zero timeout set while the timer fires lands after the loop's "now"
    // of this timers phase, so it runs in the next iteration, not in a
    // loop within this one.
    self->timer_.deadline =
        event_loop::now() + std::chrono::milliseconds(timeout_ms);
    self->loop.add_timer(self->timer_);
  }
  return 0;
}

size_t client_state::write_callback(char *data, size_t size, size_t count,
                                    void *userp) {
  auto *t = static_cast<transfer *>(userp);
  try {
    t->resp.body.append(data, size * count);
  } catch (...) {
    return 0; // curl fails the transfer (CURLE_WRITE_ERROR)
  }
  return size * count;
}

size_t client_state::header_callback(char *data, size_t size, size_t count,
                                     void *userp) {
  auto *t = static_cast<transfer *>(userp);
  std::string_view line(data, size * count);
  try {
    if (line.starts_with("HTTP/")) { // a new response (after a redirect)
      t->resp.headers.clear();
    } else if (std::size_t colon = line.find(':');
               colon != std::string_view::npos) {
      t->resp.headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                   std::string(trim(line.substr(colon + 1))));
    }
  } catch (...) {
    return 0;
  }
  return size * count;
}

// --- the awaiter

transfer::~transfer() {
  if (where == phase::queued || where == phase::active)
    client->cancel(*this); // a frame destroyed while suspended here
}

bool transfer::await_suspend(std::coroutine_handle<> coro) {
  event_loop &loop = client->loop;
  if (event_loop::current() != &loop)
    throw std::logic_error("concur::http::client: used outside the thread "
                           "of the loop it was made on");
  if (!loop.park(*this, coro))
    return false; // cancelled before it started
  cancel_fn = [](concur::detail::suspension *self) {
    auto *me = static_cast<transfer *>(self);
    me->client->cancel(*me);
    me->cancelled = true;
    me->loop->schedule(me->coro, me->owner);
  };
  try {
    client->submit(*this);
  } catch (...) {
    if (owner && owner->parked == this)
      owner->parked = nullptr;
    throw;
  }
  return true;
}

response transfer::await_resume() {
  if (cancelled)
    throw cancelled_error();
  if (result != CURLE_OK)
    throw error(result, req.method, req.url, message);
  return std::move(resp);
}

} // namespace detail

// --- client

client::client(client_options options)
    : client(event_loop::require_current(
                 "concur::http::client outside an event loop (pass the loop)"),
             std::move(options)) {}

client::client(event_loop &loop, client_options options)
    : state_(std::make_shared<detail::client_state>(loop, std::move(options))) {
}

client::client(client &&) noexcept = default;
client &client::operator=(client &&) noexcept = default;
client::~client() = default;

task<response> client::get(std::string url) {
  http::request req;
  req.url = std::move(url);
  return request(std::move(req));
}

namespace {
// The coroutine holds the state, not the client: a request in flight keeps
// working when the client object is moved or destroyed.
task<response> perform(std::shared_ptr<detail::client_state> state,
                       http::request req) {
  detail::transfer t;
  t.client = state.get();
  t.req = std::move(req);
  co_return co_await t;
}
} // namespace

// The checks throw from the call, before a task exists.
task<response> client::request(http::request req) {
  if (!state_)
    throw std::logic_error("concur::http::client: moved-from client");
  if (req.url.empty())
    throw std::invalid_argument("concur::http::client::request: empty URL");
  if (req.method.empty())
    throw std::invalid_argument(
        "concur::http::client::request: empty method (" + req.url + ")");
  if (req.max_redirects < 0)
    throw std::invalid_argument(
        "concur::http::client::request: max_redirects must not be negative "
        "(" +
        req.url + ")");
  return perform(state_, std::move(req));
}

std::size_t client::in_flight() const noexcept {
  return state_ ? state_->in_flight : 0;
}
std::size_t client::queued() const noexcept {
  return state_ ? state_->queued : 0;
}

} // namespace concur::http
