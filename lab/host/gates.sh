#!/bin/bash
# Runs inside a host: this host's health gates, once. Prints one line per failing gate,
# "FAIL <gate>: <reason>" (may still heal) or "FATAL <gate>: <reason>" (a role script failed), and exits 1 if any.
set -u
. /lab/host/lib.sh
lab_load_env
failed=0
if [[ $(timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/22" && head -c 4 <&3' "$IP" 2>/dev/null) != SSH- ]]; then
  echo "FAIL sshd: not accepting connections on $IP:22 (see /var/log/sshd.log)"; failed=1
fi
if lab_variant login-ops && ! { id ops &> /dev/null && [[ -f /etc/sudoers.d/ops ]]; }; then
  echo "FATAL login-ops: no user ops or no sudoers rule for it (see /var/log/lab/init.log)"; failed=1
fi
while read -r role arg; do
  rcfile=/run/lab/roles/$role.rc
  [[ -f $rcfile ]] || continue
  rc=$(cat "$rcfile")
  case $rc in
    skipped) continue ;;
    0) ;;
    *) echo "FATAL $role: role script exited $rc (see /var/log/lab/$role.log)"; failed=1; continue ;;
  esac
  [[ -f /lab/roles/$role.health.sh ]] || continue
  if ! msg=$(timeout 10 /lab/host/run-role.sh health "$role" "$arg" 2>&1) || [[ -n $msg ]]; then
    echo "FAIL $role: ${msg:-not healthy}" | head -3; failed=1
  fi
done < <(lab_my_roles)
exit $failed
