#!/usr/bin/env bash
# Role power-dns (dns-1): the customer's power-dns component (needed in centre A for dual-centre DR), a stand-in
# HTTP service on 8053 under /app/soft/power-dns with /etc/init.d/power-dns. power-api is deliberately absent:
# the precheck must report it missing, as at Xizang.
set -euo pipefail
P=/app/soft/power-dns
mkdir -p $P/bin $P/conf $P/logs
echo 1.2.0 > $P/VERSION
cat > $P/conf/application.properties <<EOT
server.port=8053
dns.zone=biz.powercloud.com
dns.bind.zone-file=/etc/bind/db.biz.powercloud.com
EOT
cat > $P/bin/power-dns <<'EOT'
#!/bin/sh
# power-dns stand-in (opsgate site lab)
HOME_DIR=$(cd "$(dirname "$0")/.." && pwd)
exec /usr/bin/python3 /lab/standins/app-standin.py --name power-dns --port 8053 --version-file "$HOME_DIR/VERSION"
EOT
chmod 755 $P/bin/power-dns
chown -R app:app $P
/lab/standins/initd.py power-dns --home $P --pidfile /run/power-dns/power-dns.pid --log $P/logs/power-dns.out \
  --port 8053 -- $P/bin/power-dns
/etc/init.d/power-dns start
