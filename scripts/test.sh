#!/usr/bin/env bash
# Runs every vitest project in two queues side by side: unit and integration in one vitest, and beside it the
# variants project, then the oceanbase project, each in a vitest of its own. Within one vitest, the files of every
# project that runs one file at a time share a single queue, so a lab project in the main vitest would wait for the
# integration files. Each project has its own lab (prefix and /24), so they never touch each other's hosts. Two
# labs at a time, not three: with all three at once, the extra load on a two-core machine made timing-sensitive runs
# flaky. The side queue's output is printed after the main one; the last line adds up their
# `N passed, N failed, N skipped` lines.
# Extra arguments go to every vitest (e.g. -t PATTERN).
set -uo pipefail
cd "$(dirname "$0")/.."

REPORTERS=(--reporter=default --reporter=./test/support/summary-reporter.ts)
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
side=(variants oceanbase)
# The side queue: one project after the other, each one's exit code in its own file.
(
  for p in "${side[@]}"; do
    npx vitest run --project "$p" "${REPORTERS[@]}" "$@" > "$logs/$p.log" 2>&1
    echo $? > "$logs/$p.rc"
  done
) &
side_pid=$!
npx vitest run --project unit --project integration "${REPORTERS[@]}" "$@" | tee "$logs/main.log"
rc=${PIPESTATUS[0]}
wait "$side_pid"
for p in "${side[@]}"; do
  r=$(cat "$logs/$p.rc" 2> /dev/null || echo 1)
  printf '\n===== vitest --project %s (exit %d) =====\n' "$p" "$r"
  cat "$logs/$p.log"
  (( r > rc )) && rc=$r
done
# The totals of the runs, in the summary reporter's form.
sed 's/\x1b\[[0-9;]*m//g' "$logs"/*.log | awk -v want=$(( ${#side[@]} + 1 )) '
  /^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$/ { p += $1; f += $3; s += $5; n++ }
  END { printf "\nall vitest runs (%d reported):\n%d passed, %d failed, %d skipped\n", n, p, f, s; if (n < want) exit 1 }' || rc=1
exit "$rc"
