#!/bin/bash
# Gate of role keepalived: the master holds the VIP; the backup runs keepalived and does not hold it.
ip -4 -o addr show eth0 | grep -q " $VIP/" && holds=1 || holds=
case $1 in
  master) [[ -n $holds ]] || { echo "VIP $VIP is not on $NAME"; exit 1; } ;;
  *)
    /etc/init.d/keepalived status > /dev/null || { echo "keepalived is not running"; exit 1; }
    [[ -z $holds ]] || { echo "the backup holds VIP $VIP"; exit 1; } ;;
esac
