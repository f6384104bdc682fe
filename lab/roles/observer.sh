#!/bin/bash
# Role observer=CLUSTER:ZONE:VERSION: an OceanBase observer stand-in (lab/obsim/observer-standin.py) laid out as
# obd and the RPMs lay the real one out: package oceanbase-ce VERSION (with oceanbase-ce-libs, in one transaction)
# installed through the lab's rpm shim under /home/admin/oceanbase, run as the deploy user admin from that home
# (`cd HOME && bin/observer`), its pid in run/observer.pid and its parameters persisted in etc/observer.config.bin
# at the first start. No /etc/init.d/observer: real deployments have none. The cluster's SQL side is the simulator
# on the bridge (lab/obsim). The business probe gets its password from the site file.
set -euo pipefail
. /lab/host/lib.sh
IFS=: read -r cluster zone version <<< "$1"
[[ -n $cluster && -n $zone && -n $version ]] || { echo "observer role: ARG must be CLUSTER:ZONE:VERSION" >&2; exit 2; }
home=/home/admin/oceanbase
getent group admin >/dev/null || groupadd -g 1600 admin
getent passwd admin >/dev/null || useradd -u 1600 -g admin -d /home/admin -m -s /bin/bash admin
install -m 755 /lab/obsim/rpm-shim.sh /usr/local/bin/rpm
rm -f /etc/init.d/observer
if ! rpm -q oceanbase-ce >/dev/null 2>&1; then
  t=$(mktemp -d)
  bash /lab/obsim/make-ob-packages.sh "$t" "$version" >/dev/null
  rpm -Uvh "$t/oceanbase-ce-libs-$version.rpm" "$t/oceanbase-ce-$version.rpm" >/dev/null
  rm -rf "$t"
fi
install -d -o admin -g admin "$home/run" "$home/log" "$home/etc"
if [[ -f $home/run/observer.pid ]] && kill -0 "$(cat "$home/run/observer.pid")" 2>/dev/null; then exit 0; fi
# The first start is given the zone and the RPC port, as obd's first start passes -z/-P; later starts read them back.
(cd "$home" && runuser -u admin -- "$home/bin/observer" -z "$zone" -P 2882 -p 2881 < /dev/null)
