#!/usr/bin/env bash
# bench/http_client: concur::http::client against Python's aiohttp and against
# libcurl's easy interface with one blocking request per io_pool() thread,
# all measured in this one run on this machine.
#
# Each client sends REQUESTS GETs (100-byte bodies, keep-alive) with 1,000 in
# flight to the same local server (bench_http_server, one concur event loop
# in a process of its own, 127.0.0.1 only), and reports its own wall time and
# CPU time (user + system, the client process only). Printed: requests per
# second, CPU microseconds per request, requests per CPU second, and the
# ratios the goal is stated in: concur's requests per CPU second over
# aiohttp's, and curl-per-thread's CPU per request over concur's.
#
# The machine is shared, so each figure is the best of ROUNDS rounds, the
# clients taking turns within each round.
#
# Usage: bench/http_client/run.sh [BUILD_DIR] [REQUESTS] [ROUNDS]
# BUILD_DIR must be configured with -DCONCUR_BUILD_BENCH=ON; the bench
# targets are built here if needed. aiohttp: Debian's python3-aiohttp.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build}
requests=${2:-20000}
rounds=${3:-3}
in_flight=1000
here=$root/bench/http_client
bin=$build/bench/http_client
cmake --build "$build" --target bench_http_client bench_http_server >/dev/null

python=
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c "import aiohttp" 2>/dev/null; then
    python=$candidate
    break
  fi
done
[ -n "$python" ] || { echo "aiohttp is not installed (Debian: python3-aiohttp)" >&2; exit 1; }

server_pid=
out=$(mktemp)
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -f "$out"
}
trap cleanup EXIT
"$bin/bench_http_server" 100 >"$out" 2>&1 &
server_pid=$!
port=
for _ in $(seq 100); do
  port=$(awk '/^listening/ {print $2}' "$out")
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { echo "bench_http_server did not start" >&2; exit 1; }
url=http://127.0.0.1:$port/

declare -A best_rate best_cpu
run_client() { # NAME COMMAND...: one run; keeps the best figures
  local name=$1 line n wall cpu rate per
  shift
  line=$("$@")
  read -r n wall cpu <<<"$line"
  rate=$(echo "$n / $wall" | bc -l)
  per=$(echo "$cpu / $n * 1000000" | bc -l)
  if [ -z "${best_rate[$name]:-}" ] || (($(echo "$rate > ${best_rate[$name]}" | bc -l))); then
    best_rate[$name]=$rate
  fi
  if [ -z "${best_cpu[$name]:-}" ] || (($(echo "$per < ${best_cpu[$name]}" | bc -l))); then
    best_cpu[$name]=$per
  fi
}

for round in $(seq "$rounds"); do
  run_client concur "$bin/bench_http_client" concur "$url" "$requests" "$in_flight"
  run_client aiohttp "$python" "$here/aiohttp_bench.py" "$url" "$requests" "$in_flight"
  CONCUR_IO_THREADS=$in_flight run_client curl-per-thread \
    "$bin/bench_http_client" threads "$url" "$requests" "$in_flight"
done

echo "bench/http_client: $requests GETs of 100 bytes, $in_flight in flight, best of $rounds rounds"
printf "%-16s %14s %18s %20s\n" client "requests/s" "CPU us/request" "requests/CPU second"
for name in concur aiohttp curl-per-thread; do
  printf "%-16s %14.0f %18.1f %20.0f\n" "$name" "${best_rate[$name]}" "${best_cpu[$name]}" \
    "$(echo "1000000 / ${best_cpu[$name]}" | bc -l)"
done
printf "concur/aiohttp requests per CPU second: %.1fx (goal: 5x)\n" \
  "$(echo "${best_cpu[aiohttp]} / ${best_cpu[concur]}" | bc -l)"
printf "curl-per-thread/concur CPU per request: %.1fx (goal: 2x)\n" \
  "$(echo "${best_cpu[curl-per-thread]} / ${best_cpu[concur]}" | bc -l)"
printf "concur/aiohttp requests per second: %.1fx; concur/curl-per-thread: %.1fx\n" \
  "$(echo "${best_rate[concur]} / ${best_rate[aiohttp]}" | bc -l)" \
  "$(echo "${best_rate[concur]} / ${best_rate[curl-per-thread]}" | bc -l)"
