#!/usr/bin/env bash
# Healthy when every tracker of client.conf reports this storage ACTIVE.
conf=/etc/fdfs/storage.conf
for t in $(awk -F= '$1 == "tracker_server" { print $2 }' $conf); do
  out=$(printf 'base_path=/tmp\ntracker_server=%s\n' "$t" | /usr/bin/python3 /lab/standins/fdfs-monitor.py /dev/stdin 2>&1)
  grep -q "ip_addr = $IP  ACTIVE" <<<"$out" || { echo "storage $IP not ACTIVE on tracker $t"; exit 1; }
done
