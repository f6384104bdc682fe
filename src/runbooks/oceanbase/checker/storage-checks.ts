import type { ObCheck } from './ob-check.ts';
import { compareObVersions, obVersion } from '../shared/ob-version.ts';
import { cell, isOneByOne, num, text } from './ob-rows.ts';
import {
  COMPATIBLE_NOT_SYNC,
  COMPATIBLE_SQL,
  MIN_OBSERVER_VERSION_SQL_1,
  countCheck,
  formatMessage,
  readDataVersion,
} from './check-helpers.ts';

const LOG_COMPRESS_SQL =
  'select count(1) as cnt from oceanbase.__all_virtual_tenant_parameter_info where (name like "log_transport_compress_func" and value like "zlib_1.0")';
const LOG_COMPRESS_MESSAGE =
  'The zlib compression algorithm is no longer supported with log_transport_compress_func, please replace it with other compression algorithms';

/** 20. */
export const logTransportCompressCheck: ObCheck = {
  id: 'log-transport-compress-func',
  fn: 'check_log_transport_compress_func',
  title: 'no tenant compresses log transport with zlib',
  sql: [LOG_COMPRESS_SQL],
  failsWhen: "a tenant's log_transport_compress_func is zlib_1.0",
  messages: [LOG_COMPRESS_MESSAGE],
  run: (io) => countCheck(io, LOG_COMPRESS_SQL, { failWhen: 'positive', message: LOG_COMPRESS_MESSAGE }),
};

const TABLE_COMPRESS_SQL =
  "select /*+ query_timeout(1000000000) */ count(1) from __all_virtual_table where (compress_func_name like '%zlib%')";
const TABLE_COMPRESS_MESSAGE =
  'There are tables use zlib compression, please replace it with other compression algorithms or do not use compression during the upgrade';

/** 21. */
export const tableCompressCheck: ObCheck = {
  id: 'table-compress-func',
  fn: 'check_table_compress_func',
  title: 'no table is compressed with zlib',
  sql: [TABLE_COMPRESS_SQL],
  failsWhen: "a table's compress_func_name contains zlib",
  messages: [TABLE_COMPRESS_MESSAGE],
  run: (io) => countCheck(io, TABLE_COMPRESS_SQL, { failWhen: 'positive', message: TABLE_COMPRESS_MESSAGE }),
};

const TABLEAPI_SQL =
  'select count(1) as cnt from GV$OB_PARAMETERS where (name like "tableapi_transport_compress_func" and value like "zlib%");';
const TABLEAPI_MESSAGE =
  'Table api connection is not allowed to use zlib as compression algorithm during the upgrade, please use other compression algorithms by setting table_api_transport_compress_func';

/** 22. The trailing `;` is in the script's string; both servers accept it in one statement. */
export const tableApiCompressCheck: ObCheck = {
  id: 'table-api-transport-compress-func',
  fn: 'check_table_api_transport_compress_func',
  title: 'table API (OBKV) connections do not use zlib',
  sql: [TABLEAPI_SQL],
  failsWhen: 'tableapi_transport_compress_func starts with zlib on any server',
  messages: [TABLEAPI_MESSAGE],
  run: (io) => countCheck(io, TABLEAPI_SQL, { failWhen: 'positive', message: TABLEAPI_MESSAGE }),
};

const SERVERS_SQL = 'select svr_ip, svr_port from __all_server';
const TABLETS_SQL =
  "select /*+ query_timeout(1000000000) */ count(*) from __all_virtual_tablet_pointer_status where svr_ip = '{0}' and svr_port = {1}";
const FREE_SQL = "select free_size from __all_virtual_disk_stat where svr_ip = '{0}' and svr_port = {1}";
const DISK_MESSAGE =
  'svr_ip: {0}, svr_port: {1}, disk_free_size {2} is not enough for mds sstable, needed_size is {3}, cannot upgrade';

