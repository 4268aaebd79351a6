#!/usr/bin/env bash
# bench/event_loop: concur::event_loop against Asio (C++20 coroutines), libuv
# and Python asyncio, all measured in this one run on this machine.
#
#  * echo: each single-threaded server on 127.0.0.1 in turn, against the same
#    epoll load client (echo_client.cpp): 1 and 100 connections, 64-byte
#    messages, one outstanding message per connection, SECONDS each; round
#    trips per second and the ratio concur/comparator. Python runs twice:
#    with protocols (asyncio's fastest API) and with streams (the echo server
#    of asyncio's documentation, what most asyncio code looks like).
#    Also each server's CPU time (user + system, from /proc) per round trip:
#    on 2 cores the one-thread client can be the bottleneck, and this shows
#    what the server itself costs, kernel work included. concur runs twice,
#    forced onto each of its loop backends (CONCUR_LOOP_BACKEND=epoll and
#    =io_uring); the ratios compare the others with its epoll run.
#  * files: 4 KiB async_file reads at 64 in flight, io_uring (kernel
#    submissions) against epoll (each read on an I/O pool thread), in one
#    process (bench_event_loop files ROUNDS).
#  * loops: what making a loop costs on each backend (bench_event_loop loops).
#  * micro: spawn+gather of 200,000 tasks, 100,000 timers, 100,000 queue
#    put/get pairs, 10,000 run_in_executor round trips; concur against asyncio.
#
# The machine is shared, so each echo figure is the best of ROUNDS rounds, the
# servers taking turns within each round (interference hits them alike).
#
# Usage: bench/event_loop/run.sh [BUILD_DIR] [SECONDS] [ROUNDS]
# BUILD_DIR must be configured with -DCONCUR_BUILD_BENCH=ON; the bench
# targets are built here if needed. Everything talks to 127.0.0.1 only.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build}
seconds=${2:-2}
rounds=${3:-3}
here=$root/bench/event_loop
bin=$build/bench/event_loop
ninja -C "$build" bench_event_loop bench_event_loop_asio bench_event_loop_uv bench_event_loop_client >/dev/null

server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
trap stop_server EXIT

# start_server NAME CMD...: starts a server on a free port, sets $port.
start_server() {
  local out
  out=$(mktemp)
  "$@" >"$out" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
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

# Throughput is bounded by the client too (one thread, the same system calls
# per message as the server): the server's CPU time per round trip shows
# what each server itself costs, whoever is the bottleneck.
declare -A rate cpu
servers=(concur-epoll concur-io_uring asio libuv asyncio asyncio-streams)
for name in "${servers[@]}"; do rate[$name,1]=0; rate[$name,100]=0; cpu[$name,1]=0; cpu[$name,100]=0; done
for round in $(seq "$rounds"); do
  for name in "${servers[@]}"; do
    case $name in
      concur-epoll) start_server env CONCUR_LOOP_BACKEND=epoll "$bin/bench_event_loop" server 0 ;;
      concur-io_uring) start_server env CONCUR_LOOP_BACKEND=io_uring "$bin/bench_event_loop" server 0 ;;
      asio) start_server "$bin/bench_event_loop_asio" 0 ;;
      libuv) start_server "$bin/bench_event_loop_uv" 0 ;;
      asyncio) start_server python3 "$here/asyncio_bench.py" server 0 ;;
      asyncio-streams) start_server python3 "$here/asyncio_bench.py" streams 0 ;;
    esac
    for connections in 1 100; do
      before=$(server_ticks)
      measured=$("$bin/bench_event_loop_client" "$port" "$connections" "$seconds" 64 | awk '{print $2}')
      used=$(echo "($(server_ticks) - $before) * $tick_us / ($measured * $seconds)" | bc -l)
      if [ "$measured" -gt "${rate[$name,$connections]}" ]; then rate[$name,$connections]=$measured; fi
      if [ "${cpu[$name,$connections]}" = 0 ] || (( $(echo "$used < ${cpu[$name,$connections]}" | bc -l) )); then
        cpu[$name,$connections]=$used
      fi
    done
    stop_server
  done
done

# print_table TABLE FORMAT NUMERATOR DENOMINATOR: one row per server, then
# the ratio NUMERATOR/DENOMINATOR per comparator ("concur-epoll" or "other"
# each).
print_table() {
  local -n table=$1
  local format=$2 top=$3 bottom=$4 name
  printf "%-30s %14s %14s\n" server "1 conn" "100 conns"
  for name in "${servers[@]}"; do
    printf "%-30s $format $format\n" "$name" "${table[$name,1]}" "${table[$name,100]}"
  done
  for name in concur-io_uring asio libuv asyncio asyncio-streams; do
    local up=${top/other/$name} down=${bottom/other/$name}
    printf "%-30s %7.2fx %13.2fx\n" "$up/$down" \
      "$(echo "${table[$up,1]} / ${table[$down,1]}" | bc -l)" \
      "$(echo "${table[$up,100]} / ${table[$down,100]}" | bc -l)"
  done
}

echo "echo round trips per second (64-byte messages, best of $rounds x ${seconds}s, 127.0.0.1)"
print_table rate %14s concur-epoll other
echo
echo "server CPU time per round trip (microseconds, user + system, lowest of $rounds)"
print_table cpu %14.2f other concur-epoll

echo
echo "micro benchmarks (seconds; lower is better)"
concur_micro=$("$bin/bench_event_loop" micro)
python_micro=$(python3 "$here/asyncio_bench.py" micro)
printf "%-22s %10s %10s %10s\n" benchmark concur asyncio "speed-up"
while read -r name value; do
  other=$(awk -v n="$name" '$1 == n {print $2}' <<<"$python_micro")
  printf "%-22s %10.4f %10.4f %9.1fx\n" "$name" "$value" "$other" "$(echo "$other / $value" | bc -l)"
done <<<"$concur_micro"

echo
"$bin/bench_event_loop" files "$rounds"
echo
"$bin/bench_event_loop" loops
