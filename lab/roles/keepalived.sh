#!/bin/bash
# Role keepalived=master[:OCTET] | keepalived=backup[:OCTET]: VRRP for a Redis pair, unicast between the
# keepalived hosts of the same VIP (nothing leaves the lab bridge), holding the VIP NET.OCTET (default .100, the
# business Redis; the CSB Redis pair uses :101), one VRRP instance per VIP with its own virtual_router_id; a track
# script drops priority when local redis stops answering.
# Layout: /app/soft/keepalived/, /etc/keepalived/keepalived.conf, /etc/init.d/keepalived.
set -euo pipefail
. /lab/host/lib.sh
. /lab/host/initd.sh
. /lab/host/keepalived-vip.sh
case ${1%%:*} in
  master) state=MASTER priority=150 ;;
  backup) state=BACKUP priority=100 ;;
  *) echo "keepalived role: argument must be master[:OCTET] or backup[:OCTET], got '${1:-}'" >&2; exit 2 ;;
esac
octet=$(keepalived_vip_octet "$1") || exit 2
VIP=$NET.$octet
vrid=$((octet - 23))
peers=$(lab_hosts_with keepalived | while read -r name addr arg; do
  [[ $name != "$NAME" && $(keepalived_vip_octet "$arg") == "$octet" ]] && echo "    $addr"; done; true)
[[ -n $peers ]] || { echo "keepalived role: no other host has the keepalived role for VIP $VIP" >&2; exit 2; }
K=/app/soft/keepalived
mkdir -p "$K/sbin" "$K/logs" /etc/keepalived
cat > "$K/sbin/keepalived" <<'EOT'
#!/bin/bash
# keepalived as installed at the site; the lab runs the machine's keepalived behind this name, argv[0] kept.
exec -a "$0" /usr/sbin/keepalived "$@"
EOT
chmod 755 "$K/sbin/keepalived"
# enable_script_security wants the track script owned by root and writable by nobody else.
cat > /etc/keepalived/check_redis.sh <<'EOT'
#!/bin/sh
# Healthy while the local redis answers PING at all: PONG, or the NOAUTH error of an instance with a password
# (the usual site check script; it needs no password, whatever form the config takes).
/app/soft/redis-5.0.5/bin/redis-cli -h 127.0.0.1 ping 2>&1 | grep -Eq 'PONG|NOAUTH'
EOT
chmod 700 /etc/keepalived/check_redis.sh
(
  umask 077
  cat > /etc/keepalived/keepalived.conf <<EOT
! keepalived for a Redis master/replica (VIP $VIP)
global_defs {
  router_id redis_$NAME
  script_user root
  enable_script_security
}
vrrp_script chk_redis {
  script "/etc/keepalived/check_redis.sh"
  interval 2
  timeout 1
  fall 2
  rise 1
  weight -60
}
vrrp_instance VI_REDIS_$octet {
  state $state
  interface eth0
  virtual_router_id $vrid
  priority $priority
  advert_int 1
  unicast_src_ip $IP
  unicast_peer {
$peers
  }
  authentication {
    auth_type PASS
    auth_pass lab77
  }
  virtual_ipaddress {
    $VIP/24 dev eth0
  }
  track_script {
    chk_redis
  }
}
EOT
)
# No syslog in a lab host: keepalived stays in the foreground of its own session and logs to a file.
if lab_variant systemd; then
  write_unit keepalived "keepalived ($K)" simple /run/keepalived.pid \
    "$K/sbin/keepalived --dont-fork --log-console --log-detail -f /etc/keepalived/keepalived.conf -p /run/keepalived.pid"
else
  write_initd keepalived "keepalived ($K)" "$K/sbin/keepalived" /etc/keepalived/keepalived.conf /run/keepalived.pid 10 \
    'setsid "$EXEC" --dont-fork --log-console --log-detail -f "$CONF" -p "$PIDFILE" >> '"$K"'/logs/keepalived.log 2>&1 < /dev/null &'
fi
lab_service start keepalived
