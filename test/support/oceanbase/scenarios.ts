import type { CheckerOptions } from '../../../src/runbooks/oceanbase/checker/ob-check.ts';
import type { FixtureLoad } from './ob-fixture.ts';

/** A fixture load with what upgrade_checker must report on it: every failure, in order, with its check. */
export interface ObScenario extends FixtureLoad {
  readonly description: string;
  readonly options?: Partial<CheckerOptions>;
  readonly failures: readonly (readonly [checkId: string, message: string])[];
  /** Checks that must be skipped by their gate (only asserted when given). */
  readonly skipped?: readonly string[];
  /** Checks that must end as a warning. */
  readonly warned?: readonly string[];
}

/** Checks skipped at 4.3.5.5 (the healthy cluster). */
export const SKIPPED_AT_4355 = [
  'tenant-primary-zone',
  'archive-job',
  'archive-dest',
  'backup-dest',
  'variable-binlog-row-image',
  'disk-space-for-mds-sstable-compat',
  'cs-encoding-arch-dependency',
];

const v = (version: string) => ({ clusterVersion: version, dataVersion: version });
const NOT_SYNC = 'min_observer_version is not sync';

/** The healthy cluster: every check passes or is skipped by its gate. */
export const HEALTHY: ObScenario = {
  name: 'healthy',
  description: 'a healthy 3-zone 4.3.5.5 cluster',
  failures: [],
  skipped: SKIPPED_AT_4355,
};

