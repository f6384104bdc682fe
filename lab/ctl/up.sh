# `up`: builds the lab from its spec (lab/xizang.spec, or N bare hosts), waits for every gate, writes the
# site file and prints its path. Idempotent; a half-made lab is removed first. Sourced by lab.sh.

# Writes FILE: the resolved spec ("NAME ADDRESS roles…") from lab/xizang.spec or, for a bare lab, b001…bN.
# OPSGATE_LAB_SKIP_ROLES (comma-separated role names, or `all`) leaves roles out: plain sshd hosts for quick work.
write_spec() {
  local count=$1 file=$2 octets; octets=$(mktemp)
  if [[ -n $count ]]; then
    local i; for ((i = 1; i <= count; i++)); do printf 'b%03d %d\n' "$i" $((10 + i)); done > "$octets"
  else
    check_spec "$octets"
    local item; local IFS=,
    for item in $VARIANTS; do
      [[ $item != *@* ]] || awk -v h="${item#*@}" '$1 == h { found = 1 } END { exit !found }' "$octets" \
        || die "variant '$item': no host '${item#*@}' in the spec"
    done
    unset IFS
  fi
  awk -v net="$NET" -v skip="${OPSGATE_LAB_SKIP_ROLES:-}" -v variants="$VARIANTS" '
    BEGIN { n = split(skip, s, ","); for (i = 1; i <= n; i++) drop[s[i]] = 1; nv = split(variants, v, ",") }
    { line = $1 " " net "." $2
      for (i = 3; i <= NF; i++) { r = $i; sub(/=.*/, "", r); if (!drop["all"] && !drop[r]) line = line " " $i }
      # A variant NAME applies to every host, NAME@HOST to one: written as "+NAME" after the roles.
      for (i = 1; i <= nv; i++) { name = v[i]; at = index(name, "@")
        if (at == 0) line = line " +" name; else if (substr(name, at + 1) == $1) line = line " +" substr(name, 1, at - 1) }
      print line }' "$octets" > "$file"
  rm -f "$octets"
  check_login_variants "$file"
}

