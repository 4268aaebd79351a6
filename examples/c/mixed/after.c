// The mixed row in C: before.c's downloads on libuv's event loop, the
// digests on libuv's worker pool.
//
// The loop's thread drives every download through callbacks (resolve,
// connect, send the request, read the response), up to `limit` at once; each
// body's digest is handed to libuv's thread pool with uv_queue_work, whose
// completion callback runs back on the loop. The loop never computes, so the
// downloads go on while the pool's threads digest, on every core (set
// UV_THREADPOOL_SIZE to the number of cores; libuv's default is 4).
//
// Usage: after URL...   (URL: http://HOST:PORT/PATH)
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

enum { limit = 16 };

struct download {
  const char *url;
  char host[256], port[16];
  const char *path;
  char request[1024];
  uv_getaddrinfo_t resolver;
  uv_tcp_t tcp;
  uv_connect_t connect;
  uv_write_t write;
  uv_work_t work;
  char *response;
  size_t length;
  const char *body;
  long size; // the body's size, -1 on failure
  uint64_t digest;
};

static struct download *downloads;
static int count, next;
static uv_loop_t *loop;

// Splits "http://HOST:PORT/PATH" into its parts; 0 if it is not one.
static int parse_url(const char *url, char *host, size_t host_size, char *port,
                     size_t port_size, const char **path) {
  const char *start = strncmp(url, "http://", 7) == 0 ? url + 7 : NULL;
  const char *colon = start ? strchr(start, ':') : NULL;
  const char *slash = colon ? strchr(colon, '/') : NULL;
  if (!slash || (size_t)(colon - start) >= host_size ||
      (size_t)(slash - colon - 1) >= port_size)
    return 0;
  snprintf(host, host_size, "%.*s", (int)(colon - start), start);
  snprintf(port, port_size, "%.*s", (int)(slash - colon - 1), colon + 1);
  *path = slash;
  return 1;
}

enum { rounds = 2000 };

// Where the body of an HTTP response starts, or NULL if it has none.
static const char *body_of(const char *response, size_t size) {
  for (size_t i = 0; i + 4 <= size; ++i)
    if (memcmp(response + i, "\r\n\r\n", 4) == 0)
      return response + i + 4;
  return NULL;
}

// ROUNDS rounds of FNV-1a over DATA, each round seeded with the last.
static uint64_t slow_digest(const char *data, size_t size) {
  uint64_t digest = 14695981039346656037u;
  for (int round = 0; round < rounds; ++round)
    for (size_t i = 0; i < size; ++i)
      digest =
          (digest ^ (unsigned char)data[i] ^ (uint64_t)round) * 1099511628211u;
  return digest;
}

// On a thread of libuv's pool.
static void digest_work(uv_work_t *work) {
  struct download *d = work->data;
  d->digest = slow_digest(d->body, (size_t)d->size);
}

// Back on the loop.
static void digest_done(uv_work_t *work, int status) {
  struct download *d = work->data;
  if (status < 0)
    d->size = -1;
  free(d->response);
  d->response = NULL;
}

static void start_next(void);

// A download has ended (its socket, if any, is closed): its digest goes to
// the pool, and the next download starts.
static void finish(struct download *d, long size) {
  d->size = size;
  d->work.data = d;
  if (size < 0 ||
      uv_queue_work(loop, &d->work, digest_work, digest_done) != 0) {
    d->size = -1;
    free(d->response);
    d->response = NULL;
  }
  start_next();
}

static void on_closed(uv_handle_t *handle) {
  struct download *d = handle->data;
  finish(d, d->size);
}

// Closes the download's socket once (a failed write and a failed read may
// both report); on_closed ends the download.
static void close_socket(struct download *d) {
  if (!uv_is_closing((uv_handle_t *)&d->tcp))
    uv_close((uv_handle_t *)&d->tcp, on_closed);
}

static void fail(struct download *d) {
  d->size = -1;
  close_socket(d);
}

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf) {
  (void)handle;
  buf->base = malloc(suggested);
  buf->len = buf->base ? suggested : 0;
}

static void on_read(uv_stream_t *stream, ssize_t got, const uv_buf_t *buf) {
  struct download *d = stream->data;
  if (got > 0) {
    char *grown = realloc(d->response, d->length + (size_t)got);
    if (grown) {
      memcpy(grown + d->length, buf->base, (size_t)got);
      d->response = grown;
      d->length += (size_t)got;
    }
  }
  free(buf->base);
  if (got == UV_EOF) {
    d->body = d->response ? body_of(d->response, d->length) : NULL;
    d->size =
        d->body ? (long)(d->length - (size_t)(d->body - d->response)) : -1;
    close_socket(d);
  } else if (got < 0) {
    fail(d);
  }
}

static void on_written(uv_write_t *write, int status) {
  if (status < 0)
    fail(write->data);
}

static void on_connected(uv_connect_t *connect, int status) {
  struct download *d = connect->data;
  if (status < 0) {
    fail(d);
    return;
  }
  int length =
      snprintf(d->request, sizeof d->request,
               "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n",
               d->path, d->host);
  uv_buf_t buf = uv_buf_init(d->request, (unsigned)length);
  if (uv_write(&d->write, (uv_stream_t *)&d->tcp, &buf, 1, on_written) != 0 ||
      uv_read_start((uv_stream_t *)&d->tcp, on_alloc, on_read) != 0)
    fail(d);
}

static void on_resolved(uv_getaddrinfo_t *resolver, int status,
                        struct addrinfo *address) {
  struct download *d = resolver->data;
  if (status < 0) {
    finish(d, -1);
    return;
  }
  uv_tcp_init(loop, &d->tcp);
  d->tcp.data = d;
  if (uv_tcp_connect(&d->connect, &d->tcp, address->ai_addr, on_connected) != 0)
    fail(d);
  uv_freeaddrinfo(address);
}

static void start_next(void) {
  if (next == count)
    return;
  struct download *d = &downloads[next++];
  d->resolver.data = d->connect.data = d->write.data = d;
  struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
  if (!parse_url(d->url, d->host, sizeof d->host, d->port, sizeof d->port,
                 &d->path) ||
      uv_getaddrinfo(loop, &d->resolver, on_resolved, d->host, d->port,
                     &hints) != 0)
    finish(d, -1);
}

int main(int argc, char **argv) {
  count = argc - 1;
  downloads = calloc((size_t)argc, sizeof *downloads);
  if (!downloads)
    return 1;
  for (int i = 0; i < count; ++i)
    downloads[i].url = argv[i + 1];
  loop = uv_default_loop();
  for (int i = 0; i < limit; ++i)
    start_next();
  uv_run(loop, UV_RUN_DEFAULT);
  int failed = 0;
  for (int i = 0; i < count; ++i) {
    if (downloads[i].size < 0) {
      printf("%s: failed\n", downloads[i].url);
      failed = 1;
    } else {
      printf("%s: %ld bytes, digest %016llx\n", downloads[i].url,
             downloads[i].size, (unsigned long long)downloads[i].digest);
    }
  }
  uv_loop_close(loop);
  free(downloads);
  return failed;
}
