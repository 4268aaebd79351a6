#!/usr/bin/env bash
# Fetches the Debian sources of leveldb and redis into DIR (default
# /tmp/concur-bench-projects) and writes a compile_commands.json for each
# (leveldb with CMake; redis with bear around make, which builds it).
# Needs: apt-get install dpkg-dev bear libsnappy-dev cmake, and deb-src
# entries; as root, a deb-src copy of /etc/apt/sources.list.d/debian.sources
# is added when there is none. Third-party code stays in DIR: never commit it.
# Prints the two build directories for bench/advise/run.py.
set -euo pipefail
dir=${1:-/tmp/concur-bench-projects}

if ! grep -rqs '^\(Types: .*deb-src\|deb-src \)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  if [ "$(id -u)" = 0 ] && [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
      > /etc/apt/sources.list.d/debian-src.sources
    apt-get update -qq
  else
    echo "get_projects.sh: no deb-src entries in the APT sources; add them (see" \
         "sources.list(5)) and run apt-get update" >&2
    exit 2
  fi
fi

mkdir -p "$dir"
cd "$dir"
fetch() { # package: the unpacked source directory, fetched once
  local found
  found=$(find . -maxdepth 1 -type d -name "$1-[0-9]*" | sort | head -1)
  if [ -z "$found" ]; then
    apt-get source "$1" >"$1-fetch.log" 2>&1 || { cat "$1-fetch.log" >&2; exit 1; }
    found=$(find . -maxdepth 1 -type d -name "$1-[0-9]*" | sort | head -1)
  fi
  echo "${found#./}"
}

leveldb=$(fetch leveldb)
if [ ! -f "$leveldb/build/compile_commands.json" ]; then
  cmake -S "$leveldb" -B "$leveldb/build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
    -DLEVELDB_BUILD_TESTS=OFF -DLEVELDB_BUILD_BENCHMARKS=OFF >"$leveldb-cmake.log"
fi

redis=$(fetch redis)
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
