// The functions of this project, each defined in another unit. With
// --shard I/3 the units a, d | b, e | c, f go to shards 1, 2 and 3, so
// most calls cross shards.
#pragma once
extern "C" long recv(int fd, void *buf, unsigned long len, int flags);
extern "C" long write(int fd, const void *buf, unsigned long len);

long fetch_page(int fd);              // b.cpp
long net_read(int fd);                // c.cpp
long relay(int fd, int depth);        // c.cpp
double crunch(const double *v, int n); // d.cpp
long forward(int fd, int depth);      // e.cpp
long store(int fd, const char *text); // f.cpp
