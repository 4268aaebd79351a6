#!/usr/bin/env bash
# bench/http_server/profile.sh: what one request costs concur::http::server in
# system calls and context switches, counted by perf over a run of the same
# load client as run.sh (one endpoint, one connection count).
#
# Printed per request: the server's CPU time, its context switches, all its
# system calls, and those of them a request makes (futex and sched_yield:
# handing work to pool threads and their sleeping; io_uring_enter: the loop
# waiting; write/read: eventfd wake-ups of the loop; sendto/recvfrom: the
# socket). Not a comparison: run.sh measures against aiohttp.
#
# Usage: bench/http_server/profile.sh BUILD_DIR PATH CONNECTIONS [SECONDS]
#   e.g. bench/http_server/profile.sh build /blocking 1 2
# Needs perf with access to the syscall tracepoints (root, or
# kernel.perf_event_paranoid at -1). Everything talks to 127.0.0.1 only.
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,16p' "$0" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$1
path=$2
connections=$3
seconds=${4:-2}
bin=$build/bench/http_server
cmake --build "$build" --target bench_http_server_concur bench_http_server_load >/dev/null
command -v perf >/dev/null || { echo "perf is not installed" >&2; exit 1; }

out=$(mktemp)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -f "$out" "$out.stat"
}
trap cleanup EXIT
"$bin/bench_http_server_concur" 0 >"$out" 2>&1 &
server_pid=$!
port=
for _ in $(seq 200); do
  port=$(awk '/^listening/ {print $2}' "$out")
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { echo "the server did not start" >&2; exit 1; }
"$bin/bench_http_server_load" "$port" "$connections" 1 "$path" >/dev/null # warm up

calls=(futex sched_yield io_uring_enter write read sendto recvfrom)
events=task-clock,context-switches,raw_syscalls:sys_enter
for c in "${calls[@]}"; do events+=,syscalls:sys_enter_$c; done
perf stat -x, -e "$events" -p "$server_pid" -- sleep "$seconds" 2>"$out.stat" &
perf_pid=$!
rate=$("$bin/bench_http_server_load" "$port" "$connections" "$seconds" "$path" | awk '{print $2}')
wait "$perf_pid"
grep -q "sys_enter" "$out.stat" && ! grep -q "<not supported>\|<not counted>" "$out.stat" ||
  { echo "perf cannot count the syscall tracepoints here (root or perf_event_paranoid -1)" >&2; exit 1; }
echo "$path, $connections connection(s), ${seconds}s: $rate requests/s; per request:"
awk -F, -v n="$((rate * seconds))" '{
  name = $3; sub("syscalls:sys_enter_", "", name); sub("raw_syscalls:sys_enter", "system calls", name)
  if (name == "task-clock") printf "  %-16s %8.2f us\n", "server CPU", $1 * 1000 / n
  else printf "  %-16s %8.2f\n", name, $1 / n
}' "$out.stat"
