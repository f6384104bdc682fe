#!/bin/bash
# Role csb-redis: the CSB gateway's own standalone Redis (lab secret csb-redis-password), in the same layout as the
# business Redis, with a few seeded keys.
set -euo pipefail
. /lab/host/lib.sh
. /lab/host/redis-layout.sh
redis_layout "$(lab_secret csb-redis-password)"
/etc/init.d/redis start
lab_wait_port 6379 10
redis_seed csb 100
