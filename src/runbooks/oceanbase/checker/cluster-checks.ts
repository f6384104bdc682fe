import type { ObCheck } from './ob-check.ts';
import { cell, num } from './ob-rows.ts';
import { countCheck, formatMessage } from './check-helpers.ts';

const PAXOS_SQL = "select count(1) as unsync_cnt from GV$OB_LOG_STAT where in_sync = 'NO'";
const PAXOS_MESSAGE = '{0} replicas unsync, please check';

/** 3. Every log stream replica is in sync. */
export const paxosReplicaCheck: ObCheck = {
  id: 'paxos-replica',
  fn: 'check_paxos_replica',
  title: 'every paxos (log stream) replica is in sync',
  sql: [PAXOS_SQL],
  failsWhen: 'any GV$OB_LOG_STAT row has in_sync = NO',
  messages: [PAXOS_MESSAGE],
  run: (io) => countCheck(io, PAXOS_SQL, { failWhen: 'positive', message: PAXOS_MESSAGE }),
};

const LOCALITY_SQL =
  "select count(1) as cnt from DBA_OB_TENANT_JOBS where job_status='INPROGRESS' and result_code is null";
const REBALANCE_SQL = 'select count(1) as rebalance_task_cnt from CDB_OB_LS_REPLICA_TASKS';
const LOCALITY_MESSAGE = '{0} locality tasks is doing, please check';
const REBALANCE_MESSAGE = '{0} rebalance tasks is doing, please check';

/** 4. No locality change and no rebalance task is running. */
export const rebalanceTaskCheck: ObCheck = {
  id: 'rebalance-task',
  fn: 'check_rebalance_task',
  title: 'no locality change and no replica (rebalance) task is running',
  sql: [LOCALITY_SQL, REBALANCE_SQL],
  failsWhen: 'a tenant job is INPROGRESS without result, or CDB_OB_LS_REPLICA_TASKS has rows',
  messages: [LOCALITY_MESSAGE, REBALANCE_MESSAGE],
  async run(io) {
    await countCheck(io, LOCALITY_SQL, { failWhen: 'positive', message: LOCALITY_MESSAGE });
    await countCheck(io, REBALANCE_SQL, { failWhen: 'positive', message: REBALANCE_MESSAGE });
  },
};

const MAJOR_SQL =
  "select count(1) from CDB_OB_MAJOR_COMPACTION where (GLOBAL_BROADCAST_SCN > LAST_SCN or STATUS != 'IDLE')";
const TABLET_SQL =
  'select /*+ query_timeout({0}) */ count(1) from __all_virtual_tablet_compaction_info where max_received_scn > finished_scn and max_received_scn > 0';
const TENANT_MERGING_MESSAGE = '{0} tenant is merging, please check';
const TABLET_MERGING_MESSAGE = '{0} tablet is merging, please check';

/** 5. No tenant and no tablet is in a major compaction. */
export const clusterStatusCheck: ObCheck = {
  id: 'cluster-status',
  fn: 'check_cluster_status',
  title: 'no tenant and no tablet is merging (major compaction idle)',
  sql: [MAJOR_SQL, TABLET_SQL],
  failsWhen:
    'a tenant compaction is not IDLE or behind its broadcast SCN; a tablet received an SCN it has not finished',
  messages: [TENANT_MERGING_MESSAGE, TABLET_MERGING_MESSAGE],
  async run(io) {
    await countCheck(io, MAJOR_SQL, { failWhen: 'positive', message: TENANT_MERGING_MESSAGE });
    // The hint follows -t (in microseconds), or 2000 s without it, as in 4.3.5.5.
    const hint = io.options.timeoutSeconds > 0 ? io.options.timeoutSeconds * 1_000_000 : 2_000_000_000;
    await countCheck(io, formatMessage(TABLET_SQL, hint), { failWhen: 'positive', message: TABLET_MERGING_MESSAGE });
  },
};

const OBSERVER_STATUS_SQL =
  'select count(*) from oceanbase.__all_server where (start_service_time <= 0 or status != "active")';
/** The space before the comma is the script's. */
const OBSERVER_STATUS_MESSAGE = '{0} observer not available , please check';

/** 14. Every observer is active and serving. */
export const observerStatusCheck: ObCheck = {
  id: 'observer-status',
  fn: 'check_observer_status',
  title: 'every observer is active and serving',
  sql: [OBSERVER_STATUS_SQL],
  failsWhen: 'an observer is not ACTIVE (case-insensitive) or has not started service',
  messages: [OBSERVER_STATUS_MESSAGE],
  run: (io) => countCheck(io, OBSERVER_STATUS_SQL, { failWhen: 'positive', message: OBSERVER_STATUS_MESSAGE }),
};

/** The schema-refreshed query, shared with the health checker. */
export const SCHEMA_STATUS_SQL =
  'select if (a.cnt = b.cnt, 1, 0) as passed from (select count(*) as cnt from oceanbase.__all_virtual_server_schema_info where refreshed_schema_version > 1 and refreshed_schema_version % 8 = 0) as a join (select count(*) as cnt from oceanbase.__all_server join oceanbase.__all_tenant) as b';
const SCHEMA_STATUS_MESSAGE = '{0} schema not available, please check';

/** 15. Every (server, tenant) pair has refreshed a formal schema version. */
export const schemaStatusCheck: ObCheck = {
  id: 'schema-status',
  fn: 'check_schema_status',
  title: 'every server has refreshed a formal schema version of every tenant',
  sql: [SCHEMA_STATUS_SQL],
  failsWhen:
    'the count of refreshed (server, tenant) schema versions (> 1, multiple of 8) differs from servers x tenants',
  messages: [SCHEMA_STATUS_MESSAGE],
  async run(io) {
    const rows = await io.query(SCHEMA_STATUS_SQL);
    const passed = cell(rows[0]);
    if (num(passed) !== 1) io.fail(formatMessage(SCHEMA_STATUS_MESSAGE, passed));
  },
};
