import { obVersion, obVersionToInt, compareObVersions } from '../../../src/runbooks/oceanbase/shared/ob-version.ts';

/** Rows to insert, per table. */
export type FixtureRows = ReadonlyMap<string, readonly Record<string, unknown>[]>;

/** The shape of the simulated cluster; scenarios change versions and then break things with SQL. */
export interface ClusterShape {
  /** `min_observer_version` on every server, and the prefix of every build_version. */
  readonly clusterVersion: string;
  /** `compatible` of every tenant, and the data versions in __all_virtual_core_table. */
  readonly dataVersion: string;
  /**
   * Whether the Oracle tenant has the STANDBY_REPLICATION user: `auto` gives it exactly when the cluster
   * version expects it (so check 24 passes at every version unless a scenario says otherwise).
   */
  readonly standbyReplicationUser: 'auto' | 'present' | 'absent';
}

export const HEALTHY_SHAPE: ClusterShape = {
  clusterVersion: '4.3.5.5',
  dataVersion: '4.3.5.5',
  standbyReplicationUser: 'auto',
};

/** Three zones, one observer each (what a rolling upgrade needs). */
export const SERVERS = [
  { ip: '10.10.0.11', zone: 'zone1', id: 1 },
  { ip: '10.10.0.12', zone: 'zone2', id: 2 },
  { ip: '10.10.0.13', zone: 'zone3', id: 3 },
] as const;
export const RPC_PORT = 2882;

/** sys, two meta tenants, a MySQL business tenant and an Oracle tenant: five tenants, as OceanBase counts them. */
export const TENANTS = [
  { id: 1, name: 'sys', mode: 0 },
  { id: 1001, name: 'META$1002', mode: 0 },
  { id: 1002, name: 'biz', mode: 0 },
  { id: 1003, name: 'META$1004', mode: 0 },
  { id: 1004, name: 'ora', mode: 1 },
] as const;

const SCN = 1_718_000_000_000_000_000n;
const SCHEMA_VERSION = 1_718_000_000_000_000; // a "formal" schema version: > 1 and a multiple of 8
const STARTED_US = 1_718_000_000_000_000;

function needsStandbyUser(version: string): boolean {
  const v = obVersion(version);
  const before = (t: string) => compareObVersions(v, obVersion(t)) < 0;
  return !(before('4.2.2.0') || (!before('4.3.0.0') && before('4.3.1.0')));
}

