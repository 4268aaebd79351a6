#!/usr/bin/env bash
# Sharding that scales out: a single cold concur-advise run against the two
# phases of a sharded one, on Debian's git (about 560 C units), all on this
# machine, one step after another:
#
#   single   concur-advise -p BUILD -jJ                        (cold)
#   phase 1  concur-advise -p BUILD -jJ --shard i/N --summaries shard-i.db
#   merge    concur-advise merge shard-*.db -o all.db
#   phase 2  concur-advise -p BUILD -jJ --shard i/N --summaries all.db
#              --recheck-into recheck-i.db
#   final    concur-advise merge all.db recheck-*.db -o final.db
#
# N machines would run the shards of a phase side by side, so the sharded
# wall time is the longest phase-1 shard + merge + the longest phase-2 shard
# + final merge; it prints that over the single run (goal: at most 0.4 with
# N=4), and checks that the sharded report equals the single run's (JSON,
# byte for byte).
#
#   bench/shard/run.sh [--advise BIN] [--shards N] [-j J] [--dir DIR] [--keep] [BUILD]
#
# --keep leaves the databases, reports and logs in the scratch directory it
# names.
# BUILD is a build directory with compile_commands.json; without it, git's
# Debian source is fetched into DIR (default /tmp/concur-bench-projects) and
# built once under `bear` for its compilation database (a few minutes; needs
# dpkg-dev, bear, zlib1g-dev, libcurl4-openssl-dev, libexpat1-dev,
# libpcre2-dev, libssl-dev and deb-src entries, see bench/debian_sources.sh).
# Third-party code stays in DIR: never commit it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
advise=$root/build/bin/concur-advise
shards=4
jobs=2
dir=/tmp/concur-bench-projects
build=
keep=
while [ $# -gt 0 ]; do
  case $1 in
    --advise) advise=$(realpath "$2"); shift 2 ;;
    --shards) shards=$2; shift 2 ;;
    -j) jobs=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) sed -n '2,30p' "$0"; exit 0 ;;
    *) build=$(realpath "$1"); shift ;;
  esac
done

if [ -z "$build" ]; then
  . "$root/bench/debian_sources.sh"
  ensure_deb_src || exit 2
  mkdir -p "$dir"
  cd "$dir"
  git=$(fetch_source git)
  if [ ! -f "$dir/$git/build/compile_commands.json" ]; then
    # bear records the commands of a real build: the programs and the test
    # helpers, without Tcl/Tk and gettext.
    (cd "$git" && make clean >/dev/null 2>&1 || true)
    (cd "$git" && nice bear -- make -j"$jobs" NO_TCLTK=1 NO_GETTEXT=1 all) \
      >"$dir/$git-make.log" 2>&1 || { tail -20 "$dir/$git-make.log" >&2; exit 1; }
    mkdir -p "$git/build"
    cp "$git/compile_commands.json" "$git/build/"
  fi
  build=$dir/$git/build
fi

scratch=$(mktemp -d /tmp/concur-shard-bench.XXXXXX)
if [ -n "$keep" ]; then
  echo "scratch directory (kept): $scratch"
else
  trap 'rm -rf "$scratch"' EXIT
fi
cd "$scratch"

# timed NAME COMMAND...: runs COMMAND (stderr to NAME.log), records its wall
# time in seconds in times[NAME].
declare -A times
timed() {
  local name=$1 start end status=0
  shift
  start=$(date +%s.%N)
  "$@" 2>"$name.log" || status=$?
  end=$(date +%s.%N)
  # 0, 1 (findings) and 3 (some units could not be analysed: they are
  # reported as failed, by the single run and the sharded one alike) are
  # results; 2 is not.
  if [ "$status" = 2 ] || [ "$status" -gt 3 ]; then
    echo "bench/shard: $name failed (exit $status):" >&2
    tail -20 "$name.log" >&2
    exit 1
  fi
  times[$name]=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')
  printf '%-10s %7.1f s  %s\n' "$name" "${times[$name]}" \
    "$(grep -v '^  ' "$name.log" | grep -v 'could not be analysed' | tail -1)"
  [ "$status" = 3 ] && grep -A3 'could not be analysed' "$name.log" | sed 's/^/           /'
  return 0
}

echo "project: $build ($(python3 -c 'import json,sys; print(len({e["file"] for e in json.load(open(sys.argv[1]))}))' "$build/compile_commands.json") files in its compilation database)"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; -j$jobs, $shards shards"

common=(-p "$build" -j"$jobs" --progress=none)
timed single "$advise" "${common[@]}" --summaries single.db --format=json -o single.json \
  --incremental-stats
for i in $(seq "$shards"); do
  timed "phase1-$i" "$advise" "${common[@]}" --shard "$i/$shards" --summaries "shard-$i.db" \
    --fail-on=none --format=json -o /dev/null
done
timed merge "$advise" merge shard-*.db -o all.db
for i in $(seq "$shards"); do
  timed "phase2-$i" "$advise" "${common[@]}" --shard "$i/$shards" --summaries all.db \
    --recheck-into "recheck-$i.db"
done
timed final "$advise" merge all.db recheck-*.db -o final.db
timed report "$advise" --from-db --summaries final.db --format=json -o sharded.json

max() { printf '%s\n' "$@" | sort -g | tail -1; }
p1=$(max $(for i in $(seq "$shards"); do echo "${times[phase1-$i]}"; done))
p2=$(max $(for i in $(seq "$shards"); do echo "${times[phase2-$i]}"; done))
awk -v p1="$p1" -v m="${times[merge]}" -v p2="$p2" -v f="${times[final]}" \
    -v s="${times[single]}" 'BEGIN {
  t = p1 + m + p2 + f
  printf "sharded wall time: %.1f s (longest phase 1 %.1f + merge %.1f + longest phase 2 %.1f + final merge %.1f)\n", t, p1, m, p2, f
  printf "single cold run:   %.1f s\n", s
  printf "sharded / single:  %.2f (goal <= 0.4)\n", t / s
}'
count() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(len(r["findings"]), "findings,", len(r["functions"]), "functions,", r["units"], "units")' "$1"; }
echo "single:  $(count single.json)"
echo "sharded: $(count sharded.json)"
if cmp -s single.json sharded.json; then
  echo "sharded report == single report (JSON, byte for byte)"
else
  echo "bench/shard: the sharded report differs from the single run's" >&2
  exit 1
fi
