/**
 * The MariaDB stand-in for OceanBase's sys tenant: tables and views named and shaped like OceanBase's (the
 * columns the checks, health checks and waits read, plus the neighbours the research lists), so that the real
 * check SQL runs unchanged. Objects that OceanBase derives from one source are views over one base table here
 * too (every parameter view over `__opsgate_parameter`, DBA_OB_ZONES over __all_zone, DBA_OB_SERVERS over
 * __all_server …), so a change made one way is seen by every reader. Everything else is a plain table.
 */

import { FIXTURE_VIEWS } from './fixture-views.ts';

const T6 = 'datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)';

/** Base tables: name and column definitions. */
export const FIXTURE_TABLES: readonly (readonly [string, string])[] = [
  ['__opsgate_fixture', 'marker varchar(64) NOT NULL, scenario varchar(128) NOT NULL, loaded_at datetime(6) NOT NULL'],
  [
    '__opsgate_parameter',
    `svr_ip varchar(46) NOT NULL, svr_port bigint NOT NULL, zone varchar(128) NOT NULL, scope varchar(64) NOT NULL,
     tenant_id bigint NULL, name varchar(128) NOT NULL, data_type varchar(128) NOT NULL DEFAULT 'STRING', value varchar(4096) NOT NULL,
     info varchar(1024) NOT NULL DEFAULT '', section varchar(128) NOT NULL DEFAULT 'OBSERVER', edit_level varchar(128) NOT NULL DEFAULT 'DYNAMIC_EFFECTIVE',
     default_value varchar(1024) NOT NULL DEFAULT '', isdefault varchar(3) NOT NULL DEFAULT 'NO'`,
  ],
  [
    '__all_server',
    `svr_ip varchar(46) NOT NULL, svr_port bigint NOT NULL, id bigint NOT NULL, zone varchar(128) NOT NULL, inner_port bigint NOT NULL,
     with_rootserver bigint NOT NULL DEFAULT 0, status varchar(64) NOT NULL, block_migrate_in_time bigint NOT NULL DEFAULT 0,
     build_version varchar(256) NOT NULL, stop_time bigint NOT NULL DEFAULT 0, start_service_time bigint NOT NULL DEFAULT 0,
     first_sessid bigint NOT NULL DEFAULT 0, with_partition bigint NOT NULL DEFAULT 1, last_offline_time bigint NOT NULL DEFAULT 0,
     gmt_create ${T6}, gmt_modified ${T6}, PRIMARY KEY (svr_ip, svr_port)`,
  ],
  [
    '__all_zone',
    `zone varchar(128) NOT NULL, name varchar(128) NOT NULL, value bigint NOT NULL DEFAULT 0, info varchar(4096) NOT NULL, gmt_create ${T6}, gmt_modified ${T6}, PRIMARY KEY (zone, name)`,
  ],
  [
    '__all_tenant',
    `tenant_id bigint NOT NULL PRIMARY KEY, tenant_name varchar(128) NOT NULL, zone_list varchar(2048) NOT NULL, primary_zone varchar(128) NULL,
     locked bigint NOT NULL DEFAULT 0, compatibility_mode bigint NOT NULL DEFAULT 0, status varchar(64) NOT NULL DEFAULT 'NORMAL',
     locality varchar(2048) NOT NULL DEFAULT '', previous_locality varchar(2048) NOT NULL DEFAULT '', in_recyclebin bigint NOT NULL DEFAULT 0,
     arbitration_service_status varchar(64) NOT NULL DEFAULT 'DISABLED', gmt_create ${T6}, gmt_modified ${T6}`,
  ],
  [
    '__all_tenant_history',
    `tenant_id bigint NOT NULL, schema_version bigint NOT NULL, is_deleted bigint NOT NULL DEFAULT 0, tenant_name varchar(128) NULL,
     zone_list varchar(2048) NULL, primary_zone varchar(128) NULL, locked bigint NULL, compatibility_mode bigint NULL, status varchar(64) NULL,
     gmt_create ${T6}, gmt_modified ${T6}, PRIMARY KEY (tenant_id, schema_version)`,
  ],
  [
    '__all_virtual_tenant_info',
    `tenant_id bigint NOT NULL PRIMARY KEY, tenant_role varchar(100) NOT NULL, switchover_status varchar(100) NOT NULL DEFAULT 'NORMAL',
     switchover_epoch bigint NOT NULL DEFAULT 0, sync_scn bigint unsigned NOT NULL DEFAULT 0, replayable_scn bigint unsigned NOT NULL DEFAULT 0,
     readable_scn bigint unsigned NOT NULL DEFAULT 0, recovery_until_scn bigint unsigned NOT NULL DEFAULT 0,
     log_mode varchar(100) NOT NULL DEFAULT 'NOARCHIVELOG', max_ls_id bigint NOT NULL DEFAULT 1001, restore_data_mode varchar(128) NOT NULL DEFAULT 'NORMAL'`,
  ],
  [
    '__all_virtual_user',
    "tenant_id bigint NOT NULL, user_id bigint NOT NULL, user_name varchar(128) NOT NULL, host varchar(128) NOT NULL DEFAULT '%'",
  ],
  [
    'CDB_OB_SYS_VARIABLES',
    `CREATE_TIME ${T6}, MODIFY_TIME ${T6}, TENANT_ID bigint NOT NULL, NAME varchar(128) NOT NULL, VALUE text NULL,
     MIN_VALUE text NULL, MAX_VALUE text NULL, SCOPE varchar(16) NOT NULL DEFAULT 'GLOBAL', INFO varchar(4096) NOT NULL DEFAULT '',
     DEFAULT_VALUE text NULL, ISDEFAULT varchar(3) NOT NULL DEFAULT 'YES'`,
  ],
  [
    // A table, not a view over __all_resource_pool: only the zones each tenant's pools span are read.
    'DBA_OB_RESOURCE_POOLS',
    `RESOURCE_POOL_ID bigint NOT NULL PRIMARY KEY, NAME varchar(128) NOT NULL, TENANT_ID bigint NULL, CREATE_TIME ${T6},
     MODIFY_TIME ${T6}, UNIT_COUNT bigint NOT NULL DEFAULT 1, UNIT_CONFIG_ID bigint NOT NULL DEFAULT 1, ZONE_LIST varchar(8192) NOT NULL,
     REPLICA_TYPE varchar(32) NOT NULL DEFAULT 'FULL'`,
  ],
  [
    'GV$OB_UNITS',
    `SVR_IP varchar(46) NOT NULL, SVR_PORT bigint NOT NULL, UNIT_ID bigint NOT NULL, TENANT_ID bigint NOT NULL, ZONE varchar(128) NOT NULL,
     ZONE_TYPE varchar(64) NOT NULL DEFAULT 'ReadWrite', REGION varchar(128) NOT NULL DEFAULT 'default_region', MAX_CPU double NOT NULL DEFAULT 2,
     MIN_CPU double NOT NULL DEFAULT 2, MEMORY_SIZE bigint NOT NULL DEFAULT 4294967296, LOG_DISK_SIZE bigint NOT NULL DEFAULT 12884901888,
     STATUS varchar(64) NOT NULL DEFAULT 'NORMAL'`,
  ],
  [
    '__all_virtual_core_table',
    `tenant_id bigint NOT NULL, table_name varchar(128) NOT NULL, row_id bigint NOT NULL, column_name varchar(128) NOT NULL, column_value text NULL,
     gmt_create ${T6}, gmt_modified ${T6}`,
  ],
  [
    'GV$OB_LOG_STAT',
    `TENANT_ID bigint NOT NULL, LS_ID bigint NOT NULL, SVR_IP varchar(46) NOT NULL, SVR_PORT bigint NOT NULL, ROLE varchar(32) NOT NULL,
     PROPOSAL_ID bigint NOT NULL DEFAULT 1, CONFIG_VERSION varchar(128) NOT NULL DEFAULT '{proposal_id:1, config_seq:1}', ACCESS_MODE varchar(32) NOT NULL DEFAULT 'APPEND',
     PAXOS_MEMBER_LIST varchar(1024) NOT NULL DEFAULT '', PAXOS_REPLICA_NUM bigint NOT NULL DEFAULT 3, IN_SYNC varchar(3) NOT NULL,
     BASE_LSN bigint unsigned NOT NULL DEFAULT 0, BEGIN_LSN bigint unsigned NOT NULL DEFAULT 0, BEGIN_SCN bigint unsigned NOT NULL DEFAULT 0,
     END_LSN bigint unsigned NOT NULL DEFAULT 0, END_SCN bigint unsigned NOT NULL DEFAULT 0, MAX_LSN bigint unsigned NOT NULL DEFAULT 0,
     MAX_SCN bigint unsigned NOT NULL DEFAULT 0, ARBITRATION_MEMBER varchar(128) NOT NULL DEFAULT '', DEGRADED_LIST varchar(1024) NOT NULL DEFAULT '',
     LEARNER_LIST varchar(1024) NOT NULL DEFAULT ''`,
  ],
  [
    'CDB_OB_LS_REPLICA_TASKS',
    `TENANT_ID bigint NOT NULL, LS_ID bigint NOT NULL, TASK_TYPE varchar(64) NOT NULL, TASK_ID varchar(200) NOT NULL, TASK_STATUS varchar(2048) NOT NULL,
     PRIORITY varchar(5) NOT NULL, TARGET_REPLICA_SVR_IP varchar(46) NULL, TARGET_REPLICA_SVR_PORT bigint NULL, SOURCE_REPLICA_SVR_IP varchar(46) NULL,
     SOURCE_REPLICA_SVR_PORT bigint NULL, CREATE_TIME ${T6}, START_TIME ${T6}, MODIFY_TIME ${T6}, COMMENT varchar(2048) NOT NULL DEFAULT ''`,
  ],
  [
    '__all_rootservice_job',
    `job_id bigint NOT NULL PRIMARY KEY, job_type varchar(128) NOT NULL, job_status varchar(128) NOT NULL, result_code bigint NULL,
     progress bigint NOT NULL DEFAULT 0, tenant_id bigint NULL, rs_svr_ip varchar(46) NOT NULL DEFAULT '', rs_svr_port bigint NOT NULL DEFAULT 0,
     sql_text longtext NULL, extra_info varchar(512) NULL, gmt_create ${T6}, gmt_modified ${T6}`,
  ],
  [
    '__all_table',
    'tenant_id bigint NOT NULL, table_id bigint NOT NULL, table_name varchar(256) NOT NULL, PRIMARY KEY (tenant_id, table_id)',
  ],
  [
    '__all_virtual_core_meta_table',
    `tenant_id bigint NOT NULL, ls_id bigint NOT NULL, svr_ip varchar(46) NOT NULL, svr_port bigint NOT NULL, sql_port bigint NOT NULL DEFAULT 2881,
     role bigint NOT NULL, member_list varchar(1024) NOT NULL DEFAULT '', replica_type bigint NOT NULL DEFAULT 0, zone varchar(128) NOT NULL`,
  ],
  [
    '__all_rootservice_event_history',
    `gmt_create ${T6}, module varchar(64) NOT NULL, event varchar(64) NOT NULL, name1 varchar(256) NULL, value1 varchar(4096) NULL,
     name2 varchar(256) NULL, value2 varchar(4096) NULL, extra_info varchar(4096) NULL, rs_svr_ip varchar(46) NOT NULL DEFAULT '', rs_svr_port bigint NOT NULL DEFAULT 0`,
  ],
  ['__all_virtual_upgrade_inspection', 'name varchar(128) NOT NULL PRIMARY KEY, info varchar(1024) NOT NULL'],
  [
    '__all_virtual_ddl_task_status',
    `tenant_id bigint NOT NULL, task_id bigint NOT NULL, object_id bigint NOT NULL DEFAULT 0, target_object_id bigint NOT NULL DEFAULT 0,
     ddl_type bigint NOT NULL DEFAULT 0, schema_version bigint NOT NULL DEFAULT 0, parent_task_id bigint NOT NULL DEFAULT 0, trace_id varchar(64) NOT NULL DEFAULT '',
     status bigint NOT NULL DEFAULT 0, snapshot_version bigint unsigned NOT NULL DEFAULT 0, ddl_stmt_str longtext NULL, ret_code bigint NOT NULL DEFAULT 0,
     message longtext NULL`,
  ],
  [
    'CDB_OB_MAJOR_COMPACTION',
    `TENANT_ID bigint NOT NULL, FROZEN_SCN bigint unsigned NOT NULL, FROZEN_TIME ${T6}, GLOBAL_BROADCAST_SCN bigint unsigned NOT NULL,
     LAST_SCN bigint unsigned NOT NULL, LAST_FINISH_TIME ${T6}, START_TIME ${T6}, STATUS varchar(10) NOT NULL, IS_ERROR varchar(3) NOT NULL DEFAULT 'NO',
     IS_SUSPENDED varchar(3) NOT NULL DEFAULT 'NO', INFO varchar(4096) NOT NULL DEFAULT ''`,
  ],
  [
    '__all_virtual_tablet_compaction_info',
    `svr_ip varchar(46) NOT NULL, svr_port bigint NOT NULL, tenant_id bigint NOT NULL, ls_id bigint NOT NULL, tablet_id bigint NOT NULL,
     finished_scn bigint NOT NULL, wait_check_scn bigint NOT NULL DEFAULT 0, max_received_scn bigint NOT NULL, serialize_scn_list varchar(128) NOT NULL DEFAULT '',
     validated_scn bigint NOT NULL DEFAULT 0`,
  ],
  [
    '__all_virtual_server_schema_info',
    `svr_ip varchar(46) NOT NULL, svr_port bigint NOT NULL, tenant_id bigint NOT NULL, refreshed_schema_version bigint NOT NULL,
     received_schema_version bigint NOT NULL, schema_count bigint NOT NULL DEFAULT 1000, schema_size bigint NOT NULL DEFAULT 1048576,
     min_sstable_schema_version bigint NOT NULL DEFAULT 1`,
  ],
  [
    'CDB_OB_BACKUP_JOBS',
    `TENANT_ID bigint NOT NULL, JOB_ID bigint NOT NULL, INCARNATION bigint NOT NULL DEFAULT 1, BACKUP_SET_ID bigint NOT NULL DEFAULT 1,
     INITIATOR_TENANT_ID bigint NOT NULL DEFAULT 1, INITIATOR_JOB_ID bigint NOT NULL DEFAULT 0, EXECUTOR_TENANT_ID varchar(64) NOT NULL DEFAULT '',
     PLUS_ARCHIVELOG varchar(3) NOT NULL DEFAULT 'OFF', BACKUP_TYPE varchar(5) NOT NULL DEFAULT 'FULL', JOB_LEVEL varchar(64) NOT NULL DEFAULT 'USER_TENANT',
     ENCRYPTION_MODE varchar(64) NOT NULL DEFAULT 'NONE', PASSWD varchar(128) NOT NULL DEFAULT '', START_TIMESTAMP ${T6}, END_TIMESTAMP datetime(6) NULL,
     STATUS varchar(64) NOT NULL, RESULT bigint NOT NULL DEFAULT 0, COMMENT varchar(4096) NOT NULL DEFAULT '', DESCRIPTION varchar(4096) NOT NULL DEFAULT '',
     PATH varchar(1024) NOT NULL DEFAULT ''`,
  ],
  [
    'CDB_OB_ARCHIVELOG',
    `TENANT_ID bigint NOT NULL, DEST_ID bigint NOT NULL, ROUND_ID bigint NOT NULL, INCARNATION bigint NOT NULL DEFAULT 1, DEST_NO bigint NOT NULL DEFAULT 1,
     STATUS varchar(64) NOT NULL, START_SCN bigint unsigned NOT NULL DEFAULT 0, CHECKPOINT_SCN bigint unsigned NOT NULL DEFAULT 0,
     COMPATIBLE bigint NOT NULL DEFAULT 1, BASE_PIECE_ID bigint NOT NULL DEFAULT 1, USED_PIECE_ID bigint NOT NULL DEFAULT 1,
     PIECE_SWITCH_INTERVAL bigint NOT NULL DEFAULT 86400000000, PATH varchar(1024) NOT NULL DEFAULT ''`,
  ],
  [
    'CDB_OB_ARCHIVE_DEST',
    'TENANT_ID bigint NOT NULL, DEST_NO bigint NOT NULL, NAME varchar(128) NOT NULL, VALUE varchar(4096) NOT NULL',
  ],
  ['CDB_OB_BACKUP_PARAMETER', 'TENANT_ID bigint NOT NULL, NAME varchar(128) NOT NULL, VALUE longtext NULL'],
  [
    'CDB_OB_RESTORE_PROGRESS',
    `TENANT_ID bigint NOT NULL, JOB_ID bigint NOT NULL, RESTORE_TENANT_NAME varchar(128) NOT NULL, RESTORE_TENANT_ID bigint NOT NULL,
     BACKUP_TENANT_NAME varchar(128) NOT NULL, STATUS varchar(64) NOT NULL, START_TIMESTAMP ${T6}`,
  ],
  [
    '__all_virtual_clone_job',
    `tenant_id bigint NOT NULL, job_id bigint NOT NULL, trace_id varchar(64) NOT NULL DEFAULT '', source_tenant_id bigint NOT NULL,
     source_tenant_name varchar(128) NOT NULL, clone_tenant_id bigint NOT NULL DEFAULT 0, clone_tenant_name varchar(128) NOT NULL,
     status varchar(64) NOT NULL, job_type varchar(64) NOT NULL DEFAULT 'RESTORE', clone_start_time ${T6}`,
  ],
  [
    '__all_virtual_tenant_snapshot',
    `tenant_id bigint NOT NULL, snapshot_id bigint NOT NULL, snapshot_name varchar(128) NOT NULL, status varchar(32) NOT NULL,
     snapshot_scn bigint unsigned NOT NULL DEFAULT 0, clog_start_scn bigint unsigned NOT NULL DEFAULT 0, type varchar(16) NOT NULL DEFAULT 'USER',
     create_time bigint NOT NULL DEFAULT 0, data_version bigint unsigned NOT NULL DEFAULT 0, owner_job_id bigint NOT NULL DEFAULT 0`,
  ],
  [
    '__all_virtual_table',
    `tenant_id bigint NOT NULL, table_id bigint NOT NULL, table_name varchar(256) NOT NULL, compress_func_name varchar(128) NOT NULL,
     row_store_type varchar(128) NOT NULL, table_type bigint NOT NULL DEFAULT 3, data_table_id bigint NOT NULL DEFAULT 0`,
  ],
  [
    '__all_virtual_column_group',
    `tenant_id bigint NOT NULL, table_id bigint NOT NULL, column_group_id bigint NOT NULL, column_group_name varchar(389) NOT NULL,
     column_group_type bigint NOT NULL DEFAULT 0, block_size bigint NOT NULL DEFAULT 16384, compressor_type bigint NOT NULL DEFAULT 0, row_store_type bigint NOT NULL`,
  ],
  [
    '__all_virtual_tablet_pointer_status',
    'svr_ip varchar(46) NOT NULL, svr_port bigint NOT NULL, tenant_id bigint NOT NULL, ls_id bigint NOT NULL, tablet_id bigint NOT NULL',
  ],
  [
    '__all_virtual_disk_stat',
    `svr_ip varchar(46) NOT NULL, svr_port bigint NOT NULL, total_size bigint NOT NULL, used_size bigint NOT NULL, free_size bigint NOT NULL,
     is_disk_valid bigint NOT NULL DEFAULT 1, disk_error_begin_ts bigint NOT NULL DEFAULT 0, allocated_size bigint NOT NULL DEFAULT 0`,
  ],
  [
    '__all_virtual_load_data_stat',
    `tenant_id bigint NOT NULL, svr_ip varchar(46) NOT NULL, svr_port bigint NOT NULL, job_id bigint NOT NULL, job_type varchar(64) NOT NULL, table_name varchar(1024) NOT NULL`,
  ],
  [
    '__all_virtual_vector_index_info',
    `svr_ip varchar(46) NOT NULL, svr_port bigint NOT NULL, tenant_id bigint NOT NULL, ls_id bigint NOT NULL, snapshot_index_table_id bigint NOT NULL,
     snapshot_index_tablet_id bigint NOT NULL, data_table_id bigint NOT NULL, sync_info varchar(1024) NOT NULL`,
  ],
  [
    '__all_cluster_event_history',
    `gmt_create ${T6}, module varchar(256) NOT NULL, event varchar(256) NOT NULL, name1 varchar(256) NULL, value1 text NULL,
     name2 varchar(256) NULL, value2 text NULL, name3 varchar(256) NULL, value3 text NULL, name4 varchar(256) NULL,
     value4 text NULL, name5 varchar(256) NULL, value5 text NULL, name6 varchar(256) NULL, value6 text NULL,
     extra_info text NULL`,
  ],
];

/**
 * OceanBase's names are case-insensitive; the scripts spell some both ways (`GV$OB_PARAMETERS` and
 * `gv$ob_parameters`, `gv$ob_units`). On a MariaDB with `lower_case_table_names=0` (the default on Linux) the
 * fixture adds a lower-case alias view for every upper-case name, so no statement needs rewriting for case.
 */
export function aliasViews(): readonly (readonly [string, string])[] {
  return [...FIXTURE_TABLES, ...FIXTURE_VIEWS]
    .map(([name]) => name)
    .filter((name) => name !== name.toLowerCase())
    .map((name) => [name.toLowerCase(), `SELECT * FROM \`${name}\``] as const);
}
