# Helpers for role scripts and health gates, inside a host: `. /lab/host/lib.sh`. See docs/lab.md.

# Exports the lab's environment (NET, VIP, DNS_IP, HOST_*, …) and this host's NAME and IP.
lab_load_env() {
  set -a
  . /lab-pub/env
  . /run/lab/host.env
  set +a
}

# Prints "ROLE ARG" for each role of this host, in spec order.
lab_my_roles() {
  awk -v me="$NAME" '$1 == me { for (i = 3; i <= NF; i++) { r = $i; a = ""; p = index(r, "="); if (r ~ /^\+/) continue;
    if (p) { a = substr(r, p + 1); r = substr(r, 1, p - 1) } print r " " a } }' /lab-pub/spec
}

# lab_hosts_with ROLE: prints "NAME ADDRESS ARG" for every host that has ROLE.
lab_hosts_with() {
  awk -v role="$1" '{ for (i = 3; i <= NF; i++) { r = $i; a = ""; p = index(r, "="); if (r ~ /^\+/) continue;
    if (p) { a = substr(r, p + 1); r = substr(r, 1, p - 1) } if (r == role) print $1 " " $2 " " a } }' /lab-pub/spec
}

# lab_variant NAME: true when the lab was brought up with the deployment variant NAME for this host
# (`opsgate lab up --variant NAME[@HOST],…`; docs/lab.md, "Variants"). Roles lay a service out differently then.
lab_variant() {
  awk -v me="$NAME" -v v="+$1" '$1 == me { for (i = 3; i <= NF; i++) if ($i == v) found = 1 } END { exit !found }' /lab-pub/spec
}

# lab_host_ip NAME: the address of a lab host (fails for an unknown name).
lab_host_ip() {
  local ip; ip=$(awk -v n="$1" '$1 == n { print $2 }' /lab-pub/spec)
  [[ -n $ip ]] || { echo "lab: no host '$1' in the spec" >&2; return 1; }
  echo "$ip"
}

# lab_secret NAME: prints a lab secret (root-password, redis-password, csb-redis-password). Never log it.
lab_secret() { cat "/lab-secrets/$1"; }

# lab_wait_port PORT [SECONDS]: waits until something listens on the local TCP PORT (default 30 s).
lab_wait_port() {
  local port=$1 tries=$(( ${2:-30} * 5 ))
  while (( tries-- > 0 )); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.2
  done
  echo "lab: nothing listens on port $port" >&2
  return 1
}
