#!/bin/bash
# Role zookeeper=MYID: one node of the ensemble made of every host with this role. The machine's ZooKeeper
# (Debian), laid out as the site's /app/soft/apache-zookeeper-3.5.6-bin (bin/zkServer.sh, bin/zkCli.sh,
# conf/zoo.cfg, data/, logs/) with /etc/init.d/zookeeper; a small JVM heap so three nodes fit on a small machine.
# zoo.cfg is the 3.5.6 tarball's conf/zoo_sample.cfg made an ensemble: no 4lw.commands.whitelist, so only `srvr`
# answers (apache/zookeeper release-3.5.6 FourLetterCommands.isEnabled: srvr is always enabled, every other word
# must be listed; the others answer "<word> is not executed because it is not in the whitelist.").
# Variant conf-syntax: zoo.cfg in the syntax java.util.Properties accepts and zkServer.sh still reads (see below).
# Variant systemd: /etc/systemd/system/zookeeper.service (Type=forking, zkServer.sh start) instead of /etc/init.d.
set -euo pipefail
. /lab/host/lib.sh
. /lab/host/initd.sh
id=${1:-}
[[ $id =~ ^[0-9]+$ ]] || { echo "zookeeper role: argument must be the node's myid, got '$id'" >&2; exit 2; }
Z=/app/soft/apache-zookeeper-3.5.6-bin
mkdir -p "$Z/bin" "$Z/conf" "$Z/data" "$Z/logs"
cp /etc/zookeeper/conf/log4j.properties "$Z/conf/"
echo "$id" > "$Z/data/myid"
if lab_variant conf-syntax; then
  # Comments with # and !, `:` and whitespace separators, a repeated key (the last wins), a trailing slash. Not a
  # repeated dataDir or a spaced clientPort: 3.5.6's zkServer.sh reads those two with grep and sed (see below).
  {
    cat <<EOT
# ZooKeeper 3.5.6, Xizang layout
! written by hand at the site
tickTime : 2000
initLimit    10
syncLimit = 5
dataDir = $Z/data/
dataLogDir=/tmp/zookeeper-txlog
clientPort=2181
admin.enableServer = false
dataLogDir = $Z/data/
EOT
    lab_hosts_with zookeeper | awk '{ print "server." $3 " = " $2 ":2888:3888" }'
  } > "$Z/conf/zoo.cfg"
else
  {
    cat <<EOT
# ZooKeeper 3.5.6, Xizang layout
tickTime=2000
initLimit=10
syncLimit=5
dataDir=$Z/data
clientPort=2181
admin.enableServer=false
EOT
    lab_hosts_with zookeeper | awk '{ print "server." $3 "=" $2 ":2888:3888" }'
  } > "$Z/conf/zoo.cfg"
