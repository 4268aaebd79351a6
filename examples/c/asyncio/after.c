// The asyncio row in C: before.c's downloads on a libuv event loop.
//
// One thread drives every download through callbacks: resolve, connect, send
// the request, read the response. Up to `limit` downloads are in flight at
// once (a rate limit, as a semaphore would give); each one that ends starts
// the next. The sizes are printed in the order of the command line.
//
// Usage: after URL...   (URL: http://HOST:PORT/PATH)
#define _POSIX_C_SOURCE 200809L
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
  char *response;
  size_t length;
  long size; // the body's size, -1 on failure
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

// The length of the body of an HTTP response, or -1 if it has none.
static long body_length(const char *response, size_t size) {
  const char *end = NULL;
  for (size_t i = 0; i + 4 <= size && !end; ++i)
    if (memcmp(response + i, "\r\n\r\n", 4) == 0)
      end = response + i + 4;
  return end ? (long)(size - (size_t)(end - response)) : -1;
}

static void start_next(void);

// A download has ended (its socket, if any, is closed): start the next.
static void finish(struct download *d, long size) {
  d->size = size;
  free(d->response);
  d->response = NULL;
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
    d->size = d->response ? body_length(d->response, d->length) : -1;
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
      printf("%s: %ld bytes\n", downloads[i].url, downloads[i].size);
    }
  }
  uv_loop_close(loop);
  free(downloads);
  return failed;
}
