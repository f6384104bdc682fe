# `status`, `exec`, `link`, `diff`: looking into and poking at a running lab. Sourced by lab.sh.

cmd_status() {
  if [[ ! -f $STATE/pids ]]; then echo "lab $PREFIX ($NET.0/24) is down"; return 1; fi
  local name pid ip veth state up=0 total=0
  while read -r name pid; do
    total=$((total + 1))
    ip=$(awk -v n="$name" '$1 == n { print $2 }' "$STATE/hosts.tsv")
    veth=$(awk -v n="$name" '$3 == n { print $2 }' "$STATE/netns")
    if is_our_unshare "$pid" "$name" && is_alive "$pid"; then
      up=$((up + 1)); state=up
      ip -o link show "$veth" 2>/dev/null | grep -q '[<,]UP[,>]' || state=unplugged
    else state=down; fi
    printf '%-10s %-15s %s\n' "$name" "$ip" "$state"
  done < "$STATE/pids"
  echo "lab $PREFIX ($NET.0/24): $up of $total hosts running"
  (( up == total ))
}

cmd_exec() {
  local host=$1; shift
  local rc=0
  in_host "$host" "$@" || rc=$?
  exit "$rc"
}

cmd_link() {
  local veth; veth=$(awk -v n="$1" '$3 == n { print $2 }' "$STATE/netns" 2>/dev/null)
  [[ -n $veth ]] || die "no host '$1' in lab $PREFIX"
  ip link set "$veth" "$2"
  say "$1 $([[ $2 == up ]] && echo plugged into || echo unplugged from) the lab bridge"
}

# Prints "A|M|D /path" for each file added, modified or deleted on the host: since the lab was ready,
# or with --all since boot (everything in the overlay upper layer, including what the roles set up).
cmd_diff() {
  local host=$1 all=$2 p1; p1=$(host_pid1 "$host")
  local upper=$STATE/hosts/$host/ovl/upper base=/dev/null
  [[ -z $all && -f $STATE/hosts/$host/baseline ]] && base=$STATE/hosts/$host/baseline
  # Whiteouts (character devices 0/0) mark deletions; a file that also exists in the lower layer (/) was modified.
  nsenter -t "$p1" -m -- find "$upper" -mindepth 1 ! -type d -printf '%y %s %T@ %P\n' 2>/dev/null |
    awk 'function path(l) { sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", l); return l }
      FILENAME == ARGV[1] { base[path($0)] = $0; next }
      { p = path($0); cur[p] = 1; if (!(p in base)) print "new " $1 " " p; else if (base[p] != $0) print "changed " $1 " " p }
      END { for (p in base) if (!(p in cur)) print "gone - " p }' "$base" - |
    while read -r what type path; do
      if [[ $what == gone ]]; then echo "D /$path"
      elif [[ $type == c ]] && [[ $(nsenter -t "$p1" -m -- stat -c '%t:%T' "$upper/$path") == 0:0 ]]; then echo "D /$path"
      elif [[ $what == changed || -e /$path || -L /$path ]]; then echo "M /$path"
      else echo "A /$path"; fi
    done | { grep -v -E ' /(var/log/lab/|var/log/sshd\.log$|root/\.bash_history$)' || true; } | sort -k2
}