/** The rows of a healthy cluster of the given shape: every check of upgrade_checker.py passes on them. */
export function clusterRows(shape: ClusterShape): FixtureRows {
  const dataInt = obVersionToInt(obVersion(shape.dataVersion)).toString();
  const build = `${shape.clusterVersion}_100000012025052714-8b1c1b3e5a9d4f6c0e2a7b9d3f5c1e7a9b0d2f4c(May 27 2025 14:00:00)`;
  const zones = SERVERS.map((s) => s.zone);
  const rows = new Map<string, Record<string, unknown>[]>();
  const add = (table: string, ...r: Record<string, unknown>[]) => rows.set(table, [...(rows.get(table) ?? []), ...r]);

  for (const s of SERVERS) {
    const at = { svr_ip: s.ip, svr_port: RPC_PORT, zone: s.zone };
    for (const [name, value] of [
      ['min_observer_version', shape.clusterVersion],
      ['server_permanent_offline_time', '3600s'],
      ['enable_upgrade_mode', 'False'],
      ['_upgrade_stage', 'NONE'],
      ['enable_major_freeze', 'True'],
      ['enable_ddl', 'True'],
      ['enable_rereplication', 'True'],
      ['tableapi_transport_compress_func', 'none'],
      ['_ob_enable_direct_load', 'True'],
      ['enable_sys_table_ddl', 'False'],
      ['syslog_level', 'INFO'],
    ] as const) {
      add('__opsgate_parameter', { ...at, scope: 'CLUSTER', tenant_id: null, name, value });
    }
    for (const t of TENANTS) {
      for (const [name, value] of [
        ['compatible', shape.dataVersion],
        ['log_transport_compress_func', 'lz4_1.0'],
        ['enable_rebalance', 'True'],
        ['_enable_adaptive_compaction', 'True'],
        ['_bloom_filter_enabled', 'True'],
      ] as const) {
        add('__opsgate_parameter', { ...at, scope: 'TENANT', tenant_id: t.id, name, value });
      }
      add('__all_virtual_server_schema_info', {
        svr_ip: s.ip,
        svr_port: RPC_PORT,
        tenant_id: t.id,
        refreshed_schema_version: SCHEMA_VERSION,
        received_schema_version: SCHEMA_VERSION,
      });
      add('GV$OB_UNITS', {
        SVR_IP: s.ip,
        SVR_PORT: RPC_PORT,
        UNIT_ID: t.id * 10 + s.id,
        TENANT_ID: t.id,
        ZONE: s.zone,
      });
      for (const ls of t.id === 1 || t.id % 2 === 1 ? [1] : [1, 1001]) {
        add('GV$OB_LOG_STAT', {
          TENANT_ID: t.id,
          LS_ID: ls,
          SVR_IP: s.ip,
          SVR_PORT: RPC_PORT,
          ROLE: s.id === 1 ? 'LEADER' : 'FOLLOWER',
          IN_SYNC: 'YES',
          PAXOS_MEMBER_LIST: SERVERS.map((x) => `${x.ip}:${RPC_PORT}:1`).join(','),
          END_SCN: SCN,
          MAX_SCN: SCN,
        });
      }
    }
    add('__all_server', {
      svr_ip: s.ip,
      svr_port: RPC_PORT,
      id: s.id,
      zone: s.zone,
      inner_port: 2881,
      with_rootserver: s.id === 1 ? 1 : 0,
      status: 'ACTIVE',
      build_version: build,
      start_service_time: STARTED_US,
    });
    for (const [name, info] of [
      ['status', 'ACTIVE'],
      ['idc', `idc${s.id}`],
      ['region', 'default_region'],
      ['zone_type', 'ReadWrite'],
    ] as const) {
      add('__all_zone', { zone: s.zone, name, info });
    }
    for (let tablet = 1; tablet <= 10; tablet++) {
      add('__all_virtual_tablet_pointer_status', {
        svr_ip: s.ip,
        svr_port: RPC_PORT,
        tenant_id: 1002,
        ls_id: 1001,
        tablet_id: 200000 + tablet,
      });
      add('__all_virtual_tablet_compaction_info', {
        svr_ip: s.ip,
        svr_port: RPC_PORT,
        tenant_id: 1002,
        ls_id: 1001,
        tablet_id: 200000 + tablet,
        finished_scn: SCN,
        max_received_scn: SCN,
      });
    }
    add('__all_virtual_core_meta_table', {
      tenant_id: 1,
      ls_id: 1,
      svr_ip: s.ip,
      svr_port: RPC_PORT,
      role: s.id === 1 ? 1 : 2,
      zone: s.zone,
    });
    add('__all_virtual_disk_stat', {
      svr_ip: s.ip,
      svr_port: RPC_PORT,
      total_size: 200 * 2 ** 30,
      used_size: 20 * 2 ** 30,
      free_size: 180 * 2 ** 30,
    });
  }
  add('__all_zone', { zone: '', name: 'cluster', info: 'obcluster' });

  for (const t of TENANTS) {
    const tenant = {
      tenant_id: t.id,
      tenant_name: t.name,
      zone_list: zones.join(';'),
      primary_zone: 'zone1;zone2,zone3',
      compatibility_mode: t.mode,
    };
    add('__all_tenant', { ...tenant, locality: zones.map((z) => `FULL{1}@${z}`).join(', ') });
    add('__all_tenant_history', {
      ...tenant,
      schema_version: SCHEMA_VERSION,
      is_deleted: 0,
      locked: 0,
      status: 'NORMAL',
    });
    // One pool over every zone per tenant; a meta tenant lives in its user tenant's units and has none.
    if (t.id === 1 || t.id % 2 === 0)
      add('DBA_OB_RESOURCE_POOLS', {
        RESOURCE_POOL_ID: t.id,
        NAME: `${t.name}_pool`,
        TENANT_ID: t.id,
        ZONE_LIST: zones.join(';'),
      });
    if (t.id !== 1 && t.id % 2 === 0) add('__all_virtual_tenant_info', { tenant_id: t.id, tenant_role: 'PRIMARY' });
    for (const column of ['target_data_version', 'current_data_version', 'upgrade_begin_data_version']) {
      add('__all_virtual_core_table', {
        tenant_id: t.id,
        table_name: '__all_global_stat',
        row_id: 0,
        column_name: column,
        column_value: dataInt,
      });
    }
    add('__all_virtual_core_table', {
      tenant_id: t.id,
      table_name: '__all_global_stat',
      row_id: 0,
      column_name: 'baseline_schema_version',
      column_value: String(SCHEMA_VERSION),
    });
    add('CDB_OB_MAJOR_COMPACTION', {
      TENANT_ID: t.id,
      FROZEN_SCN: SCN,
      GLOBAL_BROADCAST_SCN: SCN,
      LAST_SCN: SCN,
      STATUS: 'IDLE',
    });
    add('CDB_OB_SYS_VARIABLES', { TENANT_ID: t.id, NAME: 'binlog_row_image', VALUE: '2', DEFAULT_VALUE: '2' });
    add('__all_virtual_user', { tenant_id: t.id, user_id: 200001, user_name: t.mode === 1 ? 'SYS' : 'root' });
  }
  const wantsUser =
    shape.standbyReplicationUser === 'present' ||
    (shape.standbyReplicationUser === 'auto' && needsStandbyUser(shape.clusterVersion));
  if (wantsUser) add('__all_virtual_user', { tenant_id: 1004, user_id: 200010, user_name: 'STANDBY_REPLICATION' });

  add(
    '__all_virtual_table',
    {
      tenant_id: 1002,
      table_id: 500001,
      table_name: 'orders',
      compress_func_name: 'zstd_1.3.8',
      row_store_type: 'encoding_row_store',
    },
    {
      tenant_id: 1002,
      table_id: 500002,
      table_name: 'customers',
      compress_func_name: 'lz4_1.0',
      row_store_type: 'flat_row_store',
    },
    {
      tenant_id: 1004,
      table_id: 500001,
      table_name: 'LEDGER',
      compress_func_name: 'zstd_1.3.8',
      row_store_type: 'encoding_row_store',
    },
  );
  add('__all_virtual_column_group', {
    tenant_id: 1002,
    table_id: 500001,
    column_group_id: 1,
    column_group_name: '__co_all',
    row_store_type: 1,
  });
  add('__all_virtual_tenant_snapshot', { tenant_id: 1002, snapshot_id: 1, snapshot_name: 'nightly', status: 'NORMAL' });
  add('CDB_OB_ARCHIVELOG', { TENANT_ID: 1002, DEST_ID: 1001, ROUND_ID: 3, STATUS: 'STOP' });
  add('CDB_OB_BACKUP_PARAMETER', { TENANT_ID: 1002, NAME: 'data_backup_dest', VALUE: '' });
  add('__all_table', { tenant_id: 1, table_id: 15001, table_name: '__all_virtual_core_table' });
  for (const name of [
    'zone_checker',
    'sys_stat_checker',
    'sys_param_checker',
    'sys_table_schema_checker',
    'data_version_checker',
  ]) {
    add('__all_virtual_upgrade_inspection', { name, info: 'succeed' });
  }
  add('__all_rootservice_job', {
    job_id: 1,
    job_type: 'ALTER_TENANT_LOCALITY',
    job_status: 'SUCCESS',
    result_code: 0,
    progress: 100,
    tenant_id: 1002,
  });
  return rows;
}
