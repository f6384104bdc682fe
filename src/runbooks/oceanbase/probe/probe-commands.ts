import type { HostCommand } from '../../../core/plan/step-schema.ts';
import { shellQuote } from '../../../core/shell-quote.ts';
import { secretNameOf } from '../../../core/sites/secret-at.ts';
import {
  endLoop,
  endpointLine,
  loopScript,
  mysqlLine,
  optionFileLines,
  ownDirCheck,
  PROBE_TABLE,
  probeDir,
  type ProbeEndpoint,
} from './probe-shell.ts';

export { PROBE_MAX_LIFETIME_S, probeDir, type ProbeEndpoint } from './probe-shell.ts';

/**
 * The business probe's start, route and stop commands. The probe tenant's password is the site file's
 * (`oceanbase[<cluster>].probeTenant.password`), handed to the start and stop commands on their stdin by the
 * worker: the plan, the run record, the audit and the thread hold only that name. On the probe host it is written
 * to a MySQL option file inside the probe's directory (mode 600 in a directory of mode 700, both the SSH user's),
 * which the mysql client reads; the value is in no command line and no environment. The loop's file goes when the
 * loop ends (stop, a newer probe, its lifetime, a TERM), the stop command's when it has dropped the probe's table,
 * and the stop command removes any left behind.
 */

/** The secret name of the probe tenant's password in the site file. */
export function probePasswordSecret(cluster: string): string {
  return secretNameOf('oceanbase', cluster, 'probeTenant.password');
}

/** Where the probe connects and as whom (from the site file, see `probeTarget`). */
export interface ProbeTarget {
  readonly cluster: string;
  /** The host the probe's loop runs on. */
  readonly host: string;
  /** The first endpoint: ODP, or an observer outside the first zone upgraded. */
  readonly address: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** Where else the stop command may drop the probe's table when the current endpoint does not answer. */
  readonly fallbacks?: readonly ProbeEndpoint[];
}

/**
 * Starts the probe in the background on the probe host: one write and one read of the business tenant every
 * 200 ms with the `mysql` client (see `loopScript`). The command reads the password from stdin first and detaches
 * stdin; the probe directory must be a directory of the SSH user (not a link: it is under /var/tmp), made 700. A
 * probe an earlier run left running is ended first.
 */
export function probeStartCommand(t: ProbeTarget): HostCommand {
  const dir = probeDir(t.cluster);
  const d = shellQuote(dir);
  const loop = loopScript({ dir, user: t.user, database: t.database, endpoint: t });
  const command = [
    'IFS= read -r OPSGATE_SECRET_1; exec </dev/null',
    'umask 077',
    `mkdir -p ${d}`,
    ownDirCheck(dir),
    `chmod 700 ${d}`,
    ...endLoop(dir),
    `: > ${shellQuote(`${dir}/log`)}`,
    `: > ${shellQuote(`${dir}/errors`)}`,
    `printf '%s\\n' ${shellQuote(endpointLine(t))} > ${shellQuote(`${dir}/endpoint`)}`,
    `(printf '%s\\n' "$OPSGATE_SECRET_1" | nohup bash -c ${shellQuote(loop)} >/dev/null 2>&1 &)`,
    'unset OPSGATE_SECRET_1',
    `n=0; until [ -s ${shellQuote(`${dir}/pid`)} ] || [ "$n" -ge 50 ]; do sleep 0.2; n=$((n+1)); done`,
    `kill -0 "$(cat ${shellQuote(`${dir}/pid`)})"`,
  ].join('\n');
  return { host: t.host, command, stdin: { secrets: [probePasswordSecret(t.cluster)] } };
}

/**
 * Points the running probe at `to` from its next request on (the endpoint file is replaced atomically). Fails
 * when there is no probe directory of this user: a probe that is not running measures nothing.
 */
export function probeRouteCommand(t: ProbeTarget, to: ProbeEndpoint): HostCommand {
  const dir = probeDir(t.cluster);
  const file = shellQuote(`${dir}/endpoint`);
  const command = [
    ownDirCheck(dir),
    `printf '%s\\n' ${shellQuote(endpointLine(to))} > ${file}.new && mv -f ${file}.new ${file}`,
  ].join('\n');
  return { host: t.host, command };
}

/**
 * Stops the probe and leaves nothing behind: the loop ends (see `endLoop`), the probe's table is dropped through
 * the endpoint the probe used last, else the first one, else each fallback in turn, and every option file of the
 * directory is removed. Fails, naming the table and the last error, when no endpoint took the drop, and when an
 * option file is still there. Safe when no probe ran (nothing to end; `drop table if exists`).
 */
export function probeStopCommand(t: ProbeTarget): HostCommand {
  const dir = probeDir(t.cluster);
  const d = shellQuote(dir);
  const endpoints = [t, ...(t.fallbacks ?? [])].map((e) => shellQuote(endpointLine(e))).join(' ');
  const where = `database ${t.database} of cluster ${t.cluster}`;
  const command = [
    'IFS= read -r OPSGATE_SECRET_1; exec </dev/null',
    'umask 077',
    `mkdir -p ${d}`,
    ownDirCheck(dir),
    ...endLoop(dir),
    `rm -f ${d}/client-*.cnf`,
    `f=${d}/drop-$$.cnf`,
    ...optionFileLines('OPSGATE_SECRET_1', '$f'),
    `last=$(cat ${d}/endpoint 2>/dev/null || true); dropped=; err=`,
    `for e in "$last" ${endpoints}; do`,
    '  [ -n "$e" ] || continue; read -r addr port <<< "$e"',
    `  if err=$(${mysqlLine('$f', t.user, t.database)} -e 'drop table if exists ${PROBE_TABLE}' 2>&1); then dropped="$addr:$port"; break; fi`,
    'done',
    'rm -f "$f"',
    `if [ -n "$dropped" ]; then echo "probe table ${PROBE_TABLE} dropped (through $dropped)"; else echo ${shellQuote(`the probe's table ${PROBE_TABLE} is still in ${where}: no endpoint took the drop; drop it by hand. Last error:`)} "\${err:-none}" >&2; fi`,
    `if ls ${d}/client-*.cnf ${d}/drop-*.cnf 2>/dev/null; then echo 'an option file of the probe is still there' >&2; exit 1; fi`,
    '[ -n "$dropped" ]',
  ].join('\n');
  return { host: t.host, command, stdin: { secrets: [probePasswordSecret(t.cluster)] } };
}
