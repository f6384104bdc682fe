#!/bin/bash
# Gate of role keepalived=ROLE[:OCTET]: the master holds its VIP; the backup runs keepalived and does not hold it.
. /lab/host/keepalived-vip.sh
vip=$NET.$(keepalived_vip_octet "$1") || exit 1
ip -4 -o addr show eth0 | grep -q " $vip/" && holds=1 || holds=
case ${1%%:*} in
  master) [[ -n $holds ]] || { echo "VIP $vip is not on $NAME"; exit 1; } ;;
  *)
    pgrep -f '[/]sbin/keepalived' > /dev/null || { echo "keepalived is not running"; exit 1; }
    [[ -z $holds ]] || { echo "the backup holds VIP $vip"; exit 1; } ;;
esac
