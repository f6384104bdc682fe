#!/usr/bin/env bash
# Role fdfs-nginx (fdfs-1, fdfs-2): nginx with ngx_fastdfs_module as the site installed it under /usr/local/nginx
# (sbin/nginx, conf/nginx.conf, conf/mime.types, logs/), /etc/fdfs/mod_fastdfs.conf and /etc/init.d/nginx, serving
# the storage's files on 8888 as /group1/M00/<xx>/<yy>/<file>. sbin/nginx runs Debian's nginx on this
# configuration; only the module is stood in for (lab/standins/fdfs-nginx.py). The init script keeps its own pid
# file (/run/fdfs-nginx.pid): nginx rewrites logs/nginx.pid itself, and an empty moment there would read as dead.
# Variant conf-syntax: the server is in an included file (`include "conf.d/*.conf";`), with quoted parameters and
# comments; mod_fastdfs.conf has blanks around `=` and a trailing slash on store_path0.
set -euo pipefail
. /lab/host/lib.sh
N=/usr/local/nginx
mkdir -p $N/sbin $N/conf $N/logs /etc/fdfs
install -m 755 /lab/standins/bin/nginx $N/sbin/nginx
cp /etc/nginx/mime.types $N/conf/mime.types
trackers=$(lab_hosts_with fdfs-tracker | awk '{ print $2 ":22122" }')
if lab_variant conf-syntax; then
  mkdir -p $N/conf/conf.d
  cat > $N/conf/nginx.conf <<'EOT'
worker_processes  1;
events {
    worker_connections  1024;
}
http {
    include       mime.types;
    default_type  application/octet-stream;
    sendfile        on;
    # the FastDFS download server
    include "conf.d/*.conf";
}
EOT
  cat > $N/conf/conf.d/fastdfs.conf <<'EOT'
server {
    listen       "8888";    # storage.conf http.server_port
    server_name  'localhost';
    location ~ "/group[0-9]/M00" {
        ngx_fastdfs_module;
    }
}
EOT
  {
    echo "# ngx_fastdfs_module"
    echo "connect_timeout = 2"
    echo "network_timeout = 30"
    echo "base_path = /tmp/"
    for t in $trackers; do echo "tracker_server = $t"; done
    echo "storage_server_port = 23000"
    echo "group_name = group1"
    echo "url_have_group_name = true"
    echo "store_path_count = 1"
    echo "store_path0 = /mysql/storage0/"
  } > /etc/fdfs/mod_fastdfs.conf
else
  cat > $N/conf/nginx.conf <<'EOT'
worker_processes  1;
events {
    worker_connections  1024;
}
http {
    include       mime.types;
    default_type  application/octet-stream;
    sendfile        on;
    server {
        listen       8888;
        server_name  localhost;
        location ~/group[0-9]/M00 {
            ngx_fastdfs_module;
        }
    }
}
EOT
  {
    echo "# ngx_fastdfs_module"
    echo "connect_timeout=2"
    echo "network_timeout=30"
    echo "base_path=/tmp"
    for t in $trackers; do echo "tracker_server=$t"; done
    echo "storage_server_port=23000"
    echo "group_name=group1"
    echo "url_have_group_name=true"
    echo "store_path_count=1"
    echo "store_path0=/mysql/storage0"
  } > /etc/fdfs/mod_fastdfs.conf
fi
/lab/standins/initd.py nginx --home $N --pidfile /run/fdfs-nginx.pid --log $N/logs/nginx.out --port 8888 -- $N/sbin/nginx
/etc/init.d/nginx start