/** 25. Before 4.3.2 every observer needs 8 KiB of free disk per tablet for the MDS sstable conversion. */
export const mdsDiskSpaceCheck: ObCheck = {
  id: 'disk-space-for-mds-sstable-compat',
  fn: 'check_disk_space_for_mds_sstable_compat',
  title: 'every observer has the free disk the MDS sstable conversion needs',
  gate: { on: 'cluster', below: '4.3.2.0' },
  versionSql: MIN_OBSERVER_VERSION_SQL_1,
  sql: [MIN_OBSERVER_VERSION_SQL_1, SERVERS_SQL, TABLETS_SQL, FREE_SQL],
  failsWhen: "a server's tablet count x 4096 x 2 exceeds its free_size",
  messages: [DISK_MESSAGE],
  async run(io) {
    for (const row of await io.query(SERVERS_SQL)) {
      const ip = text(cell(row, 0));
      const port = num(cell(row, 1));
      // Values read from the server go back into SQL: only an address and an integer port are accepted.
      if (!/^[0-9A-Fa-f:.]+$/.test(ip) || !Number.isSafeInteger(port)) {
        throw new Error(`__all_server returned an address that is not ip:port: ${ip}:${text(cell(row, 1))}`);
      }
      const tablets = num(cell((await io.query(formatMessage(TABLETS_SQL, ip, port)))[0]));
      const free = num(cell((await io.query(formatMessage(FREE_SQL, ip, port)))[0]));
      const needed = tablets * 4096 * 2;
      if (needed > free) io.fail(formatMessage(DISK_MESSAGE, ip, port, free, needed));
    }
  },
};

const CS_TABLE_SQL = "select count(1) from __all_virtual_table where row_store_type = 'cs_encoding_row_store'";
const CS_CG_SQL = 'select count(distinct table_id) from __all_virtual_column_group where row_store_type = 3';
const CS_TABLE_MESSAGE =
  'exist table with row_format cs_encoding_row_store for observer not support avx2 instruction set, table count = {0}';
const CS_CG_MESSAGE =
  'exist column group with row_format cs_encoding_row_store for observer not support avx2 instruction set, table count = {0}';

/**
 * 26. Before 4.3.3 a cluster whose CPUs lack AVX2 must not hold cs_encoding data. Deliberate deviation: the
 * script builds the `compatible` query but runs the `min_observer_version` one, so its "data version" is the
 * cluster version; opsgate runs the query the script meant.
 */
export const csEncodingCheck: ObCheck = {
  id: 'cs-encoding-arch-dependency',
  fn: 'check_cs_encoding_arch_dependency_compatiblity',
  title: 'no cs_encoding table or column group on observers without AVX2',
  gate: { on: 'cluster', below: '4.3.3.0' },
  versionSql: MIN_OBSERVER_VERSION_SQL_1,
  sql: [MIN_OBSERVER_VERSION_SQL_1, COMPATIBLE_SQL, CS_TABLE_SQL, CS_CG_SQL],
  failsWhen: 'observers lack AVX2, data version >= 4.3.0.0, and a table or column group uses cs_encoding_row_store',
  messages: [CS_TABLE_MESSAGE, CS_CG_MESSAGE, COMPATIBLE_NOT_SYNC],
  async run(io) {
    if (io.options.cpuArch === 'avx2') return;
    if (io.options.cpuArch === 'unknown') {
      io.warn(
        'whether the observers support AVX2 is unknown: checked as if they do not (collect `grep -c avx2 /proc/cpuinfo` from every observer)',
      );
    }
    const data = await readDataVersion(io);
    if (data === undefined || compareObVersions(data, obVersion('4.3.0.0')) < 0) return;
    for (const [sql, message, shape] of [
      [CS_TABLE_SQL, CS_TABLE_MESSAGE, 'all table query'],
      [CS_CG_SQL, CS_CG_MESSAGE, 'all column group query'],
    ] as const) {
      const rows = await io.query(sql);
      if (rows.length !== 1) io.fail(`${shape} row count not match`);
      else if (!isOneByOne(rows)) io.fail(`${shape} column count not match`);
      else if (num(cell(rows[0])) !== 0) {
        io.fail(formatMessage(message, cell(rows[0])));
        return;
      }
    }
  },
};
