#!/usr/bin/env bash
# Role fdfs-tracker (fdfs-1, fdfs-2): the site's hand-installed FastDFS V5.11 tracker, a stand-in on port 22122 with
# base dir /app/tracker (data/ logs/), /etc/fdfs/tracker.conf and /etc/init.d/fdfs_trackerd; plus
# /etc/fdfs/client.conf listing the trackers and /usr/bin/fdfs_monitor. Only two trackers: the third is missing.
# Variant conf-syntax: the files use what libfastcommon's reader accepts (blanks around `=`, comment lines, an
# `#include`d file, a repeated key whose last value wins, `base_path` with a trailing slash, a tracker listed twice).
set -euo pipefail
. /lab/host/lib.sh
mkdir -p /etc/fdfs /app/tracker/data /app/tracker/logs
install -m 755 /lab/standins/bin/fdfs_trackerd /lab/standins/bin/fdfs_monitor /usr/bin/
trackers=$(lab_hosts_with fdfs-tracker | awk '{ print $2 ":22122" }')
if lab_variant conf-syntax; then
  cat > /etc/fdfs/tracker.conf <<EOT
# FastDFS tracker (hand-installed at the site, not by ADM)

# is this config file disabled
disabled = false
bind_addr =
port = 22000
connect_timeout = 30
network_timeout = 60
    # the base path to store data and log files
base_path = /app/tracker/
max_connections = 256
store_lookup = 2
#include tracker-site.conf
EOT
  printf '# the port the site really uses (the last value wins)\nport = 22122\nhttp.server_port = 8080\n' \
    > /etc/fdfs/tracker-site.conf
  {
    echo "# FastDFS client: the site's trackers"
    echo "connect_timeout = 30"
    echo "network_timeout = 60"
    echo "base_path = /tmp/"
    echo "#include client-trackers.conf"
    echo "log_level = info"
  } > /etc/fdfs/client.conf
  { for t in $trackers; do echo "tracker_server = $t"; done; echo "tracker_server=${trackers%%$'\n'*}"; } \
    > /etc/fdfs/client-trackers.conf
else
  cat > /etc/fdfs/tracker.conf <<EOT
# FastDFS tracker (hand-installed at the site, not by ADM)
disabled=false
bind_addr=
port=22122
connect_timeout=30
network_timeout=60
base_path=/app/tracker
max_connections=256
store_lookup=2
store_group=group1
use_storage_id=false
http.server_port=8080
EOT
  {
    echo "# FastDFS client: the site's trackers"
    echo "connect_timeout=30"
    echo "network_timeout=60"
    echo "base_path=/tmp"
    for t in $trackers; do echo "tracker_server=$t"; done
    echo "log_level=info"
    echo "http.tracker_server_port=8080"
  } > /etc/fdfs/client.conf
fi
/lab/standins/initd.py fdfs_trackerd --home /app/tracker --pidfile /app/tracker/data/fdfs_trackerd.pid \
  --log /var/log/fdfs_trackerd.out --port 22122 -- /usr/bin/fdfs_trackerd /etc/fdfs/tracker.conf
/etc/init.d/fdfs_trackerd start
