import type { ObScenario } from './scenarios.ts';

const v = (version: string) => ({ clusterVersion: version, dataVersion: version });
const OLD = (actual: string) =>
  [
    'observer-version',
    `old observer version is expected equal or higher than: 4.2.5.1, actual version:${actual}`,
  ] as const;

const BEFORE_4_1_FAULTS = [
  "UPDATE __all_tenant SET primary_zone = 'RANDOM' WHERE tenant_id = 1002",
  "UPDATE CDB_OB_ARCHIVELOG SET STATUS = 'DOING'",
  "INSERT INTO CDB_OB_ARCHIVE_DEST (TENANT_ID, DEST_NO, NAME, VALUE) VALUES (1002, 1, 'path', 'file:///backup/archive')",
  "UPDATE CDB_OB_BACKUP_PARAMETER SET VALUE = 'file:///backup/data' WHERE NAME = 'data_backup_dest'",
];
const FROM_4_3_FAULTS = [
  "INSERT INTO __all_virtual_clone_job (tenant_id, job_id, source_tenant_id, source_tenant_name, clone_tenant_name, status) VALUES (1, 1, 1002, 'biz', 'biz_clone', 'CLONE_SYS_CREATE_INNER_RESOURCE_POOL')",
  "UPDATE __all_virtual_tenant_snapshot SET status = 'CREATING'",
  "UPDATE CDB_OB_SYS_VARIABLES SET VALUE = '0' WHERE TENANT_ID = 1002 AND NAME = 'binlog_row_image'",
];
const DISK_FAULT = ["UPDATE __all_virtual_disk_stat SET free_size = 65536 WHERE svr_ip = '10.10.0.12'"];
const CS_FAULT = [
  "UPDATE __all_virtual_table SET row_store_type = 'cs_encoding_row_store' WHERE table_id = 500002 AND tenant_id = 1002",
];
const BEGIN_FAULT = [
  "UPDATE __all_virtual_core_table SET column_value = '0' WHERE tenant_id = 1004 AND column_name = 'upgrade_begin_data_version'",
];
const CS_MESSAGE =
  'exist table with row_format cs_encoding_row_store for observer not support avx2 instruction set, table count = 1';

