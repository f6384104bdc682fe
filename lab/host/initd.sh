# write_initd NAME DESCRIPTION EXEC CONF PIDFILE STOP_SECONDS START_LINE: writes /etc/init.d/NAME in the style of
# the site's hand-written scripts: start runs START_LINE (a shell line that may use $EXEC, $CONF and $PIDFILE) and
# waits for the pidfile; stop sends TERM and waits up to STOP_SECONDS; status exits 3 when stopped (LSB).
# The script is self-contained: a runbook may move /app trees around while it runs. Sourced by roles.
write_initd() {
  local name=$1 desc=$2 exec=$3 conf=$4 pidfile=$5 stop_seconds=$6 start_line=$7
  cat > "/etc/init.d/$name" <<EOT
#!/bin/sh
### BEGIN INIT INFO
# Provides:          $name
# Required-Start:    \$network \$local_fs
# Required-Stop:     \$network \$local_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: $desc
### END INIT INFO
EXEC=$exec
CONF=$conf
PIDFILE=$pidfile
EOT
  cat >> "/etc/init.d/$name" <<EOT
running() { [ -f "\$PIDFILE" ] && kill -0 "\$(cat "\$PIDFILE")" 2>/dev/null; }
case "\$1" in
  start)
    if running; then echo "$name is already running (pid \$(cat "\$PIDFILE"))"; exit 0; fi
    [ -x "\$EXEC" ] || { echo "$name: \$EXEC not found"; exit 5; }
    [ -r "\$CONF" ] || { echo "$name: \$CONF not found"; exit 6; }
    echo "Starting $name ..."
    $start_line
    i=0; while [ \$i -lt 50 ] && ! running; do sleep 0.1; i=\$((i + 1)); done
    running || { echo "$name failed to start"; exit 1; }
    echo "$name started (pid \$(cat "\$PIDFILE"))" ;;
  stop)
    if ! running; then echo "$name is not running"; rm -f "\$PIDFILE"; exit 0; fi
    pid=\$(cat "\$PIDFILE")
    echo "Stopping $name ..."
    kill -TERM "\$pid"
    i=0; while [ \$i -lt $((stop_seconds * 10)) ] && kill -0 "\$pid" 2>/dev/null; do sleep 0.1; i=\$((i + 1)); done
    if kill -0 "\$pid" 2>/dev/null; then echo "$name did not stop in ${stop_seconds}s"; exit 1; fi
    rm -f "\$PIDFILE"; echo "$name stopped" ;;
  status)
    if running; then echo "$name is running (pid \$(cat "\$PIDFILE"))"; exit 0; fi
    echo "$name is not running"; exit 3 ;;
  restart) "\$0" stop && "\$0" start ;;
  *) echo "Usage: /etc/init.d/$name {start|stop|restart|status}"; exit 2 ;;
esac
EOT
  chmod 755 "/etc/init.d/$name"
}

# write_unit NAME DESCRIPTION TYPE PIDFILE EXECSTART: the `systemd` variant's form of a service, a unit in
# /etc/systemd/system/NAME.service as sites write them for a source-built daemon (Type=forking with PIDFile= for
# one that daemonises, Type=simple for one that stays in the foreground), and no /etc/init.d/NAME script.
write_unit() {
  local name=$1 desc=$2 type=$3 pidfile=$4 exec_start=$5
  mkdir -p /etc/systemd/system
  # The machine's own unit of that name (a symlink such as redis.service -> redis-server.service) shows through the
  # host's lower root: remove it in the host, or the unit below would be written through the link.
  rm -f "/etc/systemd/system/$name.service"
  {
    # The marker lets lab/host/systemctl tell the site's units from the machine's own, which every host can see.
    printf '# site lab unit\n[Unit]\nDescription=%s\nAfter=network.target\n\n[Service]\nType=%s\n' "$desc" "$type"
    [[ $type == forking ]] && printf 'PIDFile=%s\n' "$pidfile"
    printf 'ExecStart=%s\nTimeoutStopSec=60\n\n[Install]\nWantedBy=multi-user.target\n' "$exec_start"
  } > "/etc/systemd/system/$name.service"
  rm -f "/etc/init.d/$name"
}

# lab_service VERB NAME: start/stop a service the way this host runs them: systemctl under the `systemd` variant
# (units, or init scripts it wraps), else the /etc/init.d script.
lab_service() {
  if [[ -d /run/systemd/system ]]; then systemctl "$1" "$2"; else "/etc/init.d/$2" "$1"; fi
}