/** One scenario per way each check fails on its own (at 4.3.5.5 unless the check's gate needs another version). */
export const SINGLE_FAILURES: readonly ObScenario[] = [
  {
    name: 'compatible-not-sync',
    description: 'one tenant has another data version',
    faults: ["UPDATE __opsgate_parameter SET value = '4.3.5.4' WHERE name = 'compatible' AND tenant_id = 1004"],
    failures: [['data-version', 'compatible is not sync']],
  },
  {
    name: 'core-data-version-mismatch',
    description: "a tenant's current_data_version differs from compatible",
    faults: [
      "UPDATE __all_virtual_core_table SET column_value = '17180067076' WHERE tenant_id = 1002 AND column_name = 'current_data_version'",
    ],
    failures: [
      ['data-version', 'target_data_version/current_data_version not match with 4.3.5.5, tenant_cnt:5, result_cnt:9'],
    ],
  },
  {
    name: 'upgrade-begin-mismatch',
    description: "a tenant's upgrade_begin_data_version differs",
    faults: [
      "UPDATE __all_virtual_core_table SET column_value = '17180067076' WHERE tenant_id = 1004 AND column_name = 'upgrade_begin_data_version'",
    ],
    failures: [['data-version', 'upgrade_begin_data_version not match with 4.3.5.5, tenant_cnt:5, result_cnt:4']],
  },
  {
    name: 'paxos-unsync',
    description: 'two replicas of a log stream are out of sync',
    faults: [
      "UPDATE GV$OB_LOG_STAT SET IN_SYNC = 'NO' WHERE TENANT_ID = 1002 AND LS_ID = 1001 AND SVR_IP != '10.10.0.11'",
    ],
    failures: [['paxos-replica', '2 replicas unsync, please check']],
  },
  {
    name: 'locality-job',
    description: 'a locality change is in progress',
    faults: [
      "INSERT INTO __all_rootservice_job (job_id, job_type, job_status, result_code, progress, tenant_id) VALUES (2, 'ALTER_TENANT_LOCALITY', 'INPROGRESS', NULL, 40, 1002)",
    ],
    failures: [['rebalance-task', '1 locality tasks is doing, please check']],
  },
  {
    name: 'rebalance-task',
    description: 'a replica migration is running',
    faults: [
      "INSERT INTO CDB_OB_LS_REPLICA_TASKS (TENANT_ID, LS_ID, TASK_TYPE, TASK_ID, TASK_STATUS, PRIORITY) VALUES (1002, 1001, 'MIGRATE REPLICA', 'YB420A0A000B-0006', 'INPROGRESS', 'LOW')",
    ],
    failures: [['rebalance-task', '1 rebalance tasks is doing, please check']],
  },
  {
    name: 'tenant-merging',
    description: 'a tenant is in a major compaction',
    faults: [
      "UPDATE CDB_OB_MAJOR_COMPACTION SET STATUS = 'COMPACTING', GLOBAL_BROADCAST_SCN = GLOBAL_BROADCAST_SCN + 1000 WHERE TENANT_ID = 1002",
    ],
    failures: [['cluster-status', '1 tenant is merging, please check']],
  },
  {
    name: 'tablet-merging',
    description: 'three tablets have not finished their merge',
    faults: [
      "UPDATE __all_virtual_tablet_compaction_info SET max_received_scn = max_received_scn + 1000 WHERE tablet_id IN (200001, 200002, 200003) AND svr_ip = '10.10.0.12'",
    ],
    failures: [['cluster-status', '3 tablet is merging, please check']],
  },
  {
    name: 'abnormal-tenant',
    description: 'a tenant is still being created',
    faults: ["UPDATE __all_tenant SET status = 'CREATING' WHERE tenant_id = 1004"],
    failures: [['tenant-status', 'has abnormal tenant, should stop']],
  },
  {
    name: 'restore-role',
    description: 'a tenant is in the RESTORE role',
    faults: ["UPDATE __all_virtual_tenant_info SET tenant_role = 'RESTORE' WHERE tenant_id = 1004"],
    failures: [['tenant-status', 'has abnormal tenant info, should stop']],
  },
  {
    name: 'locked-tenant',
    description: 'a tenant is locked',
    faults: ['UPDATE __all_tenant SET locked = 1 WHERE tenant_id = 1002'],
    failures: [['tenant-status', 'has locked tenant, should unlock']],
  },
  {
    name: 'deleted-tenant-units',
    description: 'a dropped tenant still holds a unit',
    faults: [
      "INSERT INTO __all_tenant_history (tenant_id, schema_version, is_deleted, tenant_name) VALUES (1006, 1718000000000008, 1, 'old_biz')",
      "INSERT INTO GV$OB_UNITS (SVR_IP, SVR_PORT, UNIT_ID, TENANT_ID, ZONE) VALUES ('10.10.0.11', 2882, 10061, 1006, 'zone1')",
    ],
    failures: [['tenant-status', 'has deleted tenant with unit not freed']],
  },
  {
    name: 'restore-job',
    description: 'a restore is running',
    faults: [
      "INSERT INTO CDB_OB_RESTORE_PROGRESS (TENANT_ID, JOB_ID, RESTORE_TENANT_NAME, RESTORE_TENANT_ID, BACKUP_TENANT_NAME, STATUS) VALUES (1, 1, 'biz_restored', 1008, 'biz', 'RESTORE_WAIT_LS')",
    ],
    failures: [['restore-job', 'still has restore job, upgrade is not allowed temporarily']],
  },
  {
    name: 'ddl-task',
    description: 'an index build is running',
    faults: [
      "INSERT INTO __all_virtual_ddl_task_status (tenant_id, task_id, ddl_stmt_str) VALUES (1002, 7001, 'alter table orders add index i_c(c)')",
    ],
    failures: [['ddl-task', 'There are DDL task in progress']],
  },
  {
    name: 'backup-job',
    description: 'a backup is running',
    faults: ["INSERT INTO CDB_OB_BACKUP_JOBS (TENANT_ID, JOB_ID, STATUS) VALUES (1002, 3, 'DOING')"],
    failures: [['backup-job', 'still has backup job, upgrade is not allowed temporarily']],
  },
  {
    name: 'observer-inactive',
    description: 'an observer is down',
    faults: ["UPDATE __all_server SET status = 'INACTIVE', stop_time = 1718000100000000 WHERE svr_ip = '10.10.0.13'"],
    failures: [['observer-status', '1 observer not available , please check']],
  },
  {
    name: 'schema-not-refreshed',
    description: 'a server has a non-formal schema version of a tenant',
    faults: [
      "UPDATE __all_virtual_server_schema_info SET refreshed_schema_version = 1718000000000001 WHERE svr_ip = '10.10.0.12' AND tenant_id = 1002",
    ],
    failures: [['schema-status', '0 schema not available, please check']],
  },
  {
    name: 'build-version-mismatch',
    description: 'one observer runs another build',
    faults: [
      "UPDATE __all_server SET build_version = '4.3.5.4_100000012025040114-0f1e2d3c(Apr 1 2025 14:00:00)' WHERE svr_ip = '10.10.0.13'",
    ],
    failures: [['server-version', 'servers build_version not match']],
  },
  {
    name: 'reserved-tenant-name',
    description: 'a tenant is named ALL_USER',
    faults: ["UPDATE __all_tenant SET tenant_name = 'ALL_USER' WHERE tenant_id = 1002"],
    failures: [
      [
        'not-supported-tenant-name',
        'a tenant named all/all_user/all_meta (case insensitive) cannot exist in the cluster, please rename the tenant',
      ],
    ],
  },
  {
    name: 'clone-job',
    description: 'a tenant clone is running',
    faults: [
      "INSERT INTO __all_virtual_clone_job (tenant_id, job_id, source_tenant_id, source_tenant_name, clone_tenant_name, status) VALUES (1, 1, 1002, 'biz', 'biz_clone', 'CLONE_SYS_CREATE_INNER_RESOURCE_POOL')",
    ],
    failures: [['tenant-clone-job', 'still has tenant clone job, upgrade is not allowed temporarily']],
  },
  {
    name: 'snapshot-task',
    description: 'a tenant snapshot is being created',
    faults: ["UPDATE __all_virtual_tenant_snapshot SET status = 'CREATING'"],
    failures: [['tenant-snapshot-task', 'still has tenant snapshot task, upgrade is not allowed temporarily']],
  },
  {
    name: 'log-transport-zlib',
    description: 'a tenant compresses log transport with zlib',
    faults: [
      "UPDATE __opsgate_parameter SET value = 'zlib_1.0' WHERE name = 'log_transport_compress_func' AND tenant_id = 1002",
    ],
    failures: [
      [
        'log-transport-compress-func',
        'The zlib compression algorithm is no longer supported with log_transport_compress_func, please replace it with other compression algorithms',
      ],
    ],
  },
  {
    name: 'table-zlib',
    description: 'a table is compressed with zlib',
    faults: [
      "INSERT INTO __all_virtual_table (tenant_id, table_id, table_name, compress_func_name, row_store_type) VALUES (1002, 500003, 'archive_2019', 'zlib_1.0', 'encoding_row_store')",
    ],
    failures: [
      [
        'table-compress-func',
        'There are tables use zlib compression, please replace it with other compression algorithms or do not use compression during the upgrade',
      ],
    ],
  },
  {
    name: 'tableapi-zlib',
    description: 'OBKV connections use zlib',
    faults: ["UPDATE __opsgate_parameter SET value = 'zlib_1.0' WHERE name = 'tableapi_transport_compress_func'"],
    failures: [
      [
        'table-api-transport-compress-func',
        'Table api connection is not allowed to use zlib as compression algorithm during the upgrade, please use other compression algorithms by setting table_api_transport_compress_func',
      ],
    ],
  },
  {
    name: 'binlog-minimal',
    description: 'a 4.2.5.1 tenant has binlog_row_image MINIMAL',
    shape: v('4.2.5.1'),
    faults: ["UPDATE CDB_OB_SYS_VARIABLES SET VALUE = '0' WHERE TENANT_ID = 1002 AND NAME = 'binlog_row_image'"],
    failures: [['variable-binlog-row-image', 'Sys Variable binlog_row_image is set to MINIMAL, please check']],
  },
  {
    name: 'standby-user-missing',
    description: 'the Oracle tenant lacks STANDBY_REPLICATION at 4.3.5.5',
    shape: { standbyReplicationUser: 'absent' },
    failures: [['oracle-standby-replication', '1004 tenant standby_replication not exist, please check']],
  },
  {
    name: 'mds-disk-short',
    description: 'a 4.3.1.0 observer lacks the disk for the MDS conversion',
    shape: v('4.3.1.0'),
    faults: ["UPDATE __all_virtual_disk_stat SET free_size = 65536 WHERE svr_ip = '10.10.0.12'"],
    failures: [
      [
        'disk-space-for-mds-sstable-compat',
        'svr_ip: 10.10.0.12, svr_port: 2882, disk_free_size 65536 is not enough for mds sstable, needed_size is 81920, cannot upgrade',
      ],
    ],
  },
  {
    name: 'cs-encoding-without-avx2',
    description: 'a 4.3.2.0 cluster without AVX2 holds a cs_encoding table',
    shape: v('4.3.2.0'),
    options: { cpuArch: 'avx2_not_support' },
    faults: [
      "UPDATE __all_virtual_table SET row_store_type = 'cs_encoding_row_store' WHERE table_id = 500002 AND tenant_id = 1002",
    ],
    failures: [
      [
        'cs-encoding-arch-dependency',
        'exist table with row_format cs_encoding_row_store for observer not support avx2 instruction set, table count = 1',
      ],
    ],
  },
  {
    name: 'direct-load',
    description: 'a direct load is running',
    faults: [
      "INSERT INTO __all_virtual_load_data_stat (tenant_id, svr_ip, svr_port, job_id, job_type, table_name) VALUES (1002, '10.10.0.11', 2882, 1, 'direct', 'orders')",
    ],
    failures: [['direct-load-job', 'There are direct load task in progress']],
  },
];

