#!/usr/bin/env bash
# Healthy when the adm command is in place and vesta runs.
[[ -x /opt/adm/bin/adm ]] || { echo "/opt/adm/bin/adm missing"; exit 1; }
/opt/adm/bin/vesta status > /dev/null || { echo "vesta is not running"; exit 1; }
