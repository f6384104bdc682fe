# redis_layout PASSWORD [REPLICAOF_IP]: the Xizang site's source-built Redis 5.0.5 layout, run by the machine's
# redis-server: /app/soft/redis-5.0.5/bin/{redis-server,redis-cli} (wrappers that report 5.0.5), /etc/redis/redis.conf,
# data in /app/redis_data (dump.rdb), /etc/init.d/redis. Sourced by the redis and csb-redis roles; idempotent.
REDIS_HOME=/app/soft/redis-5.0.5
. /lab/host/initd.sh

redis_layout() {
  local pass=$1 master=${2:-}
  mkdir -p "$REDIS_HOME/bin" "$REDIS_HOME/logs" /app/redis_data /etc/redis
  echo 5.0.5 > "$REDIS_HOME/VERSION"
  cat > "$REDIS_HOME/bin/redis-server" <<'EOT'
#!/bin/bash
# Redis 5.0.5 as built at the site; the lab runs the machine's redis-server behind this name. argv[0] stays this
# path: Redis titles its process "argv[0] bind:port" (redisSetProcTitle, src/server.c), as a site's ps shows it.
case "$1" in -v|--version) echo "Redis server v=5.0.5 sha=00000000:0 malloc=jemalloc-5.1.0 bits=64 build=a6d5ba4b0ec9d0a6"; exit 0 ;; esac
exec -a "$0" /usr/bin/redis-server "$@"
EOT
  cat > "$REDIS_HOME/bin/redis-cli" <<'EOT'
#!/bin/sh
# redis-cli 5.0.5 as built at the site; the lab runs the machine's redis-cli behind this name.
case "$1" in -v|--version) echo "redis-cli 5.0.5"; exit 0 ;; esac
exec /usr/bin/redis-cli "$@"
EOT
  chmod 755 "$REDIS_HOME/bin/redis-server" "$REDIS_HOME/bin/redis-cli"
  (
    umask 027
    if lab_variant conf-syntax; then
      # What Redis 5.0.5 accepts (src/config.c, loadServerConfigFromString): comments, directive names in any case
      # (sdstolower), quoted values (sdssplitargs), `include` read where it stands, the last occurrence winning;
      # `dir` with a trailing slash is the same directory (chdir).
      cat > /etc/redis/redis.conf <<EOT
# Redis 5.0.5 (source build), Xizang layout, as edited by hand over the years
bind 0.0.0.0
protected-mode no
port 6379
daemonize yes
pidfile "/var/run/redis_6379.pid"
loglevel notice
logfile "$REDIS_HOME/logs/redis.log"
databases 16
save 900 1
save 300 10
save 60 10000
# dbfilename dump-old.rdb
DBFILENAME 'dump.rdb'
dir /tmp
appendonly no
# the password lives in its own file, readable by root only
include /etc/redis/redis-auth.conf
  dir   "/app/redis_data/"
EOT
      printf 'requirepass "%s"\nmasterauth "%s"\n' "$pass" "$pass" > /etc/redis/redis-auth.conf
      chmod 600 /etc/redis/redis-auth.conf
    else
      cat > /etc/redis/redis.conf <<EOT
# Redis 5.0.5 (source build), Xizang layout
bind 0.0.0.0
protected-mode no
port 6379
daemonize yes
pidfile /var/run/redis_6379.pid
loglevel notice
logfile $REDIS_HOME/logs/redis.log
databases 16
save 900 1
save 300 10
save 60 10000
dbfilename dump.rdb
dir /app/redis_data
appendonly no
requirepass $pass
masterauth $pass
EOT
    fi
    if [[ -n $master ]]; then echo "replicaof $master 6379" >> /etc/redis/redis.conf; fi
  )
  # For the lab's own checks (redis_ask), whatever form the config takes.
  (umask 077; printf '%s' "$pass" > /run/lab/redis-auth)
  # SIGTERM makes redis save (the config has save points) before it exits; a big dataset takes a moment.
  if lab_variant systemd; then
    write_unit redis "Redis 5.0.5 ($REDIS_HOME)" forking /var/run/redis_6379.pid \
      "$REDIS_HOME/bin/redis-server /etc/redis/redis.conf"
  elif lab_variant redis-stock-init; then
    redis_stock_init
  else
    write_initd redis "Redis 5.0.5 ($REDIS_HOME)" "$REDIS_HOME/bin/redis-server" /etc/redis/redis.conf \
      /var/run/redis_6379.pid 30 '"$EXEC" "$CONF" || exit 1'
  fi
}

