# Readiness and health gates: wait for every host to finish its roles, then poll each host's gates until all
# pass or the health timeout ends. Sourced by lab.sh.

# Waits until every host has run its roles (/run/lab/ready inside it). Dies naming the hosts that did not.
wait_ready() {
  local deadline=$(( $(date +%s) + HEALTH_TIMEOUT )) name upid p1 pending
  while :; do
    pending=()
    while read -r name upid; do
      is_alive "$upid" || die "host $name died while booting (see $STATE/hosts/$name/boot.log)"
      p1=$(awk '{ print $1 }' "/proc/$upid/task/$upid/children" 2>/dev/null)
      [[ -n $p1 && -e /proc/$p1/root/run/lab/ready ]] || pending+=("$name")
    done < "$STATE/pids"
    (( ${#pending[@]} == 0 )) && return 0
    (( $(date +%s) < deadline )) || die "hosts not booted after ${HEALTH_TIMEOUT}s: ${pending[*]} (see $STATE/hosts/NAME/boot.log)"
    sleep 0.2
  done
}

# run_gates TIMEOUT: polls /lab/host/gates.sh in every host, a batch of hosts at a time, until all pass.
# Prints the failing gates and returns 1 on timeout or as soon as a role script has failed (it will not heal).
run_gates() {
  local timeout=$1 out; out=$(mktemp -d)
  local deadline=$(( $(date +%s) + timeout )) pending name
  mapfile -t pending < <(awk '{ print $1 }' "$STATE/pids")
  while :; do
    local still=() jobs=()
    # Wait for these jobs only: a bare `wait` would also wait for the hosts, which are children of this shell.
    for name in "${pending[@]}"; do
      ( in_host "$name" /bin/bash /lab/host/gates.sh > "$out/$name" 2>&1; echo $? > "$out/$name.rc" ) &
      jobs+=($!)
      (( ${#jobs[@]} % 24 == 0 )) && { wait "${jobs[@]}"; jobs=(); }
    done
    (( ${#jobs[@]} == 0 )) || wait "${jobs[@]}"
    for name in "${pending[@]}"; do
      [[ $(cat "$out/$name.rc") == 0 ]] || still+=("$name")
    done
    pending=("${still[@]}")
    (( ${#pending[@]} == 0 )) && { rm -rf "$out"; return 0; }
    if grep -qs '^FATAL' "${pending[@]/#/$out/}" || (( $(date +%s) >= deadline )); then
      for name in "${pending[@]}"; do sed "s/^\(FATAL\|FAIL\) /gate /; s/^gate \([^:]*\):/gate \1 on $name:/" "$out/$name" >&2; done
      rm -rf "$out"
      return 1
    fi
    sleep 0.5
  done
}