# check_login_variants FILE: the site file logs in as one user everywhere, so login-ops is on every host of the
# resolved spec or on none (NAME@HOST for every host is how a lab rebuilt host by host names it); sudo-nopasswd
# only changes what login-ops sets up.
check_login_variants() {
  local problem; problem=$(awk '
    { ops = 0; nopw = 0; for (i = 3; i <= NF; i++) { if ($i == "+login-ops") ops = 1; if ($i == "+sudo-nopasswd") nopw = 1 }
      hosts++; with += ops; if (nopw && !ops) orphan = 1 }
    END { if (with > 0 && with < hosts) print "partial"; else if (orphan) print "orphan" }' "$1")
  [[ -z $problem ]] && return 0
  rm -f "$1"
  [[ $problem == partial ]] && bad_usage "variant login-ops applies to the whole lab (the site file logs in as one user on every host): give 'login-ops', not 'login-ops@HOST'"
  bad_usage "variant sudo-nopasswd changes the sudo rule of the ops user: give it with 'login-ops'"
}

# check_spec FILE: validates lab/xizang.spec and writes its host lines ("NAME OCTET roles…") to FILE.
check_spec() {
  local spec=$LAB_DIR/xizang.spec
  [[ -r $spec ]] || die "no spec file $spec"
  awk '!/^[[:space:]]*(#|$)/' "$spec" > "$1"
  local line=0 name octet
  while read -r name octet _; do
    line=$((line + 1))
    [[ $name =~ ^[a-z][a-z0-9-]{0,30}$ ]] || die "$spec: host name '$name' must be lowercase letters, digits and '-'"
    [[ $octet =~ ^[0-9]+$ ]] && (( octet >= 2 && octet <= 254 && (octet < 100 || octet > 102) )) || die "$spec: host $name: last octet '$octet' must be 2-254 and not a VIP (100-102)"
  done < "$1"
  local dup; dup=$(awk '{ print $1 } { print "." $2 }' "$1" | sort | uniq -d | head -1)
  [[ -z $dup ]] || die "$spec: '$dup' appears twice (host names and last octets must be unique)"
}

# Keys, secrets and the files shared with hosts (/lab-pub) and with clients (known_hosts, ssh_config).
write_state() {
  mkdir -p "$STATE/pub" && mv "$1" "$STATE/pub/spec" && chmod 644 "$STATE/pub/spec"
  mkdir -p "$STATE"/{client,pub,secrets,hosts}
  chmod 700 "$STATE/secrets" "$STATE/client"
  ssh-keygen -q -t ed25519 -N '' -C "opsgate-lab-$PREFIX" -f "$STATE/client/id_ed25519"
  cp "$STATE/client/id_ed25519.pub" "$STATE/pub/authorized_keys"
  local s
  for s in root-password ops-password redis-password csb-redis-password; do
    (umask 077; openssl rand -base64 24 | tr -d '/+=\n' > "$STATE/secrets/$s")
  done
  # One SHA-512 crypt hash for every host: cheaper than hashing in each of up to 200 hosts.
  for s in root-password ops-password; do
    (umask 077; openssl passwd -6 -stdin < "$STATE/secrets/$s" > "$STATE/secrets/$s.hash")
  done
  awk '{ print $1 "\t" $2 }' "$STATE/pub/spec" > "$STATE/hosts.tsv"
  { echo "127.0.0.1 localhost"; awk '{ print $2 " " $1 }' "$STATE/pub/spec"; } > "$STATE/pub/hosts"
  {
    echo "NET=$NET"; echo "VIP=$VIP"; echo "GATEWAY=$NET.1"; echo "LAB_DOMAIN=biz.powercloud.com"
    echo "DNS_IP=$(awk '/(^| )bind9( |=|$)/ { print $2; exit }' "$STATE/pub/spec")"
    echo "LAB_SPEC=/lab-pub/spec"; echo "LAB_SECRETS=/lab-secrets"
    awk '{ n = toupper($1); gsub(/-/, "_", n); print "HOST_" n "=" $2 }' "$STATE/pub/spec"
  } > "$STATE/pub/env"
  : > "$STATE/known_hosts"
  # The client logs in as the site file does: ops where root cannot log in (the login-ops variant).
  local user=root; grep -q ' +login-ops\( \|$\)' "$STATE/pub/spec" && user=ops
  {
    printf 'Host *\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n' "$user" "$STATE/client/id_ed25519" "$STATE/known_hosts"
    printf '  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n  BatchMode yes\n  LogLevel ERROR\n  ConnectTimeout 5\n'
  } > "$STATE/ssh_config"
  local name ip keygens=()
  while read -r name _; do
    mkdir -p "$STATE/hosts/$name"
    ssh-keygen -q -t ed25519 -N '' -C "root@$name" -f "$STATE/hosts/$name/ssh_host_ed25519_key" &
    keygens+=($!)
    (( ${#keygens[@]} % 32 == 0 )) && { wait "${keygens[@]}"; keygens=(); }
  done < "$STATE/pub/spec"
  (( ${#keygens[@]} == 0 )) || wait "${keygens[@]}"
  while read -r name ip _; do
    echo "$name,$ip $(cut -d' ' -f1,2 "$STATE/hosts/$name/ssh_host_ed25519_key.pub")" >> "$STATE/known_hosts"
    printf 'Host %s\n  HostName %s\n' "$name" "$ip" >> "$STATE/ssh_config"
  done < "$STATE/pub/spec"
}

# Directories hosts must not see: the checkout, the controller's home, /root and /home.
mask_dirs() {
  local home; home=$(getent passwd "$(id -u)" | cut -d: -f6)
  printf '%s\n' "$REPO_ROOT" "${HOME:-$home}" "$home" /root /home | awk 'NF && !seen[$0]++'
}

boot_hosts() {
  : > "$STATE/pids"
  local masks; masks=$(mask_dirs)
  local name ip
  while read -r name ip _; do
    # A clean environment: the caller's variables (tokens, paths) stay out of the hosts' process trees.
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LAB_MASKS="$masks" setsid ip netns exec "$PREFIX-$name" unshare --mount --uts --ipc --pid --fork \
      --propagation private --kill-child=SIGKILL "$HOSTBOOT" "$STATE" "$name" "$ip" \
      < /dev/null > "$STATE/hosts/$name/boot.log" 2>&1 9>&- &
    echo "$name $!" >> "$STATE/pids"
  done < "$STATE/pub/spec"
}

warn_missing_roles() {
  awk '{ for (i = 3; i <= NF; i++) { r = $i; if (r ~ /^\+/) continue; sub(/=.*/, "", r); hosts[r] = hosts[r] (hosts[r] ? "," : "") $1 } }
    END { for (r in hosts) print r " " hosts[r] }' "$STATE/pub/spec" | sort | while read -r role hosts; do
    [[ -f $LAB_DIR/roles/$role.sh ]] || say "warning: role $role has no script lab/roles/$role.sh yet: skipped on $hosts"
  done
}

# The site file: lab/sites/xizang.yml with this lab's net and its state dir (relative to the new file).
write_site() {
  [[ -n $BARE ]] && return 0
  local tmpl=$REPO_ROOT/lab/sites/xizang.yml
  if [[ ! -f $tmpl ]]; then say "no site template lab/sites/xizang.yml yet: no site file written"; return 0; fi
  mkdir -p "$STATE/sites"
  local site=$STATE/sites/xizang.yml
  sed -E -e "s/(^|[^0-9.])10\.77\.0\./\1$NET./g" -e 's#(\.\./)*\.opsgate/lab/og/#../#g' "$tmpl" > "$site.new"
  if grep -q ' +login-ops\( \|$\)' "$STATE/pub/spec"; then login_ops_site "$site.new"; fi
  mv "$site.new" "$site"
}

# login_ops_site FILE: rewrites the site file in place for the login-ops variant: the ssh block logs in as ops
# with its password and becomes root with sudo and the same password; a host with sudo-nopasswd overrides that
# with a become of its own without a password (or the ssh block has none when every host has sudo-nopasswd).
login_ops_site() {
  local nopw all=0
  nopw=$(awk '/ \+sudo-nopasswd( |$)/ { print $1 }' "$STATE/pub/spec")
  [[ -n $nopw ]] && (( $(wc -l <<< "$nopw") == $(wc -l < "$STATE/pub/spec") )) && all=1
  awk -v nopw="$nopw" -v all="$all" '
    function become() { if (!done) print "  become: { method: sudo" (all ? "" : ", password: { file: ../secrets/ops-password }") " }"; done = 1 }
    BEGIN { n = split(nopw, h, "\n"); for (i = 1; i <= n; i++) if (!all) want[h[i]] = 1 }
    /^[^ #]/ { if (block == "ssh") become(); block = $0; sub(/:.*/, "", block) }
    block == "ssh" && /^[[:space:]]*$/ { become() }
    block == "ssh" && /^  user: root *$/ { sub(/root/, "ops") }
    block == "ssh" && /^  password:/ { sub(/secrets\/root-password/, "secrets/ops-password") }
    block == "hosts" && match($0, /name: [a-z0-9-]+/) && /}$/ {
      name = substr($0, RSTART + 6, RLENGTH - 6)
      if (name in want) { sub(/ *}$/, ", become: { method: sudo } }"); delete want[name] }
    }
    { print }
    END {
      if (block == "ssh") become()
      for (name in want) { print "lab: the site template has no one-line host entry for " name ": no sudo-nopasswd override written" > "/dev/stderr"; bad = 1 }
      exit bad
    }' "$1" > "$1.tmp" && mv "$1.tmp" "$1" || { rm -f "$1.tmp" "$1"; die "could not write the login-ops site file"; }
  grep -q '^  user: ops$' "$1" || die "the site template has no 'user: root' line in its ssh block: cannot log in as ops"
}

# Every host's overlay upper layer once the lab is ready: `diff` reports changes against it.
write_baselines() {
  local name p1
  while read -r name _; do
    p1=$(host_pid1 "$name")
    nsenter -t "$p1" -m -- find "$STATE/hosts/$name/ovl/upper" -mindepth 1 ! -type d -printf '%y %s %T@ %P\n' \
      > "$STATE/hosts/$name/baseline" 2>/dev/null || true
  done < "$STATE/pids"
}

print_result() {
  if [[ -n $BARE ]]; then echo "$STATE/ssh_config"
  elif [[ -f $STATE/sites/xizang.yml ]]; then echo "$STATE/sites/xizang.yml"
  else echo "$STATE"; fi
}

# True when every recorded host is running and the bridge exists.
lab_running() {
  [[ -f $STATE/pids && -f $STATE/netns ]] && ip link show "$BR" &>/dev/null || return 1
  local name pid
  while read -r name pid; do is_our_unshare "$pid" "$name" && is_alive "$pid" || return 1; done < "$STATE/pids"
}

cmd_up() {
  local count=$1
  for tool in ip nsenter unshare ssh-keygen openssl sshd; do
    command -v "$tool" > /dev/null || [[ -x /usr/sbin/$tool ]] || die "'$tool' is not installed (see docs/lab.md, Needs)"
  done
  refuse_foreign_lab
  local want; want=$(mktemp)
  write_spec "$count" "$want"
  if lab_running && cmp -s "$want" "$STATE/pub/spec"; then
    # The site file is written again: the template may have changed since the lab came up.
    if run_gates 15 2>/dev/null; then rm -f "$want"; say "lab $PREFIX is already up and healthy"; write_site; print_result; return 0; fi
    say "lab $PREFIX is up but not healthy: rebuilding it"
  elif lab_running; then
    say "lab $PREFIX is up with another spec: rebuilding it"
  fi
  lab_traces && { say "removing what is left of lab $PREFIX first"; cmd_down; }
  check_subnet_free
  local t0; t0=$(now)
  mkdir -p "$STATE"
  # Anything that fails before the hosts are booted leaves nothing behind.
  trap 'rc=$?; if (( rc != 0 )); then say "up failed: cleaning"; cmd_down; fi' EXIT
  write_state "$want"
  make_network
  local t1; t1=$(now)
  [[ -z $BARE ]] && warn_missing_roles
  boot_hosts
  trap - EXIT
  wait_ready
  local t2; t2=$(now)
  if ! run_gates "$HEALTH_TIMEOUT"; then
    say "lab $PREFIX is up but a gate failed (above); inspect it with 'opsgate lab exec', remove it with 'opsgate lab down'"
    return 1
  fi
  local t3; t3=$(now)
  write_baselines
  write_site
  say "lab $PREFIX up: $(wc -l < "$STATE/pids") hosts on $NET.0/24; network $(span "$t0" "$t1")s, boot $(span "$t1" "$t2")s, gates $(span "$t2" "$t3")s, total $(elapsed "$t0")s"
  print_result
}
