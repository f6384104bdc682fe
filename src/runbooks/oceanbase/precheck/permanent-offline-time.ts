import { err, ok, type Result } from '../../../core/result.ts';
import type { ObRow } from '../checker/ob-check.ts';
import type { ObPoll } from '../health/ob-poll.ts';
import { cell, num, text } from '../checker/ob-rows.ts';
import { sqlString } from '../shared/sql-literal.ts';

/**
 * upgrade_checker.py ends, once every check passed, by raising `server_permanent_offline_time` to 72h so that
 * an observer down during the upgrade is not declared dead and its replicas rebuilt elsewhere. The script does
 * it silently; opsgate makes it a gated step of its own: read the value on every server (recorded so the run
 * restores it at the end), change it, wait until every server shows it, and later restore it the same way.
 */
export const PERMANENT_OFFLINE_PARAMETER = 'server_permanent_offline_time';
/** The value the script sets. */
export const PERMANENT_OFFLINE_UPGRADE_VALUE = '72h';

/** Reads the current value on every server (the manual's and obd's backup query, narrowed to this parameter). */
export const READ_PERMANENT_OFFLINE_TIME_SQL =
  "select svr_ip, svr_port, value from oceanbase.GV$OB_PARAMETERS where name = 'server_permanent_offline_time' order by svr_ip, svr_port";

/** The value one server had before the change. */
export interface ServerParameterValue {
  readonly svrIp: string;
  readonly svrPort: number;
  readonly value: string;
}

/** The statements of one change and the waits that confirm it, in order. */
export interface ParameterChange {
  readonly statements: readonly string[];
  readonly waits: readonly ObPoll[];
}

/** OceanBase time values: a number with an optional unit. Anything else is refused rather than quoted. */
const TIME_VALUE = /^\d+(us|ms|s|m|h|d)?$/;

/** Reads the previous values from the rows of `READ_PERMANENT_OFFLINE_TIME_SQL`; fails on anything unexpected. */
export function parsePreviousValues(rows: readonly ObRow[]): Result<readonly ServerParameterValue[], string> {
  if (rows.length === 0) return err(`${PERMANENT_OFFLINE_PARAMETER} is not visible on any server`);
  const out: ServerParameterValue[] = [];
  for (const row of rows) {
    const svrIp = text(cell(row, 0));
    const svrPort = num(cell(row, 1));
    const value = text(cell(row, 2));
    if (!/^[0-9A-Fa-f:.]+$/.test(svrIp) || !Number.isSafeInteger(svrPort))
      return err(`unexpected server ${svrIp}:${text(cell(row, 1))}`);
    if (!TIME_VALUE.test(value))
      return err(`unexpected ${PERMANENT_OFFLINE_PARAMETER} value ${JSON.stringify(value)} on ${svrIp}:${svrPort}`);
    out.push({ svrIp, svrPort, value });
  }
  return ok(out);
}

/** The script's sync wait (`wait_parameter_sync`): 10 polls 5 s apart (0 … 45 s), with its newline and indentation. */
export function parameterSyncWait(name: string, value: string): ObPoll {
  return {
    id: `sync-${name}`,
    title: `every server shows ${name} = ${value}`,
    sql: `select count(*) as cnt from oceanbase.__all_virtual_sys_parameter_stat\n           where name = ${sqlString(name)} and value != ${sqlString(value)}`,
    expect: { kind: 'zero' },
    timeout: { kind: 'fixed', seconds: 45 },
    intervalSec: 5,
    source: 'upgrade_checker.py wait_parameter_sync',
    timeoutMessage: `check ${name}:${value} sync timeout`,
  };
}

/** The change the script makes: set 72h cluster-wide, then wait until every server shows it. */
export function raisePermanentOfflineTime(): ParameterChange {
  return {
    statements: [`alter system set ${PERMANENT_OFFLINE_PARAMETER} = ${sqlString(PERMANENT_OFFLINE_UPGRADE_VALUE)}`],
    waits: [parameterSyncWait(PERMANENT_OFFLINE_PARAMETER, PERMANENT_OFFLINE_UPGRADE_VALUE)],
  };
}

/**
 * Puts the recorded values back: one cluster-wide statement when every server had the same value, otherwise one
 * statement per server (obd's `alter system set k = v server 'ip:port'`), each with its own wait.
 */
export function restorePermanentOfflineTime(
  previous: readonly ServerParameterValue[],
): Result<ParameterChange, string> {
  const first = previous[0];
  if (first === undefined) return err('no previous value recorded');
  for (const p of previous) {
    if (!TIME_VALUE.test(p.value)) return err(`refusing to restore ${JSON.stringify(p.value)}: not a time value`);
  }
  if (previous.every((p) => p.value === first.value)) {
    return ok({
      statements: [`alter system set ${PERMANENT_OFFLINE_PARAMETER} = ${sqlString(first.value)}`],
      waits: [parameterSyncWait(PERMANENT_OFFLINE_PARAMETER, first.value)],
    });
  }
  return ok({
    statements: previous.map(
      (p) =>
        `alter system set ${PERMANENT_OFFLINE_PARAMETER} = ${sqlString(p.value)} server ${sqlString(`${p.svrIp}:${p.svrPort}`)}`,
    ),
    waits: previous.map((p) => ({
      ...parameterSyncWait(PERMANENT_OFFLINE_PARAMETER, p.value),
      id: `sync-${PERMANENT_OFFLINE_PARAMETER}-${p.svrIp}:${p.svrPort}`,
      title: `${p.svrIp}:${p.svrPort} shows ${PERMANENT_OFFLINE_PARAMETER} = ${p.value}`,
      sql: `select count(*) as cnt from oceanbase.__all_virtual_sys_parameter_stat where name = ${sqlString(PERMANENT_OFFLINE_PARAMETER)} and svr_ip = ${sqlString(p.svrIp)} and svr_port = ${p.svrPort} and value != ${sqlString(p.value)}`,
    })),
  });
}
