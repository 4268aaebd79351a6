#!/usr/bin/env bash
# Cost of the concur checks inside clangd: clangd's own timing mode,
# `concur-clangd --check=FILE --check-tidy-time=concur-*`, which builds the
# file's AST repeatedly with and without each check and prints each check's
# time as a share of the AST build (the comparator is clangd's own AST build,
# measured in the same run). clangd's bar for its fast checks is under 10%.
#
# Files: every examples/*/before.cpp and one large real source file
# (checks/analysis/WorkloadAnalyzer.cpp, which includes Clang's AST headers).
#
# On a loaded machine clangd discards unstable measurements and the shares
# swing widely; cpu_cost.py next to this script compares CPU times instead.
#
# Usage: bench/clangd_cost/run.sh [BUILD_DIR] [FILE...]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build}
shift || true
clangd=$build/bin/concur-clangd
[ -x "$clangd" ] || { echo "no concur-clangd at $clangd: build first" >&2; exit 2; }
[ -f "$build/compile_commands.json" ] || { echo "no compile_commands.json in $build" >&2; exit 2; }

if [ $# -gt 0 ]; then
  files=("$@")
else
  files=("$root"/examples/*/before.cpp "$root"/checks/analysis/WorkloadAnalyzer.cpp)
fi

# The examples are not in the build's compile_commands.json: clangd reads
# examples/compile_flags.txt for them. The .clangd next to them enables the
# checks; for the project's own file a temporary fragment does the same.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/config/clangd"
cat > "$work/config/clangd/config.yaml" <<'YAML'
Diagnostics:
  ClangTidy:
    Add: [concur-*]
    FastCheckFilter: Loose
YAML

printf '%-52s %s\n' file "concur checks' share of the AST build (clangd --check-tidy-time)"
for file in "${files[@]}"; do
  log=$work/log
  XDG_CONFIG_HOME=$work/config "$clangd" --compile-commands-dir="$build" \
    --check="$file" --check-locations=false --check-tidy-time='concur-*' >"$log" 2>&1 || true
  shares=$(sed -n 's/^I\[[^]]*\]   \(concur-[a-z-]*\) = \(.*\)$/\1=\2/p' "$log" | tr '\n' ' ')
  if [ -z "$shares" ]; then
    shares="(no timing: $(grep -m1 -E '^E\[' "$log" || echo 'see clangd log'))"
  fi
  printf '%-52s %s\n' "${file#"$root"/}" "$shares"
done
