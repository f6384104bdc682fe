#!/usr/bin/env bash
# Role fdfs-nginx (fdfs-1, fdfs-2): nginx with ngx_fastdfs_module as the site installed it, a stand-in under
# /usr/local/nginx (sbin/nginx, conf/nginx.conf, logs/) with /etc/fdfs/mod_fastdfs.conf and /etc/init.d/nginx,
# serving the storage's files on 8888 as /group1/M00/<xx>/<yy>/<file>.
set -euo pipefail
. /lab/host/lib.sh
N=/usr/local/nginx
mkdir -p $N/sbin $N/conf $N/logs /etc/fdfs
install -m 755 /lab/standins/bin/nginx $N/sbin/nginx
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
  lab_hosts_with fdfs-tracker | awk '{ print "tracker_server=" $2 ":22122" }'
  echo "storage_server_port=23000"
  echo "group_name=group1"
  echo "url_have_group_name=true"
  echo "store_path_count=1"
  echo "store_path0=/mysql/storage0"
} > /etc/fdfs/mod_fastdfs.conf
/lab/standins/initd.py nginx --home $N --pidfile $N/logs/nginx.pid --log $N/logs/error.log --port 8888 -- $N/sbin/nginx
/etc/init.d/nginx start
