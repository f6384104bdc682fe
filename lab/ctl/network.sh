# The lab's network: one bridge in the root namespace (.1), one netns + veth per host, no route out. Sourced by lab.sh.

# Refuses when the /24 (or a part of it) is already routed through anything but this lab's bridge.
check_subnet_free() {
  local routes
  routes=$(ip_dump -4 route show root "$NET.0/24" | grep -v " dev $BR " || true)
  [[ -z $routes ]] || die "$NET.0/24 is already routed on this machine ($(echo "$routes" | head -1)); choose another OPSGATE_LAB_NET"
  local addrs
  addrs=$(ip_dump -4 -o addr show | awk -v net="$NET." -v br="$BR" '$2 != br && index($4, net) == 1 { print $2 " " $4 }')
  [[ -z $addrs ]] || die "an address in $NET.0/24 is already in use on this machine ($addrs); choose another OPSGATE_LAB_NET"
}

# Creates the bridge and, per host line "NAME ADDRESS …" of $STATE/pub/spec, a netns <prefix>-NAME with
# eth0 whose peer <prefix>vN sits on the bridge. The records are written before each creation so that `down`
# finds a half-made lab. Addresses inside a host are set by hostboot.sh, in parallel.
make_network() {
  ip link add "$BR" type bridge
  # IPv4 only on the lab's links: no router solicitations or MLD reports on the bridge.
  echo 1 > "/proc/sys/net/ipv6/conf/$BR/disable_ipv6"
  ip addr add "$NET.1/24" dev "$BR"
  ip link set "$BR" up
  local i=0 name address batch=
  while read -r name address _; do
    i=$((i + 1))
    echo "$PREFIX-$name ${PREFIX}v$i $name $address" >> "$STATE/netns"
    batch+="netns add $PREFIX-$name"$'\n'"link add ${PREFIX}v$i type veth peer name eth0 netns $PREFIX-$name"$'\n'
  done < "$STATE/pub/spec"
  ip -batch - <<< "$batch"
  batch=
  while read -r _ veth _; do
    echo 1 > "/proc/sys/net/ipv6/conf/$veth/disable_ipv6"
    batch+="link set $veth master $BR up"$'\n'
  done < "$STATE/netns"
  ip -batch - <<< "$batch"
}