/** Several problems at once: every one is reported, in do_check order. */
export const SEVERAL: ObScenario = {
  name: 'several',
  description: 'paxos out of sync, a DDL running, a down observer, a reserved tenant name and zlib for OBKV',
  faults: [
    ...SINGLE_FAILURES.filter((s) =>
      ['paxos-unsync', 'ddl-task', 'observer-inactive', 'reserved-tenant-name', 'tableapi-zlib'].includes(s.name),
    ).flatMap((s) => s.faults ?? []),
  ],
  failures: [
    ['paxos-replica', '2 replicas unsync, please check'],
    ['ddl-task', 'There are DDL task in progress'],
    ['observer-status', '1 observer not available , please check'],
    [
      'not-supported-tenant-name',
      'a tenant named all/all_user/all_meta (case insensitive) cannot exist in the cluster, please rename the tenant',
    ],
    [
      'table-api-transport-compress-func',
      'Table api connection is not allowed to use zlib as compression algorithm during the upgrade, please use other compression algorithms by setting table_api_transport_compress_func',
    ],
  ],
};

/** One server reports another cluster version: every check that reads it says so, as the script does. */
export const VERSION_NOT_SYNC: ObScenario = {
  name: 'min-observer-version-not-sync',
  description: 'one server still has min_observer_version 4.3.5.4',
  faults: [
    "UPDATE __opsgate_parameter SET value = '4.3.5.4' WHERE name = 'min_observer_version' AND svr_ip = '10.10.0.13'",
  ],
  failures: [
    'observer-version',
    'data-version',
    'tenant-primary-zone',
    'archive-job',
    'archive-dest',
    'backup-dest',
    'tenant-clone-job',
    'tenant-snapshot-task',
    'variable-binlog-row-image',
    'oracle-standby-replication',
    'disk-space-for-mds-sstable-compat',
    'cs-encoding-arch-dependency',
  ].map((id) => [id, NOT_SYNC] as const),
};
