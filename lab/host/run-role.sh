#!/bin/bash
# run-role.sh run|health ROLE ARG: runs lab/roles/ROLE.sh (or ROLE.health.sh) inside a host with the role
# environment of docs/lab.md ("What a role sees").
set -u
mode=$1 role=$2 arg=${3:-}
. /lab/host/lib.sh
lab_load_env
export ROLE=$role ARG=$arg
case $mode in
  run) exec /bin/bash "/lab/roles/$role.sh" "$arg" ;;
  health) exec /bin/bash "/lab/roles/$role.health.sh" "$arg" ;;
  *) echo "run-role.sh: mode must be run or health" >&2; exit 2 ;;
esac
