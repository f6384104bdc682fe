#!/bin/bash
# Role bind9: authoritative DNS for biz.powercloud.com (the zone comes from lab/roles/data/db.biz.powercloud.com.tmpl,
# @NET@ = this lab's /24), no recursion, IPv4 only: nothing ever asks a server outside the lab.
set -euo pipefail
. /lab/host/lib.sh
zone=biz.powercloud.com
tmpl=/lab/roles/data/db.$zone.tmpl
[[ -r $tmpl ]] || { echo "bind9 role: no zone template lab/roles/data/db.$zone.tmpl" >&2; exit 2; }
cat > /etc/bind/named.conf.options <<EOT
options {
  directory "/var/cache/bind";
  listen-on { any; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  allow-query { any; };
  notify no;
};
EOT
echo "zone \"$zone\" { type master; file \"/etc/bind/db.$zone\"; };" > /etc/bind/named.conf.local
sed "s/@NET@/$NET/g" "$tmpl" > "/etc/bind/db.$zone"
named-checkconf
named-checkzone -q "$zone" "/etc/bind/db.$zone" || { echo "bind9 role: zone file does not load:" >&2; named-checkzone "$zone" "/etc/bind/db.$zone" >&2; exit 1; }
sed -i 's/^OPTIONS=.*/OPTIONS="-u bind -4"/' /etc/default/named
/etc/init.d/named start
