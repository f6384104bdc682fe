/**
 * The fixture's views: OceanBase derives these from inner tables, and so does the fixture, so that a change to a
 * base table (an `alter system set` rewritten to an UPDATE, a zone stopped by a test) is seen by every reader.
 */

const P = '__opsgate_parameter';
const usecTime = (col: string) => `CASE WHEN ${col} = 0 THEN NULL ELSE FROM_UNIXTIME(${col} / 1000000) END`;
const zoneInfo = (name: string) => `(SELECT i.info FROM __all_zone i WHERE i.zone = s.zone AND i.name = '${name}')`;

/** Views over the base tables: name and SELECT. OceanBase's own view SQL where it is plain MySQL. */
export const FIXTURE_VIEWS: readonly (readonly [string, string])[] = [
  [
    'GV$OB_PARAMETERS',
    `SELECT svr_ip AS SVR_IP, svr_port AS SVR_PORT, zone AS ZONE, scope AS SCOPE, tenant_id AS TENANT_ID, name AS NAME, data_type AS DATA_TYPE,
     value AS VALUE, info AS INFO, section AS SECTION, edit_level AS EDIT_LEVEL, default_value AS DEFAULT_VALUE, isdefault AS ISDEFAULT FROM ${P}`,
  ],
  [
    '__all_virtual_sys_parameter_stat',
    `SELECT zone, 'observer' AS svr_type, svr_ip, svr_port, name, data_type, value, value AS value_strict, info, 0 AS need_reboot, section,
     'SYS' AS visible_level, scope, 'DEFAULT' AS source, edit_level, default_value, (isdefault = 'YES') + 0 AS isdefault FROM ${P} WHERE scope = 'CLUSTER'`,
  ],
  [
    '__all_virtual_tenant_parameter_info',
    `SELECT tenant_id, zone, 'observer' AS svr_type, svr_ip, svr_port, name, data_type, value, info, section, scope, 'DEFAULT' AS source, edit_level
     FROM ${P} WHERE scope = 'TENANT'`,
  ],
  [
    'DBA_OB_ZONES',
    `SELECT s.zone AS ZONE, s.gmt_create AS CREATE_TIME, s.gmt_modified AS MODIFY_TIME, s.info AS STATUS, ${zoneInfo('idc')} AS IDC,
     ${zoneInfo('region')} AS REGION, ${zoneInfo('zone_type')} AS TYPE FROM __all_zone s WHERE s.name = 'status' AND s.zone != ''`,
  ],
  [
    'DBA_OB_SERVERS',
    `SELECT svr_ip AS SVR_IP, svr_port AS SVR_PORT, id AS ID, zone AS ZONE, inner_port AS SQL_PORT,
     CASE with_rootserver WHEN 1 THEN 'YES' ELSE 'NO' END AS WITH_ROOTSERVER, status AS STATUS,
     ${usecTime('start_service_time')} AS START_SERVICE_TIME, ${usecTime('stop_time')} AS STOP_TIME,
     ${usecTime('block_migrate_in_time')} AS BLOCK_MIGRATE_IN_TIME, gmt_create AS CREATE_TIME, gmt_modified AS MODIFY_TIME,
     build_version AS BUILD_VERSION, ${usecTime('last_offline_time')} AS LAST_OFFLINE_TIME FROM __all_server`,
  ],
  [
    'DBA_OB_TENANTS',
    `SELECT a.tenant_id AS TENANT_ID, a.tenant_name AS TENANT_NAME,
     CASE WHEN a.tenant_id = 1 THEN 'SYS' WHEN a.tenant_id > 1000 AND a.tenant_id % 2 = 1 THEN 'META' ELSE 'USER' END AS TENANT_TYPE,
     a.gmt_create AS CREATE_TIME, a.gmt_modified AS MODIFY_TIME, a.primary_zone AS PRIMARY_ZONE, a.locality AS LOCALITY,
     a.previous_locality AS PREVIOUS_LOCALITY, CASE a.compatibility_mode WHEN 1 THEN 'ORACLE' ELSE 'MYSQL' END AS COMPATIBILITY_MODE,
     a.status AS STATUS, CASE a.in_recyclebin WHEN 0 THEN 'NO' ELSE 'YES' END AS IN_RECYCLEBIN,
     CASE a.locked WHEN 0 THEN 'NO' ELSE 'YES' END AS LOCKED,
     CASE WHEN a.tenant_id = 1 OR (a.tenant_id > 1000 AND a.tenant_id % 2 = 1) THEN 'PRIMARY' ELSE b.tenant_role END AS TENANT_ROLE,
     CASE WHEN a.tenant_id = 1 OR (a.tenant_id > 1000 AND a.tenant_id % 2 = 1) THEN 'NORMAL' ELSE b.switchover_status END AS SWITCHOVER_STATUS,
     CASE WHEN a.tenant_id = 1 OR (a.tenant_id > 1000 AND a.tenant_id % 2 = 1) THEN 'NOARCHIVELOG' ELSE b.log_mode END AS LOG_MODE,
     b.max_ls_id AS MAX_LS_ID
     FROM __all_tenant a LEFT JOIN __all_virtual_tenant_info b ON a.tenant_id = b.tenant_id`,
  ],
  [
    'DBA_OB_TENANT_JOBS',
    `SELECT job_id AS JOB_ID, job_type AS JOB_TYPE, job_status AS JOB_STATUS, result_code AS RESULT_CODE, progress AS PROGRESS,
     gmt_create AS START_TIME, gmt_modified AS MODIFY_TIME, tenant_id AS TENANT_ID, sql_text AS SQL_TEXT, extra_info AS EXTRA_INFO,
     rs_svr_ip AS RS_SVR_IP, rs_svr_port AS RS_SVR_PORT FROM __all_rootservice_job
     WHERE job_type IN ('ALTER_TENANT_LOCALITY', 'ROLLBACK_ALTER_TENANT_LOCALITY', 'SHRINK_RESOURCE_TENANT_UNIT_NUM', 'ALTER_TENANT_PRIMARY_ZONE',
       'ALTER_RESOURCE_TENANT_UNIT_NUM', 'UPGRADE_SYSTEM_VARIABLE', 'UPGRADE_SYSTEM_TABLE', 'UPGRADE_BEGIN', 'UPGRADE_VIRTUAL_SCHEMA',
       'UPGRADE_SYSTEM_PACKAGE', 'UPGRADE_ALL_POST_ACTION', 'UPGRADE_INSPECTION', 'UPGRADE_END', 'UPGRADE_ALL') AND tenant_id != 0`,
  ],
  [
    'GV$OB_SERVER_SCHEMA_INFO',
    `SELECT svr_ip AS SVR_IP, svr_port AS SVR_PORT, tenant_id AS TENANT_ID, refreshed_schema_version AS REFRESHED_SCHEMA_VERSION,
     received_schema_version AS RECEIVED_SCHEMA_VERSION, schema_count AS SCHEMA_COUNT, schema_size AS SCHEMA_SIZE,
     min_sstable_schema_version AS MIN_SSTABLE_SCHEMA_VERSION FROM __all_virtual_server_schema_info`,
  ],
  [
    // OceanBase 4.x: a view over the cluster's event history (MODULE 'UPGRADE' holds the upgrade's stages).
    'DBA_OB_CLUSTER_EVENT_HISTORY',
    `SELECT gmt_create AS \`TIMESTAMP\`, module AS MODULE, event AS EVENT, name1 AS NAME1, value1 AS VALUE1, name2 AS NAME2, value2 AS VALUE2,
     name3 AS NAME3, value3 AS VALUE3, name4 AS NAME4, value4 AS VALUE4, name5 AS NAME5, value5 AS VALUE5, name6 AS NAME6, value6 AS VALUE6,
     extra_info AS EXTRA_INFO FROM __all_cluster_event_history`,
  ],
];
