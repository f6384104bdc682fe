#!/usr/bin/env bash
# Role fdfs-storage (fdfs-1, fdfs-2): the site's hand-installed FastDFS storage of group1, a stand-in on port
# 23000 with base dir /app/storage (data/ logs/), store path /mysql/storage0 holding the fixture files under
# data/00/00 and data/01/00, /etc/fdfs/storage.conf and /etc/init.d/fdfs_storaged; it heartbeats to every tracker.
set -euo pipefail
. /lab/host/lib.sh
mkdir -p /etc/fdfs /app/storage/data /app/storage/logs /mysql/storage0
install -m 755 /lab/standins/bin/fdfs_storaged /usr/bin/
/lab/standins/fdfs-fixture-files.py /mysql/storage0
{
  echo "# FastDFS storage (hand-installed at the site, not by ADM)"
  echo "disabled=false"
  echo "group_name=group1"
  echo "bind_addr="
  echo "port=23000"
  echo "base_path=/app/storage"
  echo "store_path_count=1"
  echo "store_path0=/mysql/storage0"
  echo "subdir_count_per_path=256"
  lab_hosts_with fdfs-tracker | awk '{ print "tracker_server=" $2 ":22122" }'
  echo "http.server_port=8888"
} > /etc/fdfs/storage.conf
/lab/standins/initd.py fdfs_storaged --home /app/storage --pidfile /app/storage/data/fdfs_storaged.pid \
  --log /var/log/fdfs_storaged.out --port 23000 -- /usr/bin/fdfs_storaged /etc/fdfs/storage.conf
/etc/init.d/fdfs_storaged start
