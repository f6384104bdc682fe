import { err, ok, type Result } from '../../../core/result.ts';
import { SCHEMA_STATUS_SQL } from '../checker/cluster-checks.ts';
import type { ObRow } from '../checker/ob-check.ts';
import { tenantScaledPoll, type ObPoll } from './ob-poll.ts';
import { cell, text } from '../checker/ob-rows.ts';
import { sqlString, validZone } from '../shared/sql-literal.ts';

const SOURCE = 'upgrade_health_checker.py 4.3.5.5';

/** Options of the health checker (`-z` and whether the caller wants the major merge awaited). */
export interface HealthCheckOptions {
  /** `-z`: check one zone (adds the zone-exists and zone build-version checks, narrows the observer check). */
  readonly zone?: string;
  /** Set by upgrade_pre's `health_check` module only. */
  readonly needCheckMajorStatus?: boolean;
}

/**
 * The major-merge wait runs only when `enable_major_freeze` is not uniformly `True` (upgrade_pre turned it off
 * and waits for the merge in flight to finish).
 */
export const MAJOR_FREEZE_ENABLED_SQL =
  "select distinct value from oceanbase.GV$OB_PARAMETERS where name = 'enable_major_freeze';";

/**
 * The health checker's checks in its `do_check` order, as polls (it raises on the first one that times out;
 * nothing is collected). The vector-index load check is not among them: its evaluation (snap/incr counts
 * over rounds) is not reproduced yet; `VECTOR_INDEX_PRESENT_SQL` tells whether a cluster needs it.
 */
export function healthChecks(opts: HealthCheckOptions = {}): Result<readonly ObPoll[], string> {
  let zoneSql = '';
  const polls: ObPoll[] = [];
  if (opts.zone !== undefined) {
    const zone = validZone(opts.zone);
    if (!zone.ok) return err(zone.error);
    zoneSql = sqlString(zone.value);
    polls.push({
      id: 'zone-valid',
      title: `zone ${zone.value} exists`,
      sql: `select count(*) from oceanbase.DBA_OB_ZONES where zone = ${zoneSql}`,
      expect: { kind: 'equals', value: 1 },
      timeout: { kind: 'one-shot' },
      intervalSec: 0,
      source: SOURCE,
    });
  }
  polls.push(
    tenantScaledPoll({
      id: 'observer-status',
      title: opts.zone === undefined ? 'every observer is serving' : `every observer of ${opts.zone} is serving`,
      sql:
        "select count(*) from oceanbase.__all_server where (start_service_time <= 0 or status='inactive')" +
        (opts.zone === undefined ? '' : ` and zone = ${zoneSql}`),
      expect: { kind: 'zero' },
      perTenantSec: 10,
      source: SOURCE,
    }),
    PAXOS_IN_SYNC_POLL,
    SCHEMA_REFRESHED_POLL,
  );
  if (opts.zone !== undefined) {
    polls.push({
      id: 'zone-server-version',
      title: `every observer of ${opts.zone} runs the same build`,
      sql: `select distinct(substring_index(build_version, '_', 1)) from oceanbase.__all_server where zone = ${zoneSql}`,
      expect: { kind: 'single-row' },
      timeout: { kind: 'one-shot' },
      intervalSec: 0,
      source: SOURCE,
    });
  }
  if (opts.needCheckMajorStatus === true) polls.push(...MAJOR_MERGE_POLLS);
  return ok(polls);
}

/** Every log stream replica in sync, cluster-wide even with `-z` (also the rolling upgrade's clog wait). */
export const PAXOS_IN_SYNC_POLL: ObPoll = tenantScaledPoll({
  id: 'paxos-replica',
  title: 'every log stream replica is in sync (cluster-wide)',
  sql: "select count(*) from oceanbase.GV$OB_LOG_STAT where in_sync = 'NO'",
  expect: { kind: 'zero' },
  perTenantSec: 10,
  source: SOURCE,
});

/** Every server has refreshed every tenant's schema, cluster-wide (also the rolling upgrade's schema wait). */
export const SCHEMA_REFRESHED_POLL: ObPoll = tenantScaledPoll({
  id: 'schema-status',
  title: 'every server has refreshed every tenant schema (cluster-wide)',
  sql: SCHEMA_STATUS_SQL,
  expect: { kind: 'equals', value: 1 },
  perTenantSec: 30,
  source: SOURCE,
});

/** The major-merge waits (run only when `MAJOR_FREEZE_ENABLED_SQL` does not return exactly one `True`). */
export const MAJOR_MERGE_POLLS: readonly ObPoll[] = [
  tenantScaledPoll({
    id: 'major-merge-tenants',
    title: 'no tenant is in a major compaction',
    sql: "select count(1) from oceanbase.CDB_OB_MAJOR_COMPACTION where (GLOBAL_BROADCAST_SCN > LAST_SCN or STATUS != 'IDLE')",
    expect: { kind: 'zero' },
    perTenantSec: 30,
    source: SOURCE,
  }),
  tenantScaledPoll({
    id: 'major-merge-tablets',
    title: 'no tablet is merging',
    sql: 'select /*+ query_timeout(1000000000) */ count(1) from oceanbase.__all_virtual_tablet_compaction_info where max_received_scn > finished_scn and max_received_scn > 0',
    expect: { kind: 'zero' },
    perTenantSec: 30,
    source: SOURCE,
  }),
];

/** Whether a cluster has vector indexes, i.e. whether the (not reproduced) vector-index load check applies. */
export const VECTOR_INDEX_PRESENT_SQL = 'select 1 from oceanbase.__all_virtual_vector_index_info limit 1';

/**
 * Whether the major-merge waits apply, from the rows of `MAJOR_FREEZE_ENABLED_SQL`: the health checker skips them
 * only when every server reports exactly `True`.
 */
export function majorMergeWaitNeeded(rows: readonly ObRow[]): boolean {
  return !(rows.length === 1 && text(cell(rows[0])) === 'True');
}
