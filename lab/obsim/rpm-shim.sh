#!/bin/bash
# The lab's `rpm`: enough of `rpm -Uvh [--force] FILE…` and `rpm -q NAME` for the OceanBase upgrade. A lab
# package is a tar.gz named .rpm holding PKGINFO (`name version`) and a payload under root/, extracted onto /.
# Installed packages are recorded in /var/lib/lab-rpm/<name>.
set -euo pipefail
db=/var/lib/lab-rpm
mkdir -p "$db"
mode=${1:-}; shift || true
case $mode in
  -U*|-i*)
    for f in "$@"; do
      [[ $f == -* ]] && continue
      [[ -r $f ]] || { echo "error: open of $f failed: No such file or directory" >&2; exit 1; }
      t=$(mktemp -d); tar -xzf "$f" -C "$t"
      read -r name version < "$t/PKGINFO"
      [[ -d $t/root ]] && cp -a "$t/root/." /
      echo "$name-$version" > "$db/$name"
      rm -rf "$t"
      echo "Updating / installing... $name-$version"
    done ;;
  -q)
    for n in "$@"; do
      if [[ -f $db/$n ]]; then cat "$db/$n"; else echo "package $n is not installed"; exit 1; fi
    done ;;
  *) echo "lab rpm: only -Uvh FILE… and -q NAME are simulated" >&2; exit 1 ;;
esac
