#!/bin/bash
# Role redis=master | redis=replica:MASTERHOST: the business Redis pair (password from the lab secret
# redis-password, on both nodes so roles can swap); ~500 seeded keys on the master.
set -euo pipefail
. /lab/host/lib.sh
. /lab/host/redis-layout.sh
mode=${1%%:*}
case $mode in
  master) redis_layout "$(lab_secret redis-password)" ;;
  replica)
    master_host=${1#replica:}
    [[ $master_host != "$1" && -n $master_host ]] || { echo "redis role: use redis=replica:MASTERHOST" >&2; exit 2; }
    redis_layout "$(lab_secret redis-password)" "$(lab_host_ip "$master_host")" ;;
  *) echo "redis role: argument must be master or replica:HOST, got '${1:-}'" >&2; exit 2 ;;
esac
/etc/init.d/redis start
lab_wait_port 6379 10
[[ $mode == master ]] && redis_seed biz 500
exit 0
