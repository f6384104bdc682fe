#!/usr/bin/env bash
# Runs every vitest project: unit, integration and variants in this process, the oceanbase project in a vitest of
# its own beside it. Within one vitest, the files of every project that runs one file at a time share a single
# queue, so the OceanBase lab would wait for the others. Each project has its own lab (prefix and /24), so they
# never touch each other's hosts. The variants project stays in the queue: beside the integration project, the
# extra load on a two-core machine made timing-sensitive runs flaky. The side project's output is printed after
# the main one; the last line adds up their `N passed, N failed, N skipped` lines.
# Extra arguments go to every vitest (e.g. -t PATTERN).
set -uo pipefail
cd "$(dirname "$0")/.."

REPORTERS=(--reporter=default --reporter=./test/support/summary-reporter.ts)
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
side=(oceanbase)
pids=()
for p in "${side[@]}"; do
  npx vitest run --project "$p" "${REPORTERS[@]}" "$@" > "$logs/$p.log" 2>&1 &
  pids+=($!)
done
npx vitest run --project unit --project integration --project variants "${REPORTERS[@]}" "$@" | tee "$logs/main.log"
rc=${PIPESTATUS[0]}
for i in "${!side[@]}"; do
  wait "${pids[$i]}"
  r=$?
  printf '\n===== vitest --project %s (exit %d) =====\n' "${side[$i]}" "$r"
  cat "$logs/${side[$i]}.log"
  (( r > rc )) && rc=$r
done
# The totals of the runs, in the summary reporter's form.
sed 's/\x1b\[[0-9;]*m//g' "$logs"/*.log | awk '
  /^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$/ { p += $1; f += $3; s += $5; n++ }
  END { printf "\nall vitest runs (%d reported):\n%d passed, %d failed, %d skipped\n", n, p, f, s; if (n < 2) exit 1 }' || rc=1
exit "$rc"
