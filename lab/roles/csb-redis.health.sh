#!/bin/bash
# Gate of role csb-redis: the master answers PING with its password and holds its seeded keys; the replica's link
# to the master is up.
. /lab/host/redis-layout.sh
case ${1%%:*} in
  master)
    [[ $(redis_ask ping 2>&1) == PONG ]] || { echo "csb redis does not answer PING"; exit 1; }
    n=$(redis_ask dbsize); (( n >= 100 )) || { echo "only $n keys seeded"; exit 1; } ;;
  *)
    redis_ask info replication 2>/dev/null | tr -d '\r' | grep -q '^master_link_status:up$' ||
      { echo "csb replica: master_link_status is not up"; exit 1; } ;;
esac
