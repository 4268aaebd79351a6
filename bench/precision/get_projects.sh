#!/usr/bin/env bash
# Fetches the Debian source packages of bench/precision/projects.tsv into DIR
# (default /tmp/concur-precision), installs bear and their build dependencies,
# and writes a compilation database for each: CMake's or meson's, or bear
# around a real build for make-based projects. Writes DIR/projects.list, one
# NAME=SOURCE_DIR=BUILD_DIR line per project, for run.sh. Third-party code stays
# in DIR: never commit it. Heavy steps run under nice, with at most -j2.
# Usage: bench/precision/get_projects.sh [DIR] [NAME...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-/tmp/concur-precision}
shift || true
. "$here/../debian_sources.sh"

ensure_deb_src || exit 2
ensure_packages dpkg-dev bear cmake meson ninja-build pkg-config make gcc g++ \
  libevent-dev libssl-dev libcjson-dev uthash-dev libpcre2-dev zlib1g-dev \
  libsnappy-dev libsqlite3-dev libsasl2-dev libhiredis-dev \
  libjpeg-dev libgnutls28-dev libidn2-dev libpsl-dev uuid-dev \
  autoconf automake

mkdir -p "$dir"
cd "$dir"
: >projects.list.new

run_logged() { # log command...: runs it, shows the log's tail when it fails
  local log=$1; shift
  "$@" >"$log" 2>&1 || { tail -30 "$log" >&2; return 1; }
}

cmake_db() { # src extra-args...: configure only; CMake writes the database
  local src=$1; shift
  [ -f "$src/build-concur/compile_commands.json" ] && return 0
  run_logged "$src-cmake.log" nice -n 19 cmake -S "$src" -B "$src/build-concur" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_EXPORT_COMPILE_COMMANDS=ON "$@"
}

bear_db() { # src command...: bear records the commands of a real build
  local src=$1; shift
  [ -f "$src/build-concur/compile_commands.json" ] && return 0
  (cd "$src" && run_logged "../$src-build.log" nice -n 19 bear -- "$@")
  mkdir -p "$src/build-concur"
  mv "$src/compile_commands.json" "$src/build-concur/"
}

build() { # name package version
  local name=$1 src
  src=$(fetch_source "$2" "$3")
  case $name in
    memcached)
      [ -f "$src/Makefile" ] || (cd "$src" && run_logged "../$src-configure.log" ./configure)
      bear_db "$src" make -j2 memcached ;;
    mosquitto)
      cmake_db "$src" -DDOCUMENTATION=OFF -DWITH_WEBSOCKETS=OFF -DWITH_SRV=OFF \
        -DWITH_TLS=ON -DWITH_CJSON=ON ;;
    lighttpd)
      [ -f "$src/build-concur/compile_commands.json" ] ||
        run_logged "$src-meson.log" nice -n 19 meson setup "$src/build-concur" "$src" \
          -Dwith_pcre2=true -Dwith_zlib=enabled
      # The configuration parser is generated (lemon) at build time.
      run_logged "$src-generate.log" nice -n 19 ninja -C "$src/build-concur" -j1 \
        src/configparser.c src/configparser.h ;;
    redis)
      bear_db "$src" make -j2 USE_JEMALLOC=no BUILD_TLS=no ;;
    leveldb)
      cmake_db "$src" -DLEVELDB_BUILD_TESTS=OFF -DLEVELDB_BUILD_BENCHMARKS=OFF ;;
    ninja-build)
      cmake_db "$src" -DBUILD_TESTING=OFF
      # browse.cc includes a header generated from browse.py.
      [ -f "$src/build-concur/build/browse_py.h" ] ||
        run_logged "$src-generate.log" make -C "$src/build-concur" \
          -f CMakeFiles/ninja.dir/build.make build/browse_py.h ;;
    re2)
      # The +dfsg source drops the generated Unicode and Perl tables: make
      # them as debian/rules does (REBUILD_TABLES=1, from unicode-data).
      ensure_packages unicode-data perl python3
      [ -f "$src/re2/unicode_groups.cc" ] ||
        run_logged "$src-tables.log" make -C "$src" REBUILD_TABLES=1 \
          re2/perl_groups.cc re2/unicode_groups.cc re2/unicode_casefold.cc
      cmake_db "$src" -DRE2_BUILD_TESTING=OFF ;;
    snappy)
      cmake_db "$src" -DSNAPPY_BUILD_TESTS=OFF -DSNAPPY_BUILD_BENCHMARKS=OFF ;;
    jpegoptim)
      [ -f "$src/Makefile" ] || (cd "$src" && run_logged "../$src-configure.log" ./configure)
      bear_db "$src" make -j2 ;;
    wget)
      [ -f "$src/Makefile" ] ||
        (cd "$src" && run_logged "../$src-configure.log" ./configure --with-ssl=gnutls)
      bear_db "$src" make -j2 ;;
    bzip2)
      bear_db "$src" make -j2 bzip2 bzip2recover ;;
    potrace)
      [ -f "$src/Makefile" ] || (cd "$src" && run_logged "../$src-configure.log" ./configure)
      bear_db "$src" make -j2 ;;
    zopfli)
      cmake_db "$src" -DZOPFLI_BUILD_SHARED=OFF ;;
    advancecomp)
      # Its release tarball in Debian has no configure script: make it.
      [ -f "$src/configure" ] || (cd "$src" && run_logged "../$src-autoreconf.log" autoreconf -fi)
      [ -f "$src/Makefile" ] || (cd "$src" && run_logged "../$src-configure.log" ./configure)
      bear_db "$src" make -j2 ;;
    lzip)
      [ -f "$src/Makefile" ] || (cd "$src" && run_logged "../$src-configure.log" ./configure)
      bear_db "$src" make -j2 ;;
    libraw)
      # Upstream's plain makefile, without OpenMP (as Makefile.dist ships it):
      # the library once (not its _r twin) and the dcraw_emu command.
      bear_db "$src" make -f Makefile.dist -j2 lib/libraw.a bin/dcraw_emu ;;
    *)
      echo "get_projects.sh: no build recipe for $name" >&2; return 1 ;;
  esac
  echo "$name=$dir/$src=$dir/$src/build-concur" >>projects.list.new
}

while IFS=$'\t' read -r name package version _; do
  case $name in ''|'#'*) continue ;; esac
  if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then continue; fi
  echo "== $name ($package $version)" >&2
  build "$name" "$package" "$version"
done <"$here/projects.tsv"
# With NAME arguments, keep the other projects' lines of an earlier run.
if [ $# -gt 0 ] && [ -f projects.list ]; then
  while IFS='=' read -r name rest; do
    grep -q "^$name=" projects.list.new || echo "$name=$rest" >>projects.list.new
  done <projects.list
fi
mv projects.list.new projects.list
cat projects.list
