import type { ObCheck } from './ob-check.ts';
import { compareObVersions, obVersion } from '../shared/ob-version.ts';
import { cell, num, text } from './ob-rows.ts';
import { MIN_OBSERVER_VERSION_SQL, countCheck, formatMessage, readClusterVersion } from './check-helpers.ts';

const TENANT_STATUS_SQL = [
  "select count(*) as count from DBA_OB_TENANTS where status != 'NORMAL'",
  "select count(*) as count from oceanbase.__all_virtual_tenant_info where tenant_role != 'PRIMARY' and tenant_role != 'STANDBY'",
  "select count(*) from DBA_OB_TENANTS where LOCKED = 'YES'",
  'select count(*) from oceanbase.gv$ob_units a, oceanbase.__all_tenant_history b where b.is_deleted = 1 and a.tenant_id = b.tenant_id',
] as const;
const TENANT_STATUS_MESSAGES = [
  'has abnormal tenant, should stop',
  'has abnormal tenant info, should stop',
  'has locked tenant, should unlock',
  'has deleted tenant with unit not freed',
] as const;
const TENANT_STATUS_SHAPE_MESSAGE = 'results len not match';

/** 6. No tenant is abnormal, restoring, locked, or dropped with units left. */
export const tenantStatusCheck: ObCheck = {
  id: 'tenant-status',
  fn: 'check_tenant_status',
  title: 'no tenant is abnormal, restoring, locked, or dropped with units left behind',
  sql: TENANT_STATUS_SQL,
  failsWhen:
    'a tenant status is not NORMAL; a role is neither PRIMARY nor STANDBY; a tenant is locked; a deleted tenant still has units',
  messages: [...TENANT_STATUS_MESSAGES, TENANT_STATUS_SHAPE_MESSAGE],
  async run(io) {
    for (const [i, sql] of TENANT_STATUS_SQL.entries()) {
      await countCheck(io, sql, {
        failWhen: 'nonzero',
        message: TENANT_STATUS_MESSAGES[i]!,
        shapeMessage: TENANT_STATUS_SHAPE_MESSAGE,
      });
    }
  },
};

const PRIMARY_ZONE_SQL = 'select tenant_name,primary_zone from DBA_OB_TENANTS where  tenant_id != 1';

/** The script's test: the first `,` comes before the first `;`, so the top priority spans several zones. */
export function isPrimaryZoneDistributed(primaryZone: string): boolean {
  const semicolon = primaryZone.indexOf(';');
  const comma = primaryZone.indexOf(',');
  return (comma < 0 ? primaryZone.length : comma) < (semicolon < 0 ? primaryZone.length : semicolon);
}

/** 8. Before 4.1 every tenant's primary zone must be one zone (dead code for real targets: check 2 refuses < 4.1). */
export const tenantPrimaryZoneCheck: ObCheck = {
  id: 'tenant-primary-zone',
  fn: 'check_tenant_primary_zone',
  title: "no tenant's primary zone is RANDOM or spread over several zones",
  gate: { on: 'cluster', below: '4.1.0.0' },
  sql: [MIN_OBSERVER_VERSION_SQL, PRIMARY_ZONE_SQL],
  failsWhen: 'a tenant other than sys has primary_zone RANDOM, or its first priority lists several zones',
  messages: [
    '{0} tenant primary zone random before update not allowed',
    '{0} tenant primary zone distributed before update not allowed',
  ],
  async run(io) {
    for (const row of await io.query(PRIMARY_ZONE_SQL)) {
      const name = cell(row, 0);
      const zone = text(cell(row, 1));
      if (zone === 'RANDOM') io.fail(formatMessage(this.messages[0]!, name));
      else if (isPrimaryZoneDistributed(zone)) io.fail(formatMessage(this.messages[1]!, name));
    }
  },
};

const TENANT_NAMES_SQL = 'select tenant_name from oceanbase.DBA_OB_TENANTS';
const RESERVED_NAME_MESSAGE =
  'a tenant named all/all_user/all_meta (case insensitive) cannot exist in the cluster, please rename the tenant';

