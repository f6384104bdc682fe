import { shellQuote } from '../../../core/shell-quote.ts';

/**
 * The shell the business probe's commands share: its table, its loop, ending the loop, and the MySQL option file
 * a password is written to. See `probe-commands.ts` for where the password comes from.
 */

/** The probe's table in the business database; also the word of the loop's command line by which it is known. */
export const PROBE_TABLE = 'opsgate_probe';

/** Where the probe keeps its pid file, its option file, its endpoint and its log of requests on the probe host. */
export function probeDir(cluster: string): string {
  return `/var/tmp/opsgate-ob-probe-${cluster}`;
}

/**
 * How long a probe runs at most: a run that is aborted (which runs nothing after) leaves no loop, and no option
 * file, behind for longer than this.
 */
export const PROBE_MAX_LIFETIME_S = 24 * 3600;

/** Where the probe sends its requests: ODP or an observer's SQL port. */
export interface ProbeEndpoint {
  readonly address: string;
  readonly port: number;
}

/** `address port`, as the endpoint file holds it. */
export function endpointLine(e: ProbeEndpoint): string {
  return `${e.address} ${e.port}`;
}

/**
 * Shell lines writing the password in `$<variable>` to the option file `$<file>` (mode 600 under umask 077): the
 * value double-quoted, `\` and `"` escaped as the client's option-file parser expects; the variable is unset.
 */
export function optionFileLines(variable: string, file: string): string[] {
  return [
    `e=\${${variable}//'\\'/'\\\\'}; e=\${e//'"'/'\\"'}; unset ${variable}`,
    `printf '[client]\\npassword="%s"\\n' "$e" > "${file}"; unset e`,
  ];
}

/** The mysql client as the probe runs it, with the option file `$<file>`, to `"$addr"` / `"$port"`. */
export function mysqlLine(file: string, user: string, database: string): string {
  return `mysql --defaults-extra-file="${file}" --connect-timeout=3 -h "$addr" -P "$port" -u ${shellQuote(user)} -D ${shellQuote(database)} -N -B`;
}

/** A line that checks the probe directory is this user's own directory, not a link, or fails saying so. */
export function ownDirCheck(dir: string): string {
  const d = shellQuote(dir);
  return `if [ ! -d ${d} ] || [ -L ${d} ] || [ ! -O ${d} ]; then echo ${shellQuote(`${dir} is not a directory of this user: not writing the probe's password there`)} >&2; exit 1; fi`;
}

/**
 * Shell lines that end the probe's loop, if any: removing the pid file ends it (and it removes its own option
 * file); one still there after 5 s is sent TERM. Only the loop itself is waited for or signalled: a stale pid
 * may name another process by now.
 */
export function endLoop(dir: string): string[] {
  const pid = shellQuote(`${dir}/pid`);
  return [
    `ours() { grep -qs ${PROBE_TABLE} "/proc/$1/cmdline"; }`,
    `if [ -e ${pid} ]; then p=$(cat ${pid}); rm -f ${pid}`,
    '  n=0; while ours "$p" && [ "$n" -lt 25 ]; do sleep 0.2; n=$((n+1)); done',
    '  if ours "$p"; then kill "$p" 2>/dev/null || true; fi',
    'fi',
  ];
}

/** What the loop needs: its directory, the tenant user and database, the first endpoint. */
export interface LoopInput {
  readonly dir: string;
  readonly user: string;
  readonly database: string;
  readonly endpoint: ProbeEndpoint;
}

/**
 * The loop, run by bash in the background: it reads the password from its stdin, writes its own option file
 * `client-<pid>.cnf`, publishes its pid, drops and creates its table, and then writes and reads it every 200 ms
 * while the pid file names it. Each request goes to the endpoint in the directory's `endpoint` file as it is at
 * that moment (a route step may change it between zones) and is logged as
 * `<epoch ms> <latency ms> <0|1> <address>:<port> [the client's error, on one line]`.
 */
export function loopScript(t: LoopInput): string {
  const dir = shellQuote(t.dir);
  const mysql = mysqlLine('$f', t.user, t.database);
  const fallback = `addr=${shellQuote(t.endpoint.address)}; port=${t.endpoint.port}`;
  return [
    'set -u',
    'IFS= read -r pw; exec </dev/null',
    `d=${dir}; f="$d/client-$$.cnf"`,
    `trap 'rm -f "$f"' EXIT`,
    `trap 'exit 143' TERM HUP INT`,
    'umask 077',
    ...optionFileLines('pw', '$f'),
    'echo $$ > "$d/pid"',
    `route() { read -r addr port < "$d/endpoint" 2>/dev/null || { ${fallback}; }; }`,
    'route',
    `${mysql} -e 'drop table if exists ${PROBE_TABLE}; create table ${PROBE_TABLE} (k bigint primary key, v varchar(32))' 2>>"$d/errors" || true`,
    'i=0',
    `while { read -r cur < "$d/pid"; } 2>/dev/null && [ "$cur" = "$$" ] && [ "$SECONDS" -lt ${PROBE_MAX_LIFETIME_S} ]; do`,
    '  i=$((i+1)); route; t0=$(date +%s%3N)',
    `  if err=$(${mysql} -e "insert into ${PROBE_TABLE} (k, v) values ($i, 'probe'); select v from ${PROBE_TABLE} where k = $i" 2>&1 >/dev/null); then rc=0; else rc=1; fi`,
    "  t1=$(date +%s%3N); err=${err//[$'\\r\\n\\t']/ }",
    '  [ -n "$err" ] && printf \'%s %s\\n\' "$t0" "$err" >> "$d/errors"',
    '  echo "$t0 $((t1-t0)) $rc $addr:$port${err:+ ${err:0:240}}" >> "$d/log"; sleep 0.2',
    'done',
    // A loop that ran out its lifetime leaves no table behind either.
    `if [ "$SECONDS" -ge ${PROBE_MAX_LIFETIME_S} ]; then ${mysql} -e 'drop table if exists ${PROBE_TABLE}' 2>>"$d/errors" || true; fi`,
    '',
  ].join('\n');
}
