import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isOpsgateError } from '../../../src/core/opsgate-error.ts';
import { createSqlSession, type ObSqlSession } from '../../../src/runners/sql/create-sql-session.ts';
import {
  createObFixture,
  LOCAL_MARIADB,
  uniqueFixtureName,
  type ObFixture,
} from '../../support/oceanbase/ob-fixture.ts';

let fixture: ObFixture;
let session: ObSqlSession;
const plainDb = `oceanbase_t_plain_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  fixture = await createObFixture({ database: uniqueFixtureName() });
  session = await createSqlSession(fixture.endpoint);
  const admin = await mysql.createConnection(LOCAL_MARIADB);
  await admin.query(`CREATE DATABASE \`${plainDb}\``);
  await admin.end();
});

afterAll(async () => {
  await session?.close();
  await fixture?.drop();
  const admin = await mysql.createConnection(LOCAL_MARIADB);
  await admin.query(`DROP DATABASE IF EXISTS \`${plainDb}\``);
  await admin.end();
});

async function failure(p: Promise<unknown>): Promise<Error & { code?: string; fields?: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    if (!isOpsgateError(e)) throw e;
    return e as Error & { code: string; fields: Record<string, unknown> };
  }
  throw new Error('expected a failure');
}

describe('the SQL session and its dialect layer', () => {
  test('detects the fixture as MariaDB in fixture mode', () => {
    expect(session.server.kind).toBe('mariadb');
    expect(session.fixture).toBe(true);
  });

  test('refuses a plain MariaDB database even in fixture mode when the marker table is missing', async () => {
    const e = await failure(createSqlSession({ ...LOCAL_MARIADB, database: plainDb, allowFixture: true }));
    expect(e.code).toBe('SQL_NOT_OCEANBASE');
    expect(e.message).toContain(`database ${plainDb} has no __opsgate_fixture marker table`);
  });

  test('refuses MariaDB outright without fixture mode, even on the fixture database', async () => {
    const e = await failure(createSqlSession({ ...LOCAL_MARIADB, database: fixture.database }));
    expect(e.code).toBe('SQL_NOT_OCEANBASE');
    expect(e.message).toMatch(/it is MariaDB .*, not OceanBase/);
  });

  test('reports a wrong password as an auth failure that never contains the password', async () => {
    const password = `pw-${randomBytes(6).toString('hex')}`;
    const e = await failure(
      createSqlSession({ ...LOCAL_MARIADB, password, database: fixture.database, allowFixture: true }),
    );
    expect(e.code).toBe('SQL_AUTH_FAILED');
    const everything = [
      e.message,
      e.stack ?? '',
      JSON.stringify(e.fields),
      String((e as { cause?: Error }).cause?.message),
      JSON.stringify(e),
    ].join('\n');
    expect(everything).not.toContain(password);
    expect(e.message).toContain('refused the login of user root');
  });

  test('reports a closed port as unreachable', async () => {
    const e = await failure(
      createSqlSession({ ...LOCAL_MARIADB, port: 1, allowFixture: true, database: fixture.database }),
    );
    expect(e.code).toBe('SQL_UNREACHABLE');
  });

  test('names the check whose statement failed', async () => {
    const e = await failure(
      session.query('select count(1) from __all_virtual_no_such_table', { label: 'paxos-replica' }),
    );
    expect(e.code).toBe('SQL_QUERY_FAILED');
    expect(e.fields).toMatchObject({ label: 'paxos-replica', errno: 1146 });
    expect(e.message).toMatch(/^paxos-replica: statement failed/);
  });

  test('stops a statement at its timeout and keeps the session usable', async () => {
    const e = await failure(session.query('select sleep(5)', { label: 'slow', timeoutMs: 300 }));
    expect(e.code).toBe('SQL_TIMEOUT');
    expect(e.fields).toMatchObject({ label: 'slow', timeoutMs: 300 });
    const after = await session.query('select count(*) as n from __all_server');
    expect(after.rows[0]?.['n']).toBe(3);
  });

  test('opens a new connection for the next statement when the server closed the old one', async () => {
    const id = Number((await session.query('select connection_id() as id')).rows[0]?.['id']);
    const admin = await mysql.createConnection(LOCAL_MARIADB);
    await admin.query(`KILL CONNECTION ${id}`);
    await admin.end();
    await new Promise((r) => setTimeout(r, 200));
    const again = await session.query('select connection_id() as id, database() as db');
    expect(again.rows[0]?.['id']).not.toBe(id);
    expect(again.rows[0]?.['db']).toBe(fixture.database);
  });

  test('resolves the oceanbase. qualifier, in any case, to the fixture database', async () => {
    const res = await session.query(
      "select count(*) as n from OCEANBASE.GV$OB_PARAMETERS where name = 'min_observer_version'",
    );
    expect(res.rows[0]?.['n']).toBe(3);
    const lower = await session.query('select count(*) as n from oceanbase.gv$ob_units');
    expect(lower.rows[0]?.['n']).toBe(15);
  });

  test("maps OceanBase's session query timeout onto max_statement_time", async () => {
    await session.query('set @@session.ob_query_timeout = 7000000');
    const res = await session.query('select @@session.max_statement_time as t');
    expect(Number(res.rows[0]?.['t'])).toBe(7);
  });

  test('turns alter system set into a parameter change every parameter view sees', async () => {
    await session.query("alter system set enable_rereplication = 'False'");
    const gv = await session.query("select distinct value from GV$OB_PARAMETERS where name = 'enable_rereplication'");
    const stat = await session.query(
      "select count(*) as n from oceanbase.__all_virtual_sys_parameter_stat where name = 'enable_rereplication' and value != 'False'",
    );
    expect(gv.rows).toEqual([{ VALUE: 'False' }]);
    expect(stat.rows[0]?.['n']).toBe(0);
  });

  test('refuses an ALTER SYSTEM the fixture cannot simulate with the server error, naming the step', async () => {
    const e = await failure(session.query("alter system stop zone 'zone1'", { label: 'stop-zone' }));
    expect(e.code).toBe('SQL_QUERY_FAILED');
    expect(e.fields).toMatchObject({ label: 'stop-zone', errno: 1064 });
  });
});
