#!/bin/bash
# Role redis=master | redis=replica:MASTERHOST: the business Redis pair (password from the lab secret
# redis-password, on both nodes so roles can swap); ~500 seeded keys on the master.
set -euo pipefail
. /lab/host/lib.sh
. /lab/host/redis-layout.sh
redis_role redis redis-password biz 500 "${1:-}"
