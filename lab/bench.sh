#!/bin/bash
# bench.sh [RUNS] [BARE_N]: times `up` and `down` of the Xizang lab and of a bare lab of BARE_N hosts (default
# 3 runs, 50 hosts), for the lab named by OPSGATE_LAB_PREFIX / OPSGATE_LAB_NET. Prints one line per figure.
set -euo pipefail
LAB=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)/lab.sh
runs=${1:-3} bare=${2:-50}
t() { local s; s=$(date +%s.%N); "$@" > /dev/null 2>&1 || { echo "bench: '$*' failed" >&2; exit 1; }; awk -v a="$s" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
figures() { # NAME UP-ARGS… ; DOWN-ARGS via the name
  local name=$1; shift
  local ups=() downs=() i
  for ((i = 0; i < runs; i++)); do
    ups+=("$(t bash "$LAB" up "$@")")
    downs+=("$(t bash "$LAB" down ${1:+--bare})")
  done
  printf '%-14s up   %s s (runs: %s)\n' "$name" "$(printf '%s\n' "${ups[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')" "${ups[*]}"
  printf '%-14s down %s s (runs: %s)\n' "$name" "$(printf '%s\n' "${downs[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')" "${downs[*]}"
}
bash "$LAB" down > /dev/null 2>&1 || true
bash "$LAB" down --bare > /dev/null 2>&1 || true
figures xizang
figures "bare $bare" --bare "$bare"
