#!/bin/bash
# Role keepalived=master | keepalived=backup: VRRP for the business Redis pair, unicast between the keepalived
# hosts (nothing leaves the lab bridge), holding the VIP; a track script drops priority when local redis stops
# answering. Layout: /app/soft/keepalived/, /etc/keepalived/keepalived.conf, /etc/init.d/keepalived.
set -euo pipefail
. /lab/host/lib.sh
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
cat > /etc/init.d/keepalived <<'EOT'
#!/bin/sh
### BEGIN INIT INFO
# Provides:          keepalived
# Required-Start:    $network $local_fs redis
# Required-Stop:     $network $local_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: keepalived (/app/soft/keepalived)
### END INIT INFO
EXEC=/app/soft/keepalived/sbin/keepalived
CONF=/etc/keepalived/keepalived.conf
PIDFILE=/run/keepalived.pid
running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
case "$1" in
  start)
    if running; then echo "keepalived is already running (pid $(cat "$PIDFILE"))"; exit 0; fi
    [ -x "$EXEC" ] || { echo "keepalived: $EXEC not found"; exit 5; }
    [ -r "$CONF" ] || { echo "keepalived: $CONF not found"; exit 6; }
    # No syslog in a lab host: keepalived stays in the foreground of its own session and logs to a file.
    setsid "$EXEC" --dont-fork --log-console --log-detail -f "$CONF" -p "$PIDFILE" \
      >> /app/soft/keepalived/logs/keepalived.log 2>&1 < /dev/null &
    i=0; while [ $i -lt 50 ] && ! running; do sleep 0.1; i=$((i + 1)); done
    running && echo "Starting keepalived: OK" || { echo "keepalived failed to start"; exit 1; } ;;
  stop)
    if ! running; then echo "keepalived is not running"; exit 0; fi
    pid=$(cat "$PIDFILE"); kill -TERM "$pid"
    i=0; while [ $i -lt 100 ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
    if kill -0 "$pid" 2>/dev/null; then echo "keepalived did not stop in 10s"; exit 1; fi
    echo "Stopping keepalived: OK" ;;
  status)
    if running; then echo "keepalived is running (pid $(cat "$PIDFILE"))"; exit 0; fi
    echo "keepalived is not running"; exit 3 ;;
  restart) "$0" stop && "$0" start ;;
  *) echo "Usage: /etc/init.d/keepalived {start|stop|restart|status}"; exit 2 ;;
esac
EOT
chmod 755 /etc/init.d/keepalived
/etc/init.d/keepalived start
