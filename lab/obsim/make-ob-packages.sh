#!/bin/bash
# make-ob-packages.sh DIR VERSION…: writes the lab's oceanbase-ce-<v>.rpm and oceanbase-ce-libs-<v>.rpm (tar.gz
# payloads for the lab's rpm shim) for every VERSION into DIR. The server package carries the observer stand-in
# as bin/observer, etc/VERSION, and etc/oceanbase_upgrade_dep.yml: the entries of the lab's dep file
# (oceanbase_upgrade_dep.yml here) up to VERSION, as a real package carries the history up to itself; the libs
# package a placeholder library.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1; shift
mkdir -p "$out"

# dep_up_to V: the dep file on stdin without the entries, and the can_be_upgraded_to items, newer than V.
dep_up_to() {
  awk -v max="$1" '
    function newer(a, b,   x, y, i) { sub(/-.*/, "", a); split(a, x, "."); split(b, y, ".")
      for (i = 1; i <= 4; i++) if (x[i] + 0 != y[i] + 0) return x[i] + 0 > y[i] + 0; return 0 }
    /^- version:/ { v = $3; keep = !newer(v, max) }
    /^  can_be_upgraded_to:/ { key = $0; next }
    /^    - / { if (keep && !newer($2, max)) { if (key != "") print key; key = ""; print }; next }
    { key = ""; if (keep || $0 ~ /^#/) print }
  '
}
for v in "$@"; do
  [[ $v =~ ^[0-9]+(\.[0-9]+){3}$ ]] || { echo "not a version: $v" >&2; exit 2; }
  t=$(mktemp -d)
  mkdir -p "$t/server/root/home/admin/oceanbase/bin" "$t/server/root/home/admin/oceanbase/etc" "$t/libs/root/home/admin/oceanbase/lib"
  echo "oceanbase-ce $v" > "$t/server/PKGINFO"
  cp "$here/observer-standin.py" "$t/server/root/home/admin/oceanbase/bin/observer"
  chmod 755 "$t/server/root/home/admin/oceanbase/bin/observer"
  echo "$v" > "$t/server/root/home/admin/oceanbase/etc/VERSION"
  dep_up_to "$v" < "$here/oceanbase_upgrade_dep.yml" > "$t/server/root/home/admin/oceanbase/etc/oceanbase_upgrade_dep.yml"
  echo "oceanbase-ce-libs $v" > "$t/libs/PKGINFO"
  echo "lab placeholder for the libraries of $v" > "$t/libs/root/home/admin/oceanbase/lib/libobcdc.so.$v"
  tar -czf "$out/oceanbase-ce-$v.rpm" -C "$t/server" PKGINFO root
  tar -czf "$out/oceanbase-ce-libs-$v.rpm" -C "$t/libs" PKGINFO root
  rm -rf "$t"
done
