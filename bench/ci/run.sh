#!/usr/bin/env bash
# The time of CI (.ci/run, the README's test command) on a fresh clone:
# cold (an empty compiler cache), then warm (a second fresh clone after a
# small change, with the cache the cold run filled), and their ratio.
#
#   bench/ci/run.sh [--warm-only]
#
# The clones come from this checkout's HEAD. The cold run uses a scratch
# ccache directory, so the user's own cache is neither used nor touched;
# --warm-only skips it and measures one run against the user's cache.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
scratch=$(mktemp -d /tmp/concur-ci-bench.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

# clone_and_run NAME: seconds of `bash .ci/run` in a fresh clone.
clone_and_run() {
  local tree=$scratch/$1
  git clone -q "$root" "$tree"
  if [ "$1" = warm ]; then
    # A small change: one comment in one analysis source.
    echo "// bench/ci: a small change" >> "$tree/checks/analysis/Advice.cpp"
  fi
  local start end
  start=$(date +%s)
  (cd "$tree" && CI=true bash .ci/run > "$scratch/$1.log" 2>&1) || {
    echo "bench/ci: the $1 run failed; its log:" >&2
    tail -50 "$scratch/$1.log" >&2
    exit 1
  }
  end=$(date +%s)
  echo $((end - start))
}

if [ "${1:-}" != --warm-only ]; then
  export CCACHE_DIR=$scratch/ccache
  cold=$(clone_and_run cold)
  printf 'cold CI (empty ccache): %d s\n' "$cold"
fi
warm=$(clone_and_run warm)
printf 'warm CI (after a one-line change): %d s\n' "$warm"
[ -n "${cold:-}" ] && awk -v w="$warm" -v c="$cold" 'BEGIN { printf "warm/cold: %.2f\n", w / c }'
exit 0
