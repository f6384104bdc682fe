# Shared by the controller's commands: settings, naming, and finding a host's processes. Sourced by lab.sh.

die() { echo "lab: $*" >&2; exit 1; }
bad_usage() { echo "lab: $*" >&2; exit 2; }
say() { echo "lab: $*" >&2; }
now() { date +%s.%N; }
span() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
elapsed() { span "$1" "$(now)"; }

need_root() { [[ $(id -u) == 0 ]] || die "the lab needs root (network namespaces, mounts); run as root"; }

# lab_configure [bare]: names and paths of the lab chosen by OPSGATE_LAB_PREFIX/OPSGATE_LAB_NET.
# A bare lab has its own prefix (<prefix>b) and the next /24, so it can run beside the Xizang lab.
lab_configure() {
  PREFIX=${OPSGATE_LAB_PREFIX:-og}
  NET=${OPSGATE_LAB_NET:-10.77.0}
  # Interface names are capped at 15 bytes: <prefix>b + v200 must fit, and no '-' keeps netns globs unambiguous.
  [[ $PREFIX =~ ^[a-z][a-z0-9]{0,5}$ ]] || bad_usage "OPSGATE_LAB_PREFIX '$PREFIX' must be 1-6 lowercase letters or digits, starting with a letter"
  [[ $NET =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] || bad_usage "OPSGATE_LAB_NET '$NET' must be the first three octets of a /24, like 10.77.0"
  local o1=${BASH_REMATCH[1]} o2=${BASH_REMATCH[2]} o3=${BASH_REMATCH[3]}
  (( 10#$o1 <= 255 && 10#$o2 <= 255 && 10#$o3 <= 255 )) || bad_usage "OPSGATE_LAB_NET '$NET' has an octet above 255"
  BARE=
  if [[ ${1:-} == bare ]]; then
    BARE=1
    (( 10#$o3 < 255 )) || bad_usage "OPSGATE_LAB_NET '$NET': a bare lab uses the next /24, and there is none after .255"
    PREFIX=${PREFIX}b
    NET=$((10#$o1)).$((10#$o2)).$((10#$o3 + 1))
  fi
  STATE=$REPO_ROOT/.opsgate/lab/$PREFIX
  BR=${PREFIX}br0
  VIP=$NET.100
  HEALTH_TIMEOUT=${OPSGATE_LAB_HEALTH_TIMEOUT:-120}
  [[ $HEALTH_TIMEOUT =~ ^[0-9]+$ ]] || bad_usage "OPSGATE_LAB_HEALTH_TIMEOUT '$HEALTH_TIMEOUT' must be whole seconds"
  HOSTBOOT=$LAB_DIR/host/hostboot.sh
  VARIANTS=${VARIANTS-${OPSGATE_LAB_VARIANTS:-}}
  [[ -z $BARE ]] || VARIANTS=  # sshd-only hosts have nothing to vary
  check_variants
}

# Every entry of $VARIANTS is NAME or NAME@HOST, NAME listed in lab/variants (hosts are checked against the spec).
check_variants() {
  [[ -z $VARIANTS ]] && return 0
  local known item; known=$(awk '!/^[[:space:]]*(#|$)/ { print $1 }' "$LAB_DIR/variants")
  local IFS=,
  for item in $VARIANTS; do
    [[ $item =~ ^([a-z0-9-]+)(@[a-z][a-z0-9-]*)?$ ]] || bad_usage "variant '$item' must be NAME or NAME@HOST"
    grep -qx -- "${BASH_REMATCH[1]}" <<< "$known" || bad_usage "unknown variant '${BASH_REMATCH[1]}' (known: $(tr '\n' ' ' <<< "$known"))"
  done
}

# Bare hosts are named b001…b200, so a host name alone says which lab it belongs to.
lab_configure_for_host() {
  if [[ $1 =~ ^b[0-9]{3}$ ]]; then lab_configure bare; else lab_configure; fi
}

# Serialises `up` and `down` of one lab (a test run and a shell may both ask); the lock outlives the state dir.
lab_lock() {
  mkdir -p "$REPO_ROOT/.opsgate/lab"
  exec 9> "$REPO_ROOT/.opsgate/lab/$PREFIX.lock"
  flock -w 600 9 || die "lab $PREFIX is busy: another 'up' or 'down' holds $REPO_ROOT/.opsgate/lab/$PREFIX.lock"
}

# The unshare PID recorded for host $1, or nothing.
host_upid() { [[ -f $STATE/pids ]] && awk -v n="$1" '$1 == n { print $2 }' "$STATE/pids"; }

# True when PID $1 is our unshare for host $2 of this lab (its cmdline names our hostboot.sh, state dir and host).
is_our_unshare() {
  local pid=$1 host=$2 args=()
  [[ -r /proc/$pid/cmdline ]] || return 1
  mapfile -d '' args < "/proc/$pid/cmdline" 2>/dev/null || return 1
  local i
  for ((i = 0; i + 2 < ${#args[@]}; i++)); do
    [[ ${args[i]} == "$HOSTBOOT" && ${args[i+1]} == "$STATE" && ${args[i+2]} == "$host" ]] && [[ ${args[0]##*/} == unshare ]] && return 0
  done
  return 1
}

# Alive and not a zombie (our unshare is re-parented to the machine's init, which may reap it late).
is_alive() { [[ -d /proc/$1 ]] && [[ $(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) != Z ]]; }

# The root-namespace PID of host $1's PID 1; dies when the host is not running.
host_pid1() {
  local upid; upid=$(host_upid "$1")
  [[ -n $upid ]] || die "no host '$1' in lab $PREFIX (is the lab up? see 'opsgate lab status')"
  is_our_unshare "$upid" "$1" || die "host '$1' of lab $PREFIX is not running"
  local p1; p1=$(awk '{ print $1 }' "/proc/$upid/task/$upid/children" 2>/dev/null)
  [[ -n $p1 ]] || die "host '$1' of lab $PREFIX has no PID 1"
  echo "$p1"
}

# Runs a command in every namespace of host $1 (chrooted into its root), with a clean environment.
in_host() {
  local p1; p1=$(host_pid1 "$1"); shift
  nsenter -t "$p1" -m -u -i -n -p -r -w /usr/bin/env -i \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" "$@"
}

# `ip` listing that retries: a dump taken while another lab adds or deletes links fails with
# "Dump was interrupted and may be inconsistent".
ip_dump() {
  local i out
  for i in 1 2 3 4 5 6 7 8; do
    if out=$(ip "$@" 2>/dev/null); then printf '%s\n' "$out"; return 0; fi
    sleep 0.1
  done
  ip "$@"
}
