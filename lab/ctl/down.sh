# `down`: removes exactly what this lab made: its hosts' process trees, its namespaces, veths and bridge. Sourced by lab.sh.

# PIDs of this lab's unshare processes: the recorded ones plus any left by an interrupted `up`, each
# confirmed by its full cmdline (our hostboot.sh, this lab's state dir) before anyone kills it.
our_unshares() {
  local name pid
  if [[ -f $STATE/pids ]]; then
    while read -r name pid; do if is_our_unshare "$pid" "$name"; then echo "$pid"; fi; done < "$STATE/pids"
  fi
  for pid in $(pgrep -x unshare || true); do
    local args=(); mapfile -d '' args < "/proc/$pid/cmdline" 2>/dev/null || continue
    local i
    for ((i = 1; i + 2 < ${#args[@]}; i++)); do
      if [[ ${args[i]} == "$HOSTBOOT" && ${args[i+1]} == "$STATE" ]]; then
        if is_our_unshare "$pid" "${args[i+2]}"; then echo "$pid"; fi
        break
      fi
    done
  done
  return 0
}

# The state dir of a lab of this prefix run from another checkout (its hosts boot from another state dir), if any.
# Namespaces, veths and the bridge are named by prefix alone, so such a lab's network is this lab's too.
foreign_lab() {
  local pid
  for pid in $(pgrep -x unshare || true); do
    local args=(); mapfile -d '' args < "/proc/$pid/cmdline" 2>/dev/null || continue
    local i
    for ((i = 1; i + 2 < ${#args[@]}; i++)); do
      if [[ ${args[i]##*/} == hostboot.sh && ${args[i+1]##*/} == "$PREFIX" && ${args[i+1]} != "$STATE" ]]; then
        echo "${args[i+1]}"
        return 0
      fi
    done
  done
  return 0
}

# Refuses to touch a lab of this prefix that another checkout runs: tearing its network down would cut it off.
refuse_foreign_lab() {
  local other; other=$(foreign_lab)
  [[ -z $other ]] && return 0
  die "lab $PREFIX is running from another checkout (state in $other): nothing was touched; bring it down from there, or use another prefix and net (OPSGATE_LAB_PREFIX, OPSGATE_LAB_NET)"
}

# True when anything of this lab exists (used by `up` to clean a half-made lab first).
lab_traces() {
  [[ -f $STATE/pids || -f $STATE/netns ]] && return 0
  ip link show "$BR" &>/dev/null && return 0
  ip netns list | awk '{ print $1 }' | grep -q "^$PREFIX-" && return 0
  [[ -n $(our_unshares) ]]
}

cmd_down() {
  local t0; t0=$(now)
  refuse_foreign_lab
  # --kill-child: killing a host's unshare kills its PID 1, and with it every process of that PID namespace;
  # the host's mounts live only in its own mount namespace and go with it.
  local pids; pids=$(our_unshares | sort -u)
  local pid
  for pid in $pids; do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in $pids; do
    local tries=0
    while is_alive "$pid" && (( tries++ < 250 )); do sleep 0.02; done
  done
  local ns
  {
    [[ -f $STATE/netns ]] && awk '{ print $1 }' "$STATE/netns"
    ip netns list | awk -v p="$PREFIX-" 'index($1, p) == 1 { print $1 }'
  } | sort -u | while read -r ns; do
    ip netns del "$ns" 2>/dev/null || true
  done
  # Deleting a netns deletes its veth pair; a veth whose netns was never made is removed here.
  ip_dump -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | { grep -E "^${PREFIX}v[0-9]+$" || true; } | while read -r ns; do
    ip link del "$ns" 2>/dev/null || true
  done
  ip link del "$BR" 2>/dev/null || true
  # The state dir goes too (keys, secrets, site file): a new `up` makes new ones.
  [[ -d $STATE ]] && rm -rf --one-file-system "$STATE"
  say "lab $PREFIX down in $(elapsed "$t0")s"
}