/** Pairs of scenarios on both sides of every version gate of the checker: the same faults, one version apart. */
export const GATE_SCENARIOS: readonly ObScenario[] = [
  {
    name: 'gate-4.1.0.0-below',
    description:
      '4.0.0.0 with a RANDOM primary zone, archiving, an archive and a backup destination: the pre-4.1 checks run',
    shape: v('4.0.0.0'),
    faults: BEFORE_4_1_FAULTS,
    failures: [
      OLD('4.0.0.0'),
      [
        'data-version',
        'last barrier cluster version is 4.1.0.0. prohibit cluster upgrade from cluster version less than 4.1.0.0',
      ],
      ['tenant-primary-zone', 'biz tenant primary zone random before update not allowed'],
      ['archive-job', 'still has archive job, upgrade is not allowed temporarily'],
      ['archive-dest', 'still has archive destination, upgrade is not allowed temporarily'],
      ['backup-dest', 'still has backup destination, upgrade is not allowed temporarily'],
    ],
    skipped: ['tenant-clone-job', 'tenant-snapshot-task'],
  },
  {
    name: 'gate-4.1.0.0-at',
    description: 'the same faults at 4.1.0.0: the pre-4.1 checks are skipped',
    shape: v('4.1.0.0'),
    faults: BEFORE_4_1_FAULTS,
    failures: [OLD('4.1.0.0')],
    skipped: [
      'tenant-primary-zone',
      'archive-job',
      'archive-dest',
      'backup-dest',
      'tenant-clone-job',
      'tenant-snapshot-task',
    ],
  },
  {
    name: 'gate-old-version-below',
    description: '4.2.5.0 is older than the oldest version 4.3.5.5 upgrades from',
    shape: v('4.2.5.0'),
    failures: [OLD('4.2.5.0')],
  },
  {
    name: 'gate-old-version-at',
    description: '4.2.5.1 is exactly the oldest version 4.3.5.5 upgrades from',
    shape: v('4.2.5.1'),
    failures: [],
  },
  {
    name: 'gate-4.3.0.0-below',
    description: '4.2.5.1 with a clone job, a snapshot task and binlog MINIMAL: only the binlog check applies',
    shape: v('4.2.5.1'),
    faults: FROM_4_3_FAULTS,
    failures: [['variable-binlog-row-image', 'Sys Variable binlog_row_image is set to MINIMAL, please check']],
    skipped: ['tenant-clone-job', 'tenant-snapshot-task'],
  },
  {
    name: 'gate-4.3.0.0-at',
    description: 'the same faults at 4.3.0.0: clone and snapshot checks apply, binlog does not',
    shape: v('4.3.0.0'),
    faults: FROM_4_3_FAULTS,
    failures: [
      ['tenant-clone-job', 'still has tenant clone job, upgrade is not allowed temporarily'],
      ['tenant-snapshot-task', 'still has tenant snapshot task, upgrade is not allowed temporarily'],
    ],
    skipped: ['variable-binlog-row-image'],
  },
  {
    name: 'gate-4.3.2.0-below',
    description: '4.3.1.0 with too little disk: the MDS disk check applies',
    shape: v('4.3.1.0'),
    faults: DISK_FAULT,
    failures: [
      [
        'disk-space-for-mds-sstable-compat',
        'svr_ip: 10.10.0.12, svr_port: 2882, disk_free_size 65536 is not enough for mds sstable, needed_size is 81920, cannot upgrade',
      ],
    ],
  },
  {
    name: 'gate-4.3.2.0-at',
    description: 'the same disk at 4.3.2.0: the MDS disk check is skipped',
    shape: v('4.3.2.0'),
    faults: DISK_FAULT,
    failures: [],
    skipped: ['disk-space-for-mds-sstable-compat'],
  },
  {
    name: 'gate-4.3.3.0-below',
    description: '4.3.2.0 without AVX2 and a cs_encoding table: the cs_encoding check applies',
    shape: v('4.3.2.0'),
    options: { cpuArch: 'avx2_not_support' },
    faults: CS_FAULT,
    failures: [['cs-encoding-arch-dependency', CS_MESSAGE]],
  },
  {
    name: 'gate-4.3.3.0-at',
    description: 'the same at 4.3.3.0: the cs_encoding check is skipped',
    shape: v('4.3.3.0'),
    options: { cpuArch: 'avx2_not_support' },
    faults: CS_FAULT,
    failures: [],
    skipped: ['cs-encoding-arch-dependency'],
  },
  {
    name: 'gate-4.3.5.1-data-below',
    description: 'data version 4.3.5.0: upgrade_begin_data_version is not read',
    shape: v('4.3.5.0'),
    faults: BEGIN_FAULT,
    failures: [],
  },
  {
    name: 'gate-4.3.5.1-data-at',
    description: 'data version 4.3.5.1: upgrade_begin_data_version must match on every tenant',
    shape: v('4.3.5.1'),
    faults: BEGIN_FAULT,
    failures: [['data-version', 'upgrade_begin_data_version not match with 4.3.5.1, tenant_cnt:5, result_cnt:4']],
  },
  {
    name: 'gate-standby-4.2.2.0-below',
    description: '4.2.1.0 with STANDBY_REPLICATION present: it must not exist yet',
    shape: { ...v('4.2.1.0'), standbyReplicationUser: 'present' },
    failures: [
      OLD('4.2.1.0'),
      ['oracle-standby-replication', '1004 tenant standby_replication already exists, please check'],
    ],
  },
  {
    name: 'gate-standby-4.2.2.0-at',
    description: '4.2.2.0 without STANDBY_REPLICATION: it must exist from here',
    shape: { ...v('4.2.2.0'), standbyReplicationUser: 'absent' },
    failures: [
      OLD('4.2.2.0'),
      ['oracle-standby-replication', '1004 tenant standby_replication not exist, please check'],
    ],
  },
  {
    name: 'gate-standby-4.3.1.0-below',
    description: '4.3.0.0 with STANDBY_REPLICATION present: not allowed in [4.3.0.0, 4.3.1.0)',
    shape: { ...v('4.3.0.0'), standbyReplicationUser: 'present' },
    failures: [['oracle-standby-replication', '1004 tenant standby_replication already exists, please check']],
  },
  {
    name: 'gate-standby-4.3.1.0-at',
    description: '4.3.1.0 with STANDBY_REPLICATION present: required again',
    shape: { ...v('4.3.1.0'), standbyReplicationUser: 'present' },
    failures: [],
  },
  {
    name: 'two-digit-minor-version',
    description: '4.10.0.0: newer than 4.2.5.1 as numbers, older as the script compares strings',
    shape: v('4.10.0.0'),
    failures: [],
    warned: ['observer-version'],
  },
];
