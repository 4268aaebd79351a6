#!/usr/bin/env bash
# Fetches the Debian sources of leveldb and redis into DIR (default
# /tmp/concur-bench-projects) and writes a compile_commands.json for each
# (leveldb with CMake; redis with bear around make). Needs deb-src entries
# and: apt-get install dpkg-dev bear libsnappy-dev.
set -euo pipefail
dir=${1:-/tmp/concur-bench-projects}
mkdir -p "$dir"
cd "$dir"
[ -d leveldb-*/ ] 2>/dev/null || apt-get source leveldb
[ -d redis-*/ ] 2>/dev/null || apt-get source redis
leveldb=$(ls -d leveldb-*/ | head -1)
cmake -S "$leveldb" -B "$leveldb/build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DLEVELDB_BUILD_TESTS=OFF -DLEVELDB_BUILD_BENCHMARKS=OFF >/dev/null
redis=$(ls -d redis-*/ | head -1)
(cd "$redis" && make distclean >/dev/null 2>&1 || true
 cd "$redis" && bear -- make -j2 USE_JEMALLOC=no BUILD_TLS=no >/dev/null 2>&1 || true
 mkdir -p build && cp compile_commands.json build/)
echo "$dir/$leveldb/build"
echo "$dir/$redis/build"
