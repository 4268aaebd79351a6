/* libuv's echo server (a comparator of bench/event_loop), as in libuv's
 * guide: uv_read_start, and a uv_write of each chunk read. */
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

typedef struct {
  uv_write_t request;
  uv_buf_t buffer;
} write_request;

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf) {
  (void)handle;
  buf->base = malloc(suggested);
  buf->len = suggested;
}

static void on_close(uv_handle_t *handle) { free(handle); }

static void on_written(uv_write_t *req, int status) {
  write_request *w = (write_request *)req;
  (void)status;
  free(w->buffer.base);
  free(w);
}

static void on_read(uv_stream_t *client, ssize_t nread, const uv_buf_t *buf) {
  if (nread > 0) {
    write_request *w = malloc(sizeof *w);
    w->buffer = uv_buf_init(buf->base, (unsigned)nread);
    uv_write(&w->request, client, &w->buffer, 1, on_written);
    return;
  }
  if (nread < 0)
    uv_close((uv_handle_t *)client, on_close);
  free(buf->base);
}

static void on_connection(uv_stream_t *server, int status) {
  if (status < 0)
    return;
  uv_tcp_t *client = malloc(sizeof *client);
  uv_tcp_init(server->loop, client);
  if (uv_accept(server, (uv_stream_t *)client) == 0) {
    uv_tcp_nodelay(client, 1);
    uv_read_start((uv_stream_t *)client, on_alloc, on_read);
  } else {
    uv_close((uv_handle_t *)client, on_close);
  }
}

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 0;
  uv_loop_t *loop = uv_default_loop();
  uv_tcp_t server;
  struct sockaddr_in address;
  uv_tcp_init(loop, &server);
  uv_ip4_addr("127.0.0.1", port, &address);
  uv_tcp_bind(&server, (const struct sockaddr *)&address, 0);
  if (uv_listen((uv_stream_t *)&server, 1024, on_connection) != 0) {
    fprintf(stderr, "listen failed\n");
    return 1;
  }
  struct sockaddr_storage bound;
  int length = sizeof bound;
  uv_tcp_getsockname(&server, (struct sockaddr *)&bound, &length);
  printf("listening %d\n", ntohs(((struct sockaddr_in *)&bound)->sin_port));
  fflush(stdout);
  return uv_run(loop, UV_RUN_DEFAULT);
}
