#!/bin/bash
# Role keepalived=master | keepalived=backup: VRRP for the business Redis pair, unicast between the keepalived
# hosts (nothing leaves the lab bridge), holding the VIP; a track script drops priority when local redis stops
# answering. Layout: /app/soft/keepalived/, /etc/keepalived/keepalived.conf, /etc/init.d/keepalived.
set -euo pipefail
. /lab/host/lib.sh
. /lab/host/initd.sh
case ${1:-} in
  master) state=MASTER priority=150 ;;
  backup) state=BACKUP priority=100 ;;
  *) echo "keepalived role: argument must be master or backup, got '${1:-}'" >&2; exit 2 ;;
esac
peers=$(lab_hosts_with keepalived | awk -v me="$NAME" '$1 != me { print "    " $2 }')
[[ -n $peers ]] || { echo "keepalived role: no peer has the keepalived role" >&2; exit 2; }
K=/app/soft/keepalived
mkdir -p "$K/sbin" "$K/logs" /etc/keepalived
cat > "$K/sbin/keepalived" <<'EOT'
#!/bin/sh
# keepalived as installed at the site; the lab runs the machine's keepalived behind this name.
exec /usr/sbin/keepalived "$@"
EOT
chmod 755 "$K/sbin/keepalived"
# enable_script_security wants the track script owned by root and writable by nobody else.
cat > /etc/keepalived/check_redis.sh <<'EOT'
#!/bin/sh
# Healthy while the local redis answers PING with the password from its config.
REDISCLI_AUTH=$(awk '$1 == "requirepass" { print $2 }' /etc/redis/redis.conf) \
  /app/soft/redis-5.0.5/bin/redis-cli -h 127.0.0.1 ping 2>/dev/null | grep -q PONG
EOT
chmod 700 /etc/keepalived/check_redis.sh
(
  umask 077
  cat > /etc/keepalived/keepalived.conf <<EOT
! keepalived for the business Redis master/replica (VIP $VIP)
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
vrrp_instance VI_REDIS {
  state $state
  interface eth0
  virtual_router_id 77
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
write_initd keepalived "keepalived ($K)" "$K/sbin/keepalived" /etc/keepalived/keepalived.conf /run/keepalived.pid 10 \
  'setsid "$EXEC" --dont-fork --log-console --log-detail -f "$CONF" -p "$PIDFILE" >> '"$K"'/logs/keepalived.log 2>&1 < /dev/null &'
/etc/init.d/keepalived start
