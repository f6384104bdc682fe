#!/bin/bash
# Role csb-redis=master | csb-redis=replica:MASTERHOST: the CSB gateway's own Redis pair on its own hosts, master/
# replica behind keepalived (its VIP .101, see the keepalived role), in the same layout as the business Redis, with
# its own password (lab secret csb-redis-password, on both nodes so roles can swap) and 100 seeded keys on the master.
set -euo pipefail
. /lab/host/lib.sh
. /lab/host/redis-layout.sh
redis_role csb-redis csb-redis-password csb 100 "${1:-}"
