#!/bin/bash
# make-ob-packages.sh DIR VERSION…: writes the lab's oceanbase-ce-<v>.rpm and oceanbase-ce-libs-<v>.rpm (tar.gz
# payloads for the lab's rpm shim) for every VERSION into DIR. The server package carries the observer stand-in
# as bin/observer and etc/VERSION; the libs package a placeholder library.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1; shift
mkdir -p "$out"
for v in "$@"; do
  [[ $v =~ ^[0-9]+(\.[0-9]+){3}$ ]] || { echo "not a version: $v" >&2; exit 2; }
  t=$(mktemp -d)
  mkdir -p "$t/server/root/home/admin/oceanbase/bin" "$t/server/root/home/admin/oceanbase/etc" "$t/libs/root/home/admin/oceanbase/lib"
  echo "oceanbase-ce $v" > "$t/server/PKGINFO"
  cp "$here/observer-standin.py" "$t/server/root/home/admin/oceanbase/bin/observer"
  chmod 755 "$t/server/root/home/admin/oceanbase/bin/observer"
  echo "$v" > "$t/server/root/home/admin/oceanbase/etc/VERSION"
  echo "oceanbase-ce-libs $v" > "$t/libs/PKGINFO"
  echo "lab placeholder for the libraries of $v" > "$t/libs/root/home/admin/oceanbase/lib/libobcdc.so.$v"
  tar -czf "$out/oceanbase-ce-$v.rpm" -C "$t/server" PKGINFO root
  tar -czf "$out/oceanbase-ce-libs-$v.rpm" -C "$t/libs" PKGINFO root
  rm -rf "$t"
done
