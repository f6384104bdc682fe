import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOpsgateError } from '../../../src/core/opsgate-error.ts';
import type { SqlSession } from '../../../src/core/ports/sql.ts';

type Rows = readonly Record<string, unknown>[];

/**
 * How the suite tells a scripted session what a server answers. Each case states the answer once: a real server
 * must give it by itself (its script is `SERVER_ANSWERS_ITSELF`), a fake is told it and must deliver it through
 * the port as the real adapter does.
 */
export interface SqlScript {
  on(statement: string, rows: Rows): unknown;
  onWrite(statement: string, affectedRows: number): unknown;
  fail(
    statement: string,
    error: { readonly errno: number; readonly sqlState: string; readonly message: string },
  ): unknown;
  /** The statement runs this long. */
  takes(statement: string, ms: number): unknown;
}

/** The script of a real server: it answers by itself. */
export const SERVER_ANSWERS_ITSELF: SqlScript = {
  on: () => undefined,
  onWrite: () => undefined,
  fail: () => undefined,
  takes: () => undefined,
};

/** A session under test, a table of its own, and how to script what the statements of a case answer. */
export interface SqlSessionFixture {
  readonly session: SqlSession;
  /** An empty table `(id INT PRIMARY KEY, name VARCHAR(32) NOT NULL)` for this test alone. */
  readonly table: string;
  readonly script: SqlScript;
  close(): Promise<void>;
}

/** What a rejected query promise was rejected with. */
async function failureOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected the statement to fail');
    },
    (e: unknown) => e,
  );
}

/** The behaviour every SqlSession must have, run against the fake and the mysql2 session on MariaDB alike. */
export function sqlSessionContract(name: string, factory: () => Promise<SqlSessionFixture>): void {
  describe(`SqlSession contract: ${name}`, () => {
    let fx: SqlSessionFixture;
    let session: SqlSession;
    let script: SqlScript;
    beforeEach(async () => {
      fx = await factory();
      session = fx.session;
      script = fx.script;
    });
    afterEach(async () => {
      await fx.close();
    });
    const stillAnswers = async (): Promise<void> => {
      script.on('SELECT 1 AS one', [{ one: 1 }]);
      expect((await session.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    };

    it('returns rows as plain objects keyed by column name, in order, with the statement as given', async () => {
      const statement = "SELECT 1 AS id, 'alpha' AS name, NULL AS note UNION ALL SELECT 2, 'beta', 'b' ORDER BY id";
      const rows = [
        { id: 1, name: 'alpha', note: null },
        { id: 2, name: 'beta', note: 'b' },
      ];
      script.on(statement, rows);
      const r = await session.query(statement);
      expect(r).toMatchObject({ statement, affectedRows: 0 });
      expect(r.rows).toStrictEqual(rows);
    });

    it('gives a DECIMAL as an exact string and a count as a number, as the driver does', async () => {
      const statement = `SELECT 2.50 AS price, count(*) AS n FROM ${fx.table}`;
      script.on(statement, [{ price: '2.50', n: 0 }]);
      expect((await session.query(statement)).rows).toStrictEqual([{ price: '2.50', n: 0 }]);
    });

    it('counts the rows a write changed and returns no rows for it', async () => {
      const insert = `INSERT INTO ${fx.table} (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')`;
      const update = `UPDATE ${fx.table} SET name = concat(name, '!') WHERE id >= 2`;
      const select = `SELECT id, name FROM ${fx.table} ORDER BY id`;
      script.onWrite(insert, 3);
      script.onWrite(update, 2);
      script.on(select, [
        { id: 1, name: 'a' },
        { id: 2, name: 'b!' },
        { id: 3, name: 'c!' },
      ]);
      expect(await session.query(insert)).toMatchObject({ statement: insert, rows: [], affectedRows: 3 });
      expect(await session.query(update)).toMatchObject({ statement: update, rows: [], affectedRows: 2 });
      expect((await session.query(select)).rows).toEqual([
        { id: 1, name: 'a' },
        { id: 2, name: 'b!' },
        { id: 3, name: 'c!' },
      ]);
    });

    it('turns a statement the server rejects into SQL_QUERY_FAILED naming the label, statement and errno', async () => {
      const statement = `SELECT id FROM ${fx.table}_missing`;
      script.fail(statement, { errno: 1146, sqlState: '42S02', message: `Table '${fx.table}_missing' doesn't exist` });
      const e = await failureOf(session.query(statement, { label: 'contract-check' }));
      expect(isOpsgateError(e)).toBe(true);
      expect(e).toMatchObject({
        code: 'SQL_QUERY_FAILED',
        retryable: false,
        message: expect.stringMatching(/^contract-check: statement failed/),
        fields: { label: 'contract-check', statement, errno: 1146, sqlState: '42S02' },
      });
      await stillAnswers();
    });

    it('stops a statement that outlives its timeout with SQL_TIMEOUT naming the label; the session stays usable', async () => {
      const statement = 'SELECT sleep(5) AS slept';
      script.takes(statement, 5000);
      const e = await failureOf(session.query(statement, { label: 'slow-check', timeoutMs: 300 }));
      expect(e).toMatchObject({
        code: 'SQL_TIMEOUT',
        retryable: true,
        fields: { label: 'slow-check', statement, timeoutMs: 300 },
      });
      await stillAnswers();
    });

    it('runs one statement per call: a second one after a semicolon is refused, a semicolon in a string is not', async () => {
      const two = 'SELECT 1 AS one; SELECT 2 AS two';
      expect(await failureOf(session.query(two))).toMatchObject({
        code: 'SQL_QUERY_FAILED',
        fields: { statement: two, errno: 1064 },
      });
      const quoted = "SELECT 'a;b' AS s;";
      script.on(quoted, [{ s: 'a;b' }]);
      expect((await session.query(quoted)).rows).toEqual([{ s: 'a;b' }]);
    });

    it('can be closed twice', async () => {
      await stillAnswers();
      await session.close();
      await expect(session.close()).resolves.toBeUndefined();
    });
  });
}
