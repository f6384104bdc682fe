import type { HostCommand } from '../../../core/plan/step-schema.ts';
import { shellQuote } from '../../../core/shell-quote.ts';
import { secretNameOf } from '../../../core/sites/secret-at.ts';

/**
 * The business probe's start and stop commands. The probe tenant's password is the site file's
 * (`oceanbase[<cluster>].probeTenant.password`), handed to the start command on its stdin by the worker: the
 * plan, the run record, the audit and the thread hold only that name. On the probe host the loop writes it to a
 * MySQL option file of its own inside the probe's directory (mode 600 in a directory of mode 700, both the SSH
 * user's), which the mysql client reads; the value is in no command line and no environment. The file goes when
 * the loop ends (stop, a newer probe, its lifetime, a TERM) and the stop command removes any left behind.
 */

/** Where the probe keeps its pid file, its option file and its log of requests on the probe host. */
export function probeDir(cluster: string): string {
  return `/var/tmp/opsgate-ob-probe-${cluster}`;
}

/** The secret name of the probe tenant's password in the site file. */
export function probePasswordSecret(cluster: string): string {
  return secretNameOf('oceanbase', cluster, 'probeTenant.password');
}

/**
 * How long a probe runs at most: a run that is aborted (which runs nothing after) leaves no loop, and no option
 * file, behind for longer than this.
 */
export const PROBE_MAX_LIFETIME_S = 24 * 3600;

/** A word of the loop's command line (its table's name), by which the stop command knows the loop. */
const PROBE_MARK = 'opsgate_probe';

/** Where the probe connects and as whom (from the site file). */
export interface ProbeTarget {
  readonly cluster: string;
  readonly host: string;
  readonly address: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
}

/**
 * The loop, run by bash in the background: it reads the password from its stdin, writes its own option file
 * `client-<pid>.cnf` (the value double-quoted, `\` and `"` escaped as the client's option-file parser expects),
 * publishes its pid, and then writes and reads the business tenant every 200 ms while the pid file names it.
 */
function loopScript(t: ProbeTarget): string {
  const dir = shellQuote(probeDir(t.cluster));
  const mysql = `mysql --defaults-extra-file="$f" --connect-timeout=3 -h ${shellQuote(t.address)} -P ${t.port} -u ${shellQuote(t.user)} -D ${shellQuote(t.database)} -N -B`;
  return [
    'set -u',
    'IFS= read -r pw; exec </dev/null',
    `d=${dir}; f="$d/client-$$.cnf"`,
    `trap 'rm -f "$f"' EXIT`,
    `trap 'exit 143' TERM HUP INT`,
    'umask 077',
    `e=\${pw//'\\'/'\\\\'}; e=\${e//'"'/'\\"'}; unset pw`,
    `printf '[client]\\npassword="%s"\\n' "$e" > "$f"; unset e`,
    'echo $$ > "$d/pid"',
    `${mysql} -e 'create table if not exists ${PROBE_MARK} (k bigint primary key, v varchar(32))' 2>>"$d/errors" || true`,
    'i=0',
    `while { read -r cur < "$d/pid"; } 2>/dev/null && [ "$cur" = "$$" ] && [ "$SECONDS" -lt ${PROBE_MAX_LIFETIME_S} ]; do`,
    '  i=$((i+1)); t0=$(date +%s%3N)',
    `  if ${mysql} -e "insert into ${PROBE_MARK} (k, v) values ($i, 'probe'); select v from ${PROBE_MARK} where k = $i" >/dev/null 2>>"$d/errors"; then rc=0; else rc=1; fi`,
    '  t1=$(date +%s%3N); echo "$t0 $((t1-t0)) $rc" >> "$d/log"; sleep 0.2',
    'done',
    '',
  ].join('\n');
}

/**
 * Shell lines that end the probe's loop, if any: removing the pid file ends it (and it removes its own option
 * file); one still there after 5 s is sent TERM. Only the loop itself is waited for or signalled: a stale pid
 * may name another process by now.
 */
function endLoop(dir: string): string[] {
  const pid = shellQuote(`${dir}/pid`);
  return [
    `ours() { grep -qs ${PROBE_MARK} "/proc/$1/cmdline"; }`,
    `if [ -e ${pid} ]; then p=$(cat ${pid}); rm -f ${pid}`,
    '  n=0; while ours "$p" && [ "$n" -lt 25 ]; do sleep 0.2; n=$((n+1)); done',
    '  if ours "$p"; then kill "$p" 2>/dev/null || true; fi',
    'fi',
  ];
}

/**
 * Starts the probe in the background on the probe host: one write and one read of the business tenant every
 * 200 ms with the `mysql` client, each logged as `<epoch ms> <latency ms> <exit code>`. The command reads the
 * password from stdin first and detaches stdin; the probe directory must be a directory of the SSH user (not a
 * link: it is under /var/tmp), made 700. A probe an earlier run left running is ended first.
 */
export function probeStartCommand(t: ProbeTarget): HostCommand {
  const dir = probeDir(t.cluster);
  const d = shellQuote(dir);
  const command = [
    'IFS= read -r OPSGATE_SECRET_1; exec </dev/null',
    'umask 077',
    `mkdir -p ${d}`,
    `if [ ! -d ${d} ] || [ -L ${d} ] || [ ! -O ${d} ]; then echo ${shellQuote(`${dir} is not a directory of this user: not writing the probe's password there`)} >&2; exit 1; fi`,
    `chmod 700 ${d}`,
    ...endLoop(dir),
    `: > ${shellQuote(`${dir}/log`)}`,
    `: > ${shellQuote(`${dir}/errors`)}`,
    `(printf '%s\\n' "$OPSGATE_SECRET_1" | nohup bash -c ${shellQuote(loopScript(t))} >/dev/null 2>&1 &)`,
    'unset OPSGATE_SECRET_1',
    `n=0; until [ -s ${shellQuote(`${dir}/pid`)} ] || [ "$n" -ge 50 ]; do sleep 0.2; n=$((n+1)); done`,
    `kill -0 "$(cat ${shellQuote(`${dir}/pid`)})"`,
  ].join('\n');
  return { host: t.host, command, stdin: { secrets: [probePasswordSecret(t.cluster)] } };
}

/**
 * Stops the probe and removes its option file: the loop ends (see `endLoop`), then every option file of the
 * directory is removed, and the command fails if one is still there.
 */
export function probeStopCommand(t: ProbeTarget): HostCommand {
  const dir = shellQuote(probeDir(t.cluster));
  const command = [
    ...endLoop(probeDir(t.cluster)),
    `rm -f ${dir}/client-*.cnf`,
    `! ls ${dir}/client-*.cnf 2>/dev/null`,
  ].join('\n');
  return { host: t.host, command };
}
