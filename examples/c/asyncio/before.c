// The asyncio row in C: many network downloads.
//
// Downloads every URL named on the command line (plain HTTP/1.1) with
// blocking sockets, one after another: the total time is the sum of every
// round trip. concur reports the loop in main as
// `concur-sequential-blocking-loop` with row `asyncio` (network waits with a
// fan-out sized at run time). See after.c: the same downloads on a libuv
// event loop, many at once.
//
// Usage: before URL...   (URL: http://HOST:PORT/PATH)
#define _POSIX_C_SOURCE 200809L
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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

// Fetches URL and returns the size of its body, or -1 on failure.
static long fetch(const char *url) {
  char host[256], port[16];
  const char *path;
  if (!parse_url(url, host, sizeof host, port, sizeof port, &path))
    return -1;
  struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
  struct addrinfo *address;
  if (getaddrinfo(host, port, &hints, &address) != 0)
    return -1;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0 || connect(fd, address->ai_addr, address->ai_addrlen) != 0) {
    freeaddrinfo(address);
    if (fd >= 0)
      close(fd);
    return -1;
  }
  freeaddrinfo(address);
  char request[1024];
  int length = snprintf(
      request, sizeof request,
      "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, host);
  char *response = NULL;
  size_t size = 0;
  if (send(fd, request, (size_t)length, 0) == length) {
    char buffer[65536];
    ssize_t got;
    while ((got = recv(fd, buffer, sizeof buffer, 0)) > 0) {
      char *grown = realloc(response, size + (size_t)got);
      if (!grown)
        break;
      response = grown;
      memcpy(response + size, buffer, (size_t)got);
      size += (size_t)got;
    }
  }
  close(fd);
  long body = response ? body_length(response, size) : -1;
  free(response);
  return body;
}

int main(int argc, char **argv) {
  long *sizes = calloc((size_t)argc, sizeof(long));
  if (!sizes)
    return 1;
  for (int i = 1; i < argc; ++i)
    sizes[i] = fetch(argv[i]);
  int failed = 0;
  for (int i = 1; i < argc; ++i) {
    if (sizes[i] < 0) {
      printf("%s: failed\n", argv[i]);
      failed = 1;
    } else {
      printf("%s: %ld bytes\n", argv[i], sizes[i]);
    }
  }
  free(sizes);
  return failed;
}
