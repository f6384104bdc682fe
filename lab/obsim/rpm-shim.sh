#!/bin/bash
# The lab's `rpm`: enough of `rpm -Uvh [--force] FILE…` and `rpm -q [--quiet] NAME[-VERSION]…` for the OceanBase
# upgrade. A lab package is a tar.gz named .rpm holding PKGINFO (`name version`) and a payload under root/,
# extracted onto /. Installed packages are recorded in /var/lib/lab-rpm/<name>.
# As rpm does, the files of one command are one transaction: all are read and their dependencies checked before
# any is installed. The one dependency modelled is the real one that matters here: oceanbase-ce VERSION requires
# oceanbase-ce-libs VERSION (installed, or in the same transaction). Files under /home/admin are owned by the
# deploy user admin when it exists, so that the observer running as admin writes beside them.
set -euo pipefail
db=/var/lib/lab-rpm
mkdir -p "$db"
mode=${1:-}; shift || true
case $mode in
  -U*|-i*)
    declare -A ver=() dir=()
    names=()
    trap 'for d in "${dir[@]}"; do rm -rf "$d"; done' EXIT
    for f in "$@"; do
      [[ $f == -* ]] && continue
      [[ -r $f ]] || { echo "error: open of $f failed: No such file or directory" >&2; exit 1; }
      t=$(mktemp -d); tar -xzf "$f" -C "$t" 2>/dev/null || { echo "error: $f: not an rpm package" >&2; exit 1; }
      read -r name version < "$t/PKGINFO"
      ver[$name]=$version; dir[$name]=$t; names+=("$name")
    done
    [[ ${#names[@]} -gt 0 ]] || { echo "rpm: no packages given for install" >&2; exit 1; }
    if [[ -n ${ver[oceanbase-ce]:-} ]]; then
      want=${ver[oceanbase-ce]}
      have=${ver[oceanbase-ce-libs]:-$(sed 's/^oceanbase-ce-libs-//' "$db/oceanbase-ce-libs" 2>/dev/null || true)}
      if [[ $have != "$want" ]]; then
        echo "error: Failed dependencies:" >&2
        echo "	oceanbase-ce-libs = $want is needed by oceanbase-ce-$want" >&2
        exit 1
      fi
    fi
    for name in "${names[@]}"; do
      t=${dir[$name]}
      [[ -d $t/root ]] && cp -a "$t/root/." /
      if [[ -d $t/root/home/admin ]] && getent passwd admin >/dev/null; then
        (cd "$t/root" && find home/admin) | sed 's|^|/|' | xargs -r -d '\n' chown -h admin:admin
      fi
      echo "$name-${ver[$name]}" > "$db/$name"
      echo "Updating / installing... $name-${ver[$name]}"
    done ;;
  -q)
    quiet=0
    [[ ${1:-} == --quiet ]] && { quiet=1; shift; }
    rc=0
    for n in "$@"; do
      found=
      for rec in "$db"/*; do
        [[ -f $rec ]] || continue
        installed=$(cat "$rec")
        # NAME matches the record's name; NAME-VERSION the installed name-version (rpm's name-version query).
        if [[ $n == "$(basename "$rec")" || $n == "$installed" ]]; then found=$installed; break; fi
      done
      if [[ -n $found ]]; then ((quiet)) || echo "$found"; else ((quiet)) || echo "package $n is not installed"; rc=1; fi
    done
    exit "$rc" ;;
  *) echo "lab rpm: only -Uvh FILE… and -q [--quiet] NAME… are simulated" >&2; exit 1 ;;
esac