# redis_stock_init: /etc/init.d/redis as Redis 5.0.5 ships it (utils/redis_init_script at tag 5.0.5), with only the
# four variables a site edits set to its layout. It knows start and stop and nothing else: any other verb (status
# included) prints "Please use start or stop as first argument" and exits 0. start does nothing but say so when the
# pidfile exists (a crash leaves it behind); stop runs `redis-cli -p PORT shutdown` without a password, which an
# instance with requirepass refuses (NOAUTH), and then waits for /proc/PID forever.
redis_stock_init() {
  cat > /etc/init.d/redis <<EOT
#!/bin/sh
#
# Simple Redis init.d script conceived to work on Linux systems
# as it does use of the /proc filesystem.

### BEGIN INIT INFO
# Provides:     redis_6379
# Default-Start:        2 3 4 5
# Default-Stop:         0 1 6
# Short-Description:    Redis data structure server
# Description:          Redis data structure server. See https://redis.io
### END INIT INFO

REDISPORT=6379
EXEC=$REDIS_HOME/bin/redis-server
CLIEXEC=$REDIS_HOME/bin/redis-cli

PIDFILE=/var/run/redis_\${REDISPORT}.pid
CONF="/etc/redis/redis.conf"

case "\$1" in
    start)
        if [ -f \$PIDFILE ]
        then
                echo "\$PIDFILE exists, process is already running or crashed"
        else
                echo "Starting Redis server..."
                \$EXEC \$CONF
        fi
        ;;
    stop)
        if [ ! -f \$PIDFILE ]
        then
                echo "\$PIDFILE does not exist, process is not running"
        else
                PID=\$(cat \$PIDFILE)
                echo "Stopping ..."
                \$CLIEXEC -p \$REDISPORT shutdown
                while [ -x /proc/\${PID} ]
                do
                    echo "Waiting for Redis to shutdown ..."
                    sleep 1
                done
                echo "Redis stopped"
        fi
        ;;
    *)
        echo "Please use start or stop as first argument"
        ;;
esac
EOT
  chmod 755 /etc/init.d/redis
}

# redis_ask ARGS…: redis-cli against the local server with the password the layout was given (never on a command line).
redis_ask() {
  REDISCLI_AUTH=$(cat /run/lab/redis-auth) /usr/bin/redis-cli -h 127.0.0.1 "$@"
}

# redis_seed PREFIX COUNT: COUNT keys of every type under PREFIX, deterministic, so a data fingerprint taken before
# an upgrade can be compared after it. Only when the database is empty (the role may run again).
redis_seed() {
  local prefix=$1 n=$2
  [[ $(redis_ask dbsize) == 0 ]] || return 0
  awk -v p="$prefix" -v n="$n" 'BEGIN {
    for (i = 0; i < n; i++) {
      k = sprintf("%s:%04d", p, i); t = i % 5
      if (t == 0) printf "SET %s:str value-%d-%x\n", k, i, i * 2654435761 % 4294967296
      if (t == 1) printf "HSET %s:hash name user%d city Lhasa level %d\n", k, i, i % 7
      if (t == 2) printf "RPUSH %s:list a%d b%d c%d d%d\n", k, i, i, i, i
      if (t == 3) printf "SADD %s:set m%d m%d m%d\n", k, i % 11, i % 13, i % 17
      if (t == 4) printf "ZADD %s:zset %d x%d %d y%d\n", k, i, i, i * 3, i
    } }' | redis_ask > /dev/null
  redis_ask save > /dev/null
}

# redis_role ROLE SECRET PREFIX COUNT ARG: the body of the redis and csb-redis roles. ARG is `master` or
# `replica:MASTERHOST`; the password is the lab secret SECRET (on both nodes, so roles can swap); the master gets
# COUNT seeded keys under PREFIX.
redis_role() {
  local role=$1 secret=$2 prefix=$3 count=$4 arg=${5:-}
  local mode=${arg%%:*}
  case $mode in
    master) redis_layout "$(lab_secret "$secret")" ;;
    replica)
      local master_host=${arg#replica:}
      [[ $master_host != "$arg" && -n $master_host ]] || { echo "$role role: use $role=replica:MASTERHOST" >&2; return 2; }
      redis_layout "$(lab_secret "$secret")" "$(lab_host_ip "$master_host")" ;;
    *) echo "$role role: argument must be master or replica:HOST, got '$arg'" >&2; return 2 ;;
  esac
  lab_service start redis
  lab_wait_port 6379 10
  if [[ $mode == master ]]; then redis_seed "$prefix" "$count"; fi
}
