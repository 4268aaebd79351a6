// The mixed row in C: downloads, each followed by heavy computation.
//
// Downloads every URL named on the command line (plain HTTP/1.1) with
// blocking sockets and computes a slow digest of each body (many rounds of a
// hash, as a key derivation does), one URL after another: the program waits
// for the network, then keeps one core busy, in turn. concur reports the
// loop in main as `concur-sequential-blocking-loop` with row `mixed` (both
// the waiting and the computing are substantial). See after.c: libuv's loop
// for the downloads and its worker pool (uv_queue_work) for the digests.
//
// Usage: before URL...   (URL: http://HOST:PORT/PATH)
#define _POSIX_C_SOURCE 200809L
#include <netdb.h>
#include <stdint.h>
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

struct result {
  long size; // the body's size, -1 on failure
  uint64_t digest;
};

// Fetches URL and returns its whole response (*SIZE bytes, to be freed), or
// NULL on failure.
static char *fetch(const char *url, size_t *size_out) {
  char host[256], port[16];
  const char *path;
  if (!parse_url(url, host, sizeof host, port, sizeof port, &path))
    return NULL;
  struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
  struct addrinfo *address;
  if (getaddrinfo(host, port, &hints, &address) != 0)
    return NULL;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0 || connect(fd, address->ai_addr, address->ai_addrlen) != 0) {
    freeaddrinfo(address);
    if (fd >= 0)
      close(fd);
    return NULL;
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
  *size_out = size;
  return response;
}

// Downloads URL and digests its body.
static struct result process(const char *url) {
  struct result result = {-1, 0};
  size_t size = 0;
  char *response = fetch(url, &size);
  const char *body = response ? body_of(response, size) : NULL;
  if (body) {
    result.size = (long)(size - (size_t)(body - response));
    result.digest = slow_digest(body, (size_t)result.size);
  }
  free(response);
  return result;
}

int main(int argc, char **argv) {
  struct result *results = calloc((size_t)argc, sizeof *results);
  if (!results)
    return 1;
  for (int i = 1; i < argc; ++i)
    results[i] = process(argv[i]);
  int failed = 0;
  for (int i = 1; i < argc; ++i) {
    if (results[i].size < 0) {
      printf("%s: failed\n", argv[i]);
      failed = 1;
    } else {
      printf("%s: %ld bytes, digest %016llx\n", argv[i], results[i].size,
             (unsigned long long)results[i].digest);
    }
  }
  free(results);
  return failed;
}
