import type { Probe } from '../../../core/plan/step-schema.ts';
import { sh } from '../../../core/shell-quote.ts';
import type { FdfsLayout, Tracker } from './fdfs-layout.ts';

/**
 * Sets `form` to how this host's `fdfs_monitor` takes `-h`, read from its own usage text (happyfish100/fastdfs
 * client/fdfs_monitor.c): up to V5.x `-h HOST` (the address alone; `HOST:PORT` fails to resolve), from V6.00
 * `-h HOST[:PORT]` (its usage says `host[:port]`; the port must match the tracker's). Any other answer is a
 * failure naming the tool, its exit code and what it printed: no command form is known for it.
 */
export const MONITOR_FORM = String.raw`u=$(fdfs_monitor 2>&1); rc=$?; case "$u" in *'host[:port]'*) form=v6 ;; 'Usage: '*'<config_file> [-h <tracker_server>]'*) form=v5 ;; *) echo "fdfs_monitor: no known -h form for this version (exit $rc): $(printf '%s' "$u" | head -c 300 | tr '\n' ' ')"; exit 1 ;; esac`;

/**
 * Sets `conf` to the config file of the storage running on this host, taken from its command line
 * (`fdfs_storaged CONF [start]`): the storage's own storage.conf, which lists every tracker it reports to.
 */
const RUNNING_STORAGE_CONF = String.raw`conf=$(pgrep -af '[f]dfs_storaged' | awk '{ for (i = 3; i <= NF; i++) if ($i ~ /\.conf$/) { print $i; exit } }'); [ -n "$conf" ] || { echo "no running fdfs_storaged on $(hostname) to take its storage.conf from"; exit 1; }`;

/**
 * Asks one tracker itself, with `fdfs_monitor STORAGE.CONF -h TRACKER` on a storage host, and prints
 * `tracker IP:PORT answers: …` only when that very tracker answered (fdfs_monitor passes over a tracker that does
 * not answer and names the one that did), in the format known (a `group name` line), with every storage of
 * `group` ACTIVE (`ip_addr = IP[ (HOSTNAME)]  ACTIVE`, the hostname printed by V5.x). Otherwise it exits 1
 * naming fdfs_monitor, its exit code and its output.
 */
export function askTracker(l: FdfsLayout, t: Tracker, storages: readonly string[]): string {
  const port = l.f.tracker.port;
  const me = `${t.address}:${port}`;
  const group = l.f.storage.group;
  const checks = storages.map(
    (ip) =>
      sh`printf '%s\\n' "$out" | grep -Eq ${`^[[:space:]]*ip_addr = ${ip.replace(/\./g, '\\.')}( \\([^)]*\\))?  ACTIVE$`} || bad "storage ${ip} is not ACTIVE on tracker ${me}: $(printf '%s\\n' "$out" | grep -E ${`ip_addr = ${ip.replace(/\./g, '\\.')}[ (]`} | tr -s '\\t ' ' ' || echo 'not listed')"`,
  );
  return [
    MONITOR_FORM,
    RUNNING_STORAGE_CONF,
    sh`if [ "$form" = v6 ]; then h=${me}; else h=${t.address}; fi`,
    'out=$(fdfs_monitor "$conf" -h "$h" 2>&1); rc=$?',
    'bad() { echo "fdfs_monitor $conf -h $h (exit $rc): $1"; printf \'%s\\n\' "$out" | tail -n 8; exit 1; }',
    '[ $rc -eq 0 ] || bad "failed"',
    "answered=$(printf '%s\\n' \"$out\" | sed -n 's/^tracker server is //p' | head -n 1)",
    sh`[ "$answered" = ${me} ] || bad "tracker ${me} did not answer (answered by: \${answered:-none})"`,
    sh`printf '%s\\n' "$out" | grep -qx ${`group name = ${group}`} || bad ${`no group ${group} in the answer (unknown format, or the group is missing)`}`,
    ...checks,
    sh`echo ${`tracker ${me} answers: ${group} storages ${storages.join(', ')} ACTIVE`}`,
  ].join('; ');
}

/** The probe: tracker `t` answers for itself with every storage ACTIVE, asked from `host`. */
export function trackerAnswersProbe(l: FdfsLayout, t: Tracker, storages: readonly string[], host: string): Probe {
  return {
    kind: 'output-matches',
    command: askTracker(l, t, storages),
    pattern: `^tracker ${t.address.replace(/\./g, '\\.')}:${l.f.tracker.port} answers`,
    hosts: [host],
  };
}

/**
 * Downloads up to `count` of the files recorded before the change (store path 0, `M00`) over HTTP from
 * `address:port` and compares each with its recorded sha256; prints `downloads from … : N/N equal`. Tried for up to
 * 20 s (a VIP that has just moved, an nginx that has just started).
 */
export function downloadCheck(l: FdfsLayout, address: string, port: number, count = 3): string {
  const manifest = `${l.stateDir}/store0-manifest`;
  const base = `http://${address}:${port}/${l.f.storage.group}/M00/`;
  return [
    sh`[ -s ${manifest} ] || { echo ${`no record of the stored files (${manifest}): f01 did not run on this host`}; exit 1; }`,
    'try=0',
    'while :; do n=0; ok=0; miss=""',
    sh`while read -r sum file; do n=$((n + 1)); got=$(curl -sf --max-time 3 ${base}"\${file#./}" | sha256sum | cut -c1-64); if [ "$got" = "$sum" ]; then ok=$((ok + 1)); else miss="$miss \${file#./}"; fi; [ $n -ge ${count} ] && break; done < ${manifest}`,
    '[ $n -gt 0 ] && [ $ok -eq $n ] && break; try=$((try + 1)); [ $try -ge 6 ] && break; sleep 2; done',
    sh`echo "downloads from ${`${address}:${port}`}: $ok/$n equal"; [ -z "$miss" ] || echo "not served as recorded:$miss"; [ $n -gt 0 ] && [ $ok -eq $n ]`,
  ].join('; ');
}

/** The probe: files recorded before download equal from `address:port`, tried from `host`. */
export function downloadProbe(l: FdfsLayout, address: string, port: number, host: string): Probe {
  return {
    kind: 'output-matches',
    command: downloadCheck(l, address, port),
    pattern: `^downloads from ${address.replace(/\./g, '\\.')}:${port}: (\\d+)/\\1 equal$`,
    hosts: [host],
  };
}

/** The probe: `address` is configured on `host` (a VIP held, the new tracker's address in place), within 20 s. */
export function addressOnHostProbe(address: string, host: string): Probe {
  const has = sh`ip -o addr show | awk '{ sub(/\\/.*/, "", $4); print $4 }' | grep -Fx -- ${address}`;
  return {
    kind: 'output-matches',
    command: `i=0; until ${has}; do i=$((i + 1)); [ $i -ge 20 ] && { ${sh`echo ${`${address} is not on ${host}`}`}; exit 1; }; sleep 1; done`,
    pattern: `^${address.replace(/\./g, '\\.')}$`,
    hosts: [host],
  };
}
