#!/bin/bash
# Gate of role csb-redis: the server answers PING with its password.
. /lab/host/redis-layout.sh
[[ $(redis_ask ping 2>&1) == PONG ]] || { echo "csb redis does not answer PING"; exit 1; }
