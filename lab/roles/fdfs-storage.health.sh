#!/usr/bin/env bash
# Healthy when every tracker of storage.conf (read as FastDFS reads it) reports this storage ACTIVE.
for t in $(/usr/bin/python3 -c 'import sys; sys.path.insert(0, "/lab/standins"); import fdfs_common as f
print("\n".join(f.read_ini("/etc/fdfs/storage.conf").get("tracker_server", [])))'); do
  out=$(fdfs_monitor /etc/fdfs/storage.conf -h "${t%:*}" 2>&1)
  grep -q "^tracker server is $t\$" <<<"$out" || { echo "tracker $t does not answer"; exit 1; }
  grep -Eq "ip_addr = $IP( \([^)]*\))?  ACTIVE" <<<"$out" || { echo "storage $IP not ACTIVE on tracker $t"; exit 1; }
done
