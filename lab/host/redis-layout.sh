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
#!/bin/sh
# Redis 5.0.5 as built at the site; the lab runs the machine's redis-server behind this name.
case "$1" in -v|--version) echo "Redis server v=5.0.5 sha=00000000:0 malloc=jemalloc-5.1.0 bits=64 build=a6d5ba4b0ec9d0a6"; exit 0 ;; esac
exec /usr/bin/redis-server "$@"
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
    if [[ -n $master ]]; then echo "replicaof $master 6379" >> /etc/redis/redis.conf; fi
  )
  # SIGTERM makes redis save (the config has save points) before it exits; a big dataset takes a moment.
  write_initd redis "Redis 5.0.5 ($REDIS_HOME)" "$REDIS_HOME/bin/redis-server" /etc/redis/redis.conf \
    /var/run/redis_6379.pid 30 '"$EXEC" "$CONF" || exit 1'
}

# redis_ask ARGS…: redis-cli against the local server with the password from redis.conf (never on the command line).
redis_ask() {
  REDISCLI_AUTH=$(awk '$1 == "requirepass" { print $2 }' /etc/redis/redis.conf) /usr/bin/redis-cli -h 127.0.0.1 "$@"
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
