#!/usr/bin/env bash
# Runs concur-advise --format=json on each project that get_projects.sh
# prepared (DIR/projects.list), writing DIR/<name>.json (the report) and
# DIR/<name>.log (stderr), and DIR/run-info.txt (date, binary, checkout).
# Summaries go to DIR/<name>.db, rebuilt each run.
# Usage: bench/precision/run.sh [--advise BIN] [-j N] [DIR] [NAME...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
advise=$here/../../build/bin/concur-advise
jobs=2
while [ $# -gt 0 ]; do
  case $1 in
    --advise) advise=$2; shift 2 ;;
    -j) jobs=$2; shift 2 ;;
    *) break ;;
  esac
done
dir=${1:-/tmp/concur-precision}
shift || true
[ -f "$dir/projects.list" ] || { echo "run.sh: no $dir/projects.list: run get_projects.sh" >&2; exit 2; }

# Which analysis made the reports: quote this with the scores.
{ date -u '+%Y-%m-%d %H:%M UTC'
  echo "advise: $advise ($("$advise" --version 2>&1 | head -1))"
  echo "checkout: $(git -C "$(dirname "$advise")" rev-parse --short HEAD 2>/dev/null || echo unknown)"
} >"$dir/run-info.txt"

while IFS='=' read -r name src build; do
  if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then continue; fi
  rm -f "$dir/$name.db" "$dir/$name.db.lock"
  start=$(date +%s)
  rc=0
  # A project's own event loop is named in config/<name>.yaml (ours, a
  # knowledge-base file: which argument of its API registers a callback).
  config=()
  [ -f "$here/config/$name.yaml" ] &&
    config=("--config={CheckOptions: {KnowledgeBaseFile: '$here/config/$name.yaml'}}")
  (cd "$src" && nice -n 19 "$advise" -p "$build" -j "$jobs" --format=json --progress=none \
     --fail-on=none --summaries "$dir/$name.db" "${config[@]}" -o "$dir/$name.json") \
     2>"$dir/$name.log" || rc=$?
  echo "$name: exit $rc, $(( $(date +%s) - start )) s, $dir/$name.json" >&2
  [ $rc = 0 ] || tail -5 "$dir/$name.log" >&2
done <"$dir/projects.list"
