import type { ObCheck } from './ob-check.ts';
import { compareObVersions, obVersion, obVersionToInt, scriptStringCompare } from '../shared/ob-version.ts';
import { cell, isOneByOne, num, text } from './ob-rows.ts';
import {
  COLUMN_CNT_NOT_MATCH,
  COMPATIBLE_NOT_SYNC,
  COMPATIBLE_SQL,
  MIN_OBSERVER_VERSION_NOT_SYNC,
  MIN_OBSERVER_VERSION_SQL,
  formatMessage,
  readClusterVersion,
  readDataVersion,
} from './check-helpers.ts';

const OLD_VERSION_MESSAGE = 'old observer version is expected equal or higher than: {0}, actual version:{1}';

/** 1. The cluster must already run at least the build's `old_version`. */
export const observerVersionCheck: ObCheck = {
  id: 'observer-version',
  fn: 'check_observer_version',
  title: 'cluster version is at least the oldest version this build upgrades from',
  sql: [MIN_OBSERVER_VERSION_SQL],
  failsWhen:
    'min_observer_version is not one value, or it is older than old_version (compared as numbers; the script compares strings)',
  messages: [MIN_OBSERVER_VERSION_NOT_SYNC, OLD_VERSION_MESSAGE],
  async run(io) {
    const version = await readClusterVersion(io);
    if (version === undefined) return;
    const numeric = compareObVersions(version, obVersion(io.options.oldVersion));
    if (numeric < 0) io.fail(formatMessage(OLD_VERSION_MESSAGE, io.options.oldVersion, version.text));
    // The script's string compare disagrees as soon as a part has two digits: say so, the operator may have seen
    // the script's verdict elsewhere.
    const script = scriptStringCompare(version.text, io.options.oldVersion);
    if (script < 0 !== numeric < 0) {
      io.warn(
        `upgrade_checker.py compares versions as strings and would ${script < 0 ? 'fail' : 'pass'} ${version.text} against ${io.options.oldVersion}; compared as numbers it ${numeric < 0 ? 'fails' : 'passes'}`,
      );
    }
  },
};

const BARRIER = obVersion('4.1.0.0');
const UPGRADE_BEGIN_FROM = obVersion('4.3.5.1');
const TENANTS_SQL = 'select tenant_id from oceanbase.__all_tenant';
const CORE_VERSIONS_SQL =
  "select count(*) from __all_virtual_core_table where table_name = '__all_global_stat' and column_name in ('target_data_version', 'current_data_version') and column_value = {0} and tenant_id in ({1})";
const UPGRADE_BEGIN_SQL =
  "select count(*) from __all_virtual_core_table where table_name = '__all_global_stat' and column_name in ('upgrade_begin_data_version') and column_value = {0} and tenant_id in ({1})";
const CORE_MISMATCH = 'target_data_version/current_data_version not match with {0}, tenant_cnt:{1}, result_cnt:{2}';
const BEGIN_MISMATCH = 'upgrade_begin_data_version not match with {0}, tenant_cnt:{1}, result_cnt:{2}';
const RESULT_CNT_NOT_MATCH = 'result cnt not match';

/** 2. Cluster and data versions are past the 4.1.0.0 barrier and every tenant's data version is consistent. */
export const dataVersionCheck: ObCheck = {
  id: 'data-version',
  fn: 'check_data_version',
  title: 'cluster and data versions are past the 4.1.0.0 barrier and every tenant agrees on the data version',
  sql: [MIN_OBSERVER_VERSION_SQL, COMPATIBLE_SQL, TENANTS_SQL, CORE_VERSIONS_SQL, UPGRADE_BEGIN_SQL],
  failsWhen:
    'cluster or data version < 4.1.0.0; compatible not one value; target/current_data_version rows != 2 x tenants; upgrade_begin_data_version rows != tenants (data version >= 4.3.5.1)',
  messages: [
    'last barrier cluster version is 4.1.0.0. prohibit cluster upgrade from cluster version less than 4.1.0.0',
    COMPATIBLE_NOT_SYNC,
    COLUMN_CNT_NOT_MATCH,
    'last barrier data version is 4.1.0.0. prohibit cluster upgrade from data version less than 4.1.0.0',
    RESULT_CNT_NOT_MATCH,
    CORE_MISMATCH,
    BEGIN_MISMATCH,
  ],
  async run(io) {
    const cluster = await readClusterVersion(io);
    if (cluster === undefined) return;
    if (compareObVersions(cluster, BARRIER) < 0) {
      io.fail(this.messages[0]!);
      return;
    }
    const data = await readDataVersion(io);
    if (data === undefined) return;
    if (compareObVersions(data, BARRIER) < 0) {
      io.fail(this.messages[3]!);
      return;
    }
    const tenantIds = (await io.query(TENANTS_SQL)).map((r) => text(cell(r)));
    const dataInt = obVersionToInt(data).toString();
    const ids = tenantIds.join(',');
    const core = await io.query(formatMessage(CORE_VERSIONS_SQL, dataInt, ids));
    if (!isOneByOne(core)) io.fail(RESULT_CNT_NOT_MATCH);
    else if (num(cell(core[0])) !== 2 * tenantIds.length) {
      io.fail(formatMessage(CORE_MISMATCH, data.text, tenantIds.length, cell(core[0])));
    }
    // The script runs this second query whatever the first one found.
    if (compareObVersions(data, UPGRADE_BEGIN_FROM) >= 0) {
      const begin = await io.query(formatMessage(UPGRADE_BEGIN_SQL, dataInt, ids));
      if (!isOneByOne(begin)) io.fail(RESULT_CNT_NOT_MATCH);
      else if (num(cell(begin[0])) !== tenantIds.length) {
        io.fail(formatMessage(BEGIN_MISMATCH, data.text, tenantIds.length, cell(begin[0])));
      }
    }
  },
};

const SERVER_VERSION_SQL = "select distinct(substring_index(build_version, '_', 1)) from __all_server";
const SERVER_VERSION_MESSAGE = 'servers build_version not match';

/** 16. Every observer runs the same build. */
export const serverVersionCheck: ObCheck = {
  id: 'server-version',
  fn: 'check_server_version',
  title: 'every observer runs the same build version',
  sql: [SERVER_VERSION_SQL],
  failsWhen: 'the build versions (before the first `_`) are not one value',
  messages: [SERVER_VERSION_MESSAGE],
  async run(io) {
    const rows = await io.query(SERVER_VERSION_SQL);
    if (rows.length !== 1) io.fail(SERVER_VERSION_MESSAGE);
  },
};
