#!/bin/bash
# Role observer=CLUSTER:ZONE:VERSION: an OceanBase observer stand-in (lab/obsim/observer-standin.py) installed
# as package oceanbase-ce VERSION through the lab's rpm shim, with /etc/init.d/observer; started. The cluster's
# SQL side is the simulator on the bridge (lab/obsim). The business probe gets its password from the site file.
set -euo pipefail
. /lab/host/lib.sh
IFS=: read -r cluster zone version <<< "$1"
[[ -n $cluster && -n $zone && -n $version ]] || { echo "observer role: ARG must be CLUSTER:ZONE:VERSION" >&2; exit 2; }
home=/home/admin/oceanbase
install -m 755 /lab/obsim/rpm-shim.sh /usr/local/bin/rpm
install -m 755 /lab/obsim/observer-initd.sh /etc/init.d/observer
mkdir -p "$home/etc" "$home/run" "$home/log"
echo "$zone" > "$home/etc/ZONE"
if ! rpm -q oceanbase-ce >/dev/null 2>&1; then
  t=$(mktemp -d)
  bash /lab/obsim/make-ob-packages.sh "$t" "$version" >/dev/null
  rpm -Uvh "$t/oceanbase-ce-libs-$version.rpm" "$t/oceanbase-ce-$version.rpm" >/dev/null
  rm -rf "$t"
fi
/etc/init.d/observer start
