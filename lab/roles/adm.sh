#!/usr/bin/env bash
# Role adm (every host): the PowerADM stand-in at /opt/adm (lab/adm, mounted read-only: bin/adm, bin/vesta, lib/,
# share/) and its process guard vesta running. Nothing is installed by ADM at boot: at Xizang no middleware was
# deployed through ADM, so /app/adm/instances/ starts empty. See lab/adm/README.md.
set -euo pipefail
mkdir -p /opt/adm /app/adm/instances /app/adm/vesta /app/adm/logs
if ! mountpoint -q /opt/adm; then
  mount --bind /lab/adm /opt/adm
  mount -o remount,bind,ro /opt/adm
fi
/opt/adm/bin/vesta start