fi
cat > "$Z/bin/zkServer.sh" <<'EOT'
#!/bin/bash
# zkServer.sh {start|stop|restart|status|version} of the site's ZooKeeper 3.5.6 tree; the lab runs the machine's
# ZooKeeper jar with this tree's conf, data and logs. It reads zoo.cfg as apache/zookeeper release-3.5.6
# bin/zkServer.sh does, with grep and sed rather than as the server does: dataDir is every `dataDir` line's text
# after its last `=`, trimmed; clientPort likewise, and must then be digits only.
ZK_HOME=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
ZOOCFG=$ZK_HOME/conf/zoo.cfg
DATADIR="$(grep "^[[:space:]]*dataDir" "$ZOOCFG" | sed -e 's/.*=//')"
DATADIR="$(echo -e "${DATADIR}" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')"
PIDFILE=$DATADIR/zookeeper_server.pid
OUT=$ZK_HOME/logs/zookeeper.out
JVMFLAGS=${JVMFLAGS:--Xms32m -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -Xss512k}
running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
echo "ZooKeeper JMX enabled by default" >&2
echo "Using config: $ZOOCFG" >&2
case $1 in
  start)
    if running; then echo "zookeeper already running as process $(cat "$PIDFILE")."; exit 0; fi
    echo -n "Starting zookeeper ... "
    setsid nohup /usr/bin/java "-Dzookeeper.log.dir=$ZK_HOME/logs" "-Dzookeeper.root.logger=INFO,ROLLINGFILE" \
      -cp "$ZK_HOME/conf:/usr/share/java/slf4j-log4j12.jar:/usr/share/java/log4j-1.2.jar:/usr/share/java/zookeeper.jar" $JVMFLAGS \
      org.apache.zookeeper.server.quorum.QuorumPeerMain "$ZOOCFG" > "$OUT" 2>&1 < /dev/null &
    echo -n $! > "$PIDFILE"
    sleep 0.5
    if running; then echo STARTED; else echo FAILED TO START; exit 1; fi ;;
  stop)
    echo -n "Stopping zookeeper ... "
    if ! running; then echo "no zookeeper to stop (could not find a running process for $PIDFILE)"; rm -f "$PIDFILE"; exit 0; fi
    pid=$(cat "$PIDFILE"); kill "$pid"
    i=0; while [ $i -lt 100 ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    rm -f "$PIDFILE"; echo STOPPED ;;
  restart) "$0" stop; "$0" start ;;
  status)
    port=$(grep "^[[:space:]]*clientPort[^[:alpha:]]" "$ZOOCFG" | sed -e 's/.*=//')
    # (3.5.6 then looks for `;port` in this node's server.N line; the lab's zoo.cfg always has a clientPort.)
    if ! [[ $port =~ ^[0-9]+$ ]]; then echo "Client port not found. Terminating."; exit 1; fi
    echo "Client port found: $port. Client address: localhost."
    mode=$( { exec 3<>"/dev/tcp/127.0.0.1/$port" && echo srvr >&3 && sed -n 's/^Mode: //p' <&3; } 2>/dev/null)
    if [ -n "$mode" ]; then echo "Mode: $mode"; exit 0; fi
    echo "Error contacting service. It is probably not running."; exit 1 ;;
  version) echo "Apache ZooKeeper, version 3.5.6-c11b7e26bc554b8523dc929761dd28808913f091, built on 10/08/2019 20:18 GMT" ;;
  *) echo "Usage: $0 {start|stop|restart|status|version}" >&2; exit 2 ;;
esac
EOT
cat > "$Z/bin/zkCli.sh" <<'EOT'
#!/bin/sh
# zkCli.sh of the site's ZooKeeper 3.5.6 tree: the machine's ZooKeeper CLI (org.apache.zookeeper.ZooKeeperMain).
exec /usr/share/zookeeper/bin/zkCli.sh "$@"
EOT
chmod 755 "$Z/bin/zkServer.sh" "$Z/bin/zkCli.sh"
if lab_variant systemd; then
  # A unit as sites write one for ZooKeeper: zkServer.sh start daemonises and writes the pid file in dataDir.
  write_unit zookeeper "ZooKeeper 3.5.6 ($Z)" forking "$Z/data/zookeeper_server.pid" "$Z/bin/zkServer.sh start"
  lab_service start zookeeper
  exit 0
fi
cat > /etc/init.d/zookeeper <<'EOT'
#!/bin/sh
### BEGIN INIT INFO
# Provides:          zookeeper
# Required-Start:    $network $local_fs
# Required-Stop:     $network $local_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: ZooKeeper 3.5.6 (/app/soft/apache-zookeeper-3.5.6-bin)
### END INIT INFO
ZK=/app/soft/apache-zookeeper-3.5.6-bin/bin/zkServer.sh
[ -x "$ZK" ] || { echo "zookeeper: $ZK not found"; exit 5; }
case "$1" in
  start|stop|restart) exec "$ZK" "$1" ;;
  status) "$ZK" status 2>/dev/null || exit 3 ;;
  *) echo "Usage: /etc/init.d/zookeeper {start|stop|restart|status}"; exit 2 ;;
esac
EOT
chmod 755 /etc/init.d/zookeeper
/etc/init.d/zookeeper start
