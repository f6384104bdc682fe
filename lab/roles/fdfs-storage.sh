#!/usr/bin/env bash
# Role fdfs-storage (fdfs-1, fdfs-2): the site's hand-installed FastDFS V5.11 storage of group1, a stand-in on port
# 23000 with base dir /app/storage (data/ logs/), store path /mysql/storage0 holding the fixture files under
# data/00/00 and data/01/00, /etc/fdfs/storage.conf and /etc/init.d/fdfs_storaged; it heartbeats to every tracker.
# Variant conf-syntax: blanks around `=`, comment lines, the trackers in an `#include`d file, `group_name` given
# twice (the last wins), `base_path` and `store_path0` with a trailing slash.
set -euo pipefail
. /lab/host/lib.sh
mkdir -p /etc/fdfs /app/storage/data /app/storage/logs /mysql/storage0
install -m 755 /lab/standins/bin/fdfs_storaged /lab/standins/bin/fdfs_monitor /usr/bin/
/lab/standins/fdfs-fixture-files.py /mysql/storage0
trackers=$(lab_hosts_with fdfs-tracker | awk '{ print $2 ":22122" }')
if lab_variant conf-syntax; then
  {
    echo "# FastDFS storage (hand-installed at the site, not by ADM)"
    echo "disabled = false"
    echo "group_name = group9"
    echo "bind_addr ="
    echo "port = 23000"
    echo "  # the base path to store data and log files"
    echo "base_path = /app/storage/"
    echo "store_path_count = 1"
    echo "store_path0 = /mysql/storage0/"
    echo "subdir_count_per_path = 256"
    echo "#include storage-trackers.conf"
    echo "http.server_port = 8888"
    echo "# the group this storage really serves (the last value wins)"
    echo "group_name = group1"
  } > /etc/fdfs/storage.conf
  for t in $trackers; do echo "tracker_server = $t"; done > /etc/fdfs/storage-trackers.conf
else
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
    for t in $trackers; do echo "tracker_server=$t"; done
    echo "http.server_port=8888"
  } > /etc/fdfs/storage.conf
fi
/lab/standins/initd.py fdfs_storaged --home /app/storage --pidfile /app/storage/data/fdfs_storaged.pid \
  --log /var/log/fdfs_storaged.out --port 23000 -- /usr/bin/fdfs_storaged /etc/fdfs/storage.conf
/etc/init.d/fdfs_storaged start
