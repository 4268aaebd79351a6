#!/usr/bin/env bash
# bench/http_server: concur::http::server against Python's aiohttp.web, both
# measured in this one run on this machine.
#
# The guides' web framework, FastAPI, is not a Debian package; aiohttp.web
# (python3-aiohttp) is Debian's asyncio web server, on the default asyncio
# loop (run with /usr/bin/python3, which sees Debian's packages). Each
# server runs on 127.0.0.1 in turn, single-threaded on its loop, against the
# same epoll keep-alive client (load_client.cpp): 1, 100 and
# 1,000 connections, one request in flight per connection, SECONDS each, on
# two endpoints that answer "Hello, world!" (13 bytes, text/plain):
#   /hello     a coroutine handler (async def), on the loop
#   /blocking  a plain function, on a thread pool (concur: io_pool();
#              aiohttp: run_in_executor, as FastAPI runs a plain def)
# Printed: requests per second, the server's CPU time (user + system, from
# /proc) per request, and the ratios concur/aiohttp (throughput) and
# aiohttp/concur (CPU per request, i.e. requests per CPU second). On 2 cores
# the one-thread client can be the bottleneck; CPU per request shows what the
# server itself costs.
#
# The machine is shared, so each figure is the best of ROUNDS rounds, the
# servers taking turns within each round.
#
# Usage: bench/http_server/run.sh [BUILD_DIR] [SECONDS] [ROUNDS]
# BUILD_DIR must be configured with -DCONCUR_BUILD_BENCH=ON; the targets are
# built here if needed. Everything talks to 127.0.0.1 only.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build}
seconds=${2:-2}
rounds=${3:-3}
here=$root/bench/http_server
bin=$build/bench/http_server
cmake --build "$build" --target bench_http_server_concur bench_http_server_load >/dev/null
/usr/bin/python3 -c "import aiohttp" 2>/dev/null ||
  { echo "python3-aiohttp is not installed (tool/quickstart.sh lists it)" >&2; exit 1; }

server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
trap stop_server EXIT

# start_server CMD...: starts a server on a free port, sets $port.
start_server() {
  local out
  out=$(mktemp)
  "$@" >"$out" 2>&1 &
  server_pid=$!
  port=
  for _ in $(seq 200); do
    port=$(awk '/^listening/ {print $2}' "$out")
    [ -n "$port" ] && break
    sleep 0.05
  done
  rm -f "$out"
  [ -n "$port" ] || { echo "server $* did not start" >&2; exit 1; }
}

# CPU time (user + system, in clock ticks) the server has used so far.
server_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
tick_us=$(echo "1000000 / $(getconf CLK_TCK)" | bc -l)

servers=(concur aiohttp)
paths=(/hello /blocking)
counts=(1 100 1000)
declare -A rate cpu
for name in "${servers[@]}"; do
  for path in "${paths[@]}"; do
    for c in "${counts[@]}"; do rate[$name,$path,$c]=0; cpu[$name,$path,$c]=0; done
  done
done
for round in $(seq "$rounds"); do
  for name in "${servers[@]}"; do
    case $name in
      concur) start_server "$bin/bench_http_server_concur" 0 ;;
      aiohttp) start_server /usr/bin/python3 "$here/aiohttp_server.py" 0 ;;
    esac
    for path in "${paths[@]}"; do
      for c in "${counts[@]}"; do
        before=$(server_ticks)
        measured=$("$bin/bench_http_server_load" "$port" "$c" "$seconds" "$path" | awk '{print $2}')
        used=$(echo "($(server_ticks) - $before) * $tick_us / ($measured * $seconds)" | bc -l)
        if [ "$measured" -gt "${rate[$name,$path,$c]}" ]; then rate[$name,$path,$c]=$measured; fi
        if [ "${cpu[$name,$path,$c]}" = 0 ] || (( $(echo "$used < ${cpu[$name,$path,$c]}" | bc -l) )); then
          cpu[$name,$path,$c]=$used
        fi
      done
    done
    stop_server
  done
done

echo "HTTP/1.1 keep-alive requests, best of $rounds x ${seconds}s, 127.0.0.1, same epoll client"
printf "%-10s %-8s %12s %12s %12s\n" endpoint server "1 conn" "100 conns" "1000 conns"
for path in "${paths[@]}"; do
  for name in "${servers[@]}"; do
    printf "%-10s %-8s" "$path" "$name"
    for c in "${counts[@]}"; do printf " %12s" "${rate[$name,$path,$c]}"; done
    echo " requests/s"
  done
  printf "%-10s %-8s" "$path" "ratio"
  for c in "${counts[@]}"; do
    printf " %11.2fx" "$(echo "${rate[concur,$path,$c]} / ${rate[aiohttp,$path,$c]}" | bc -l)"
  done
  echo " concur/aiohttp"
done
echo
echo "server CPU time per request (microseconds, user + system, lowest of $rounds)"
printf "%-10s %-8s %12s %12s %12s\n" endpoint server "1 conn" "100 conns" "1000 conns"
for path in "${paths[@]}"; do
  for name in "${servers[@]}"; do
    printf "%-10s %-8s" "$path" "$name"
    for c in "${counts[@]}"; do printf " %12.2f" "${cpu[$name,$path,$c]}"; done
    echo
  done
  printf "%-10s %-8s" "$path" "ratio"
  for c in "${counts[@]}"; do
    printf " %11.2fx" "$(echo "${cpu[aiohttp,$path,$c]} / ${cpu[concur,$path,$c]}" | bc -l)"
  done
  echo " aiohttp/concur (requests per CPU second)"
done
