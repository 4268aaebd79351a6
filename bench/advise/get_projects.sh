#!/usr/bin/env bash
# Fetches the Debian sources of leveldb and redis into DIR (default
# /tmp/concur-bench-projects) and writes a compile_commands.json for each
# (leveldb with CMake; redis with bear around make, which builds it).
# Needs: apt-get install dpkg-dev bear libsnappy-dev cmake, and deb-src
# entries; a deb-src copy of /etc/apt/sources.list.d/debian.sources is added
# when there is none (bench/debian_sources.sh). Third-party code stays in DIR:
# never commit it.
# Prints the two build directories for bench/advise/run.py.
set -euo pipefail
dir=${1:-/tmp/concur-bench-projects}

. "$(dirname "$0")/../debian_sources.sh"
ensure_deb_src || exit 2

mkdir -p "$dir"
cd "$dir"

leveldb=$(fetch_source leveldb)
if [ ! -f "$leveldb/build/compile_commands.json" ]; then
  cmake -S "$leveldb" -B "$leveldb/build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
    -DLEVELDB_BUILD_TESTS=OFF -DLEVELDB_BUILD_BENCHMARKS=OFF >"$leveldb-cmake.log"
fi

redis=$(fetch_source redis)
if [ ! -f "$redis/build/compile_commands.json" ]; then
  # bear records the commands of a real build (about two minutes on 2 cores).
  (cd "$redis" && make distclean >/dev/null 2>&1 || true)
  (cd "$redis" && nice bear -- make -j2 USE_JEMALLOC=no BUILD_TLS=no) >"$redis-make.log" 2>&1 ||
    { tail -20 "$redis-make.log" >&2; exit 1; }
  mkdir -p "$redis/build"
  cp "$redis/compile_commands.json" "$redis/build/"
fi

echo "$dir/$leveldb/build"
echo "$dir/$redis/build"