/** 17. No tenant is named like the keywords `all`, `all_user`, `all_meta`. */
export const tenantNameCheck: ObCheck = {
  id: 'not-supported-tenant-name',
  fn: 'check_not_supported_tenant_name',
  title: 'no tenant is named all, all_user or all_meta',
  sql: [TENANT_NAMES_SQL],
  failsWhen: 'a tenant name, lower-cased, is all, all_user or all_meta',
  messages: [RESERVED_NAME_MESSAGE],
  async run(io) {
    const names = (await io.query(TENANT_NAMES_SQL)).map((r) => text(cell(r)).toLowerCase());
    if (names.some((n) => n === 'all' || n === 'all_user' || n === 'all_meta')) io.fail(RESERVED_NAME_MESSAGE);
  },
};

const BINLOG_SQL = "select count(*) from CDB_OB_SYS_VARIABLES where NAME='binlog_row_image' and VALUE = '0'";
const BINLOG_MESSAGE = 'Sys Variable binlog_row_image is set to MINIMAL, please check';

/** 23. Before 4.3.0 no tenant may have binlog_row_image MINIMAL (its DELETE logs cannot be consumed by CDC). */
export const binlogRowImageCheck: ObCheck = {
  id: 'variable-binlog-row-image',
  fn: 'check_variable_binlog_row_image',
  title: 'no tenant sets binlog_row_image to MINIMAL',
  gate: { on: 'cluster', below: '4.3.0.0' },
  sql: [MIN_OBSERVER_VERSION_SQL, BINLOG_SQL],
  failsWhen: "a tenant's binlog_row_image is '0' (MINIMAL)",
  messages: [BINLOG_MESSAGE],
  run: (io) => countCheck(io, BINLOG_SQL, { failWhen: 'positive', message: BINLOG_MESSAGE }),
};

const ORACLE_TENANTS_SQL = 'select tenant_id from oceanbase.__all_tenant where compatibility_mode = 1';
const USER_EXISTS_SQL =
  "select count(1)=1 from oceanbase.__all_virtual_user where user_name='STANDBY_REPLICATION' and tenant_id={0}";
const USER_ABSENT_SQL =
  "select count(1)=0 from oceanbase.__all_virtual_user where user_name='STANDBY_REPLICATION' and tenant_id={0}";

/** 24. Oracle tenants have the STANDBY_REPLICATION user exactly when the cluster version expects it. */
export const oracleStandbyReplicationCheck: ObCheck = {
  id: 'oracle-standby-replication',
  fn: 'check_oracle_standby_replication_exist',
  title: 'Oracle-mode tenants have the STANDBY_REPLICATION user exactly when their version expects it',
  sql: [MIN_OBSERVER_VERSION_SQL, ORACLE_TENANTS_SQL, USER_EXISTS_SQL, USER_ABSENT_SQL],
  failsWhen:
    'cluster version < 4.2.2.0 or in [4.3.0.0, 4.3.1.0) and the user exists; any other version and the user is missing',
  messages: [
    '{0} tenant standby_replication already exists, please check',
    '{0} tenant standby_replication not exist, please check',
  ],
  async run(io) {
    const version = await readClusterVersion(io);
    if (version === undefined) return;
    const tenants = await io.query(ORACLE_TENANTS_SQL);
    const mustNotExist =
      compareObVersions(version, obVersion('4.2.2.0')) < 0 ||
      (compareObVersions(version, obVersion('4.3.0.0')) >= 0 && compareObVersions(version, obVersion('4.3.1.0')) < 0);
    for (const row of tenants) {
      const id = num(cell(row));
      // The id comes from the server and goes back as `%d`: anything but an integer is refused, not interpolated.
      if (!Number.isSafeInteger(id))
        throw new Error(`__all_tenant returned a non-integer tenant_id: ${text(cell(row))}`);
      const answer = await io.query(formatMessage(mustNotExist ? USER_EXISTS_SQL : USER_ABSENT_SQL, id));
      if (num(cell(answer[0])) === 1) io.fail(formatMessage(this.messages[mustNotExist ? 0 : 1]!, id));
    }
  },
};
