import { describe, expect, test } from 'vitest';
import { mapSqlError, redactor } from '../../../../src/runners/sql/map-sql-error.ts';
import {
  fixtureDialect,
  oceanBaseDialect,
  rewriteAlterSystemSet,
  rewriteObQueryTimeout,
  rewriteSchema,
} from '../../../../src/runners/sql/sql-dialect.ts';
import { classifyServer } from '../../../../src/runners/sql/classify-server.ts';

describe('server detection', () => {
  test.each([
    ['5.7.25-OceanBase_CE-v4.3.5.5', 'oceanbase'],
    ['5.7.25-OceanBase-v4.2.1.0', 'oceanbase'],
    ['10.11.19-MariaDB-0+deb12u1', 'mariadb'],
    ['8.0.36', 'mysql'],
  ])('classifies %s as %s', (text, kind) => {
    expect(classifyServer(text).kind).toBe(kind);
  });

  test('reads the OceanBase version from version() or from ob_version()', () => {
    expect(classifyServer('5.7.25-OceanBase_CE-v4.3.5.5')).toMatchObject({ version: '4.3.5.5' });
    expect(classifyServer('5.7.25', '4.2.5.1')).toMatchObject({ kind: 'oceanbase', version: '4.2.5.1' });
  });
});

describe('dialect', () => {
  test('OceanBase: statements run unchanged, timeouts in microseconds on its own variables', () => {
    const d = oceanBaseDialect(classifyServer('5.7.25-OceanBase_CE-v4.3.5.5'));
    expect(d.rewrite("alter system set server_permanent_offline_time = '72h'")).toBe(
      "alter system set server_permanent_offline_time = '72h'",
    );
    expect(d.timeoutStatements(1500)).toEqual([
      'SET SESSION ob_query_timeout = 1500000',
      'SET SESSION ob_trx_timeout = 1500000',
    ]);
  });

  test('fixture: the timeout is MariaDB max_statement_time in seconds', () => {
    expect(fixtureDialect(classifyServer('10.11.19-MariaDB'), 'oceanbase').timeoutStatements(1500)).toEqual([
      'SET SESSION max_statement_time = 1.500000',
    ]);
  });

  test('rewrite 1 replaces the oceanbase. qualifier in any case, outside quotes and longer names', () => {
    expect(
      rewriteSchema(
        "select 'oceanbase.x', `oceanbase.y` from OCEANBASE.GV$OB_PARAMETERS join oceanbase.__all_server",
        'oceanbase_t_1',
      ),
    ).toBe(
      "select 'oceanbase.x', `oceanbase.y` from `oceanbase_t_1`.GV$OB_PARAMETERS join `oceanbase_t_1`.__all_server",
    );
    expect(rewriteSchema('select * from myoceanbase.t', 'db')).toBe('select * from myoceanbase.t');
    expect(rewriteSchema('select * from oceanbase.t', 'oceanbase')).toBe('select * from oceanbase.t');
  });

  test("rewrite 2 maps every spelling of OceanBase's query timeout", () => {
    for (const s of [
      'set @@session.ob_query_timeout = 2000000',
      'set session ob_query_timeout=2000000',
      'SET @@ob_query_timeout = 2000000;',
    ]) {
      expect(rewriteObQueryTimeout(s)).toBe('SET SESSION max_statement_time = 2.000000');
    }
    expect(rewriteObQueryTimeout('select @@session.ob_query_timeout')).toBe('select @@session.ob_query_timeout');
  });

  test('rewrite 3 turns alter system set into an update of the fixture parameters, per server when given', () => {
    expect(rewriteAlterSystemSet("alter system set server_permanent_offline_time = '72h'", 'db')).toBe(
      "UPDATE `db`.__opsgate_parameter SET value = '72h' WHERE name = 'server_permanent_offline_time' and scope = 'CLUSTER'",
    );
    expect(rewriteAlterSystemSet("ALTER SYSTEM SET enable_rebalance = 'False' server '10.0.0.1:2882'", 'db')).toContain(
      "and svr_ip = '10.0.0.1' and svr_port = 2882",
    );
    expect(rewriteAlterSystemSet("alter system stop zone 'zone1'", 'db')).toBe("alter system stop zone 'zone1'");
    expect(rewriteAlterSystemSet("alter system set k = 'a\\' or 1=1 -- '", 'db')).toBe(
      "alter system set k = 'a\\' or 1=1 -- '",
    );
  });
});

describe('error mapping', () => {
  const ctx = { target: 'ob-sys', host: 'h', port: 2881, user: 'root@sys', redact: redactor(['s3cret-pw']) };

  test('a driver message that echoes the password is redacted everywhere', () => {
    const e = mapSqlError({ message: 'near s3cret-pw', errno: 1064, code: 'ER_PARSE_ERROR' }, ctx, {
      phase: 'query',
      label: 'x',
      statement: "alter user u identified by 's3cret-pw'",
    });
    expect(e.code).toBe('SQL_QUERY_FAILED');
    expect(JSON.stringify({ m: e.message, f: e.fields, c: (e.cause as Error).message })).not.toContain('s3cret-pw');
  });

  test.each([
    [{ errno: 1045, code: 'ER_ACCESS_DENIED_ERROR' }, 'query', 'SQL_AUTH_FAILED'],
    [{ errno: 4012 }, 'query', 'SQL_TIMEOUT'],
    [{ code: 'PROTOCOL_SEQUENCE_TIMEOUT' }, 'query', 'SQL_TIMEOUT'],
    [{ code: 'ECONNREFUSED' }, 'connect', 'SQL_UNREACHABLE'],
    [{ code: 'PROTOCOL_CONNECTION_LOST' }, 'query', 'SQL_UNREACHABLE'],
  ] as const)('maps %j during %s to %s', (driver, phase, code) => {
    expect(mapSqlError({ message: 'x', ...driver }, ctx, { phase }).code).toBe(code);
  });
});
