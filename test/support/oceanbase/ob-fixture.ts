import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { SqlEndpointConfig } from '../../../src/runners/sql/create-sql-session.ts';
import { clusterRows, HEALTHY_SHAPE, type ClusterShape } from './fixture-cluster.ts';
import { aliasViews, FIXTURE_TABLES } from './fixture-schema.ts';
import { FIXTURE_VIEWS } from './fixture-views.ts';

/** Where the fixture's MariaDB is (MariaDB on this machine and in CI: root without a password). */
export interface MariaDbServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

export const LOCAL_MARIADB: MariaDbServer = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

/** What to load: a cluster shape and the SQL that breaks it (run in the fixture database after the healthy rows). */
export interface FixtureLoad {
  readonly name: string;
  readonly shape?: Partial<ClusterShape>;
  readonly faults?: readonly string[];
}

/** A fixture database on MariaDB. */
export interface ObFixture {
  readonly database: string;
  /** The endpoint a session uses to reach it (fixture mode allowed). */
  readonly endpoint: SqlEndpointConfig;
  /** Empties every table and loads a scenario. */
  load(scenario: FixtureLoad): Promise<void>;
  /** Runs one statement in the fixture database (to change it behind the session's back). */
  exec(sql: string): Promise<void>;
  /** Drops the database and closes the loader's connection. */
  drop(): Promise<void>;
}

/** A unique fixture database name for one test file. */
export function uniqueFixtureName(): string {
  return `oceanbase_t_${randomBytes(5).toString('hex')}`;
}

/**
 * Creates the fixture database `database` (default `oceanbase`) with OceanBase's tables and views, the marker
 * table that lets a session in fixture mode accept it, and a healthy cluster loaded.
 */
export async function createObFixture(opts: { database?: string; server?: MariaDbServer } = {}): Promise<ObFixture> {
  const server = opts.server ?? LOCAL_MARIADB;
  const database = opts.database ?? 'oceanbase';
  if (!/^[A-Za-z0-9_]+$/.test(database))
    throw new Error(`fixture database name ${database} must be letters, digits and _`);
  const conn = await mysql.createConnection({ ...server, supportBigNumbers: true });
  await conn.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
  try {
    await conn.query(`USE \`${database}\``);
    for (const [name, columns] of FIXTURE_TABLES) await conn.query(`CREATE TABLE \`${name}\` (${columns})`);
    for (const [name, select] of FIXTURE_VIEWS) await conn.query(`CREATE VIEW \`${name}\` AS ${select}`);
    const [lc] = await conn.query('SELECT @@lower_case_table_names AS lc');
    if (Number((lc as { lc: unknown }[])[0]?.lc) === 0) {
      for (const [name, select] of aliasViews()) await conn.query(`CREATE VIEW \`${name}\` AS ${select}`);
    }
  } catch (e) {
    // Nothing half-made is left behind.
    await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await conn.end();
    throw e;
  }

  async function load(scenario: FixtureLoad): Promise<void> {
    for (const [name] of FIXTURE_TABLES) await conn.query(`DELETE FROM \`${name}\``);
    const rows = clusterRows({ ...HEALTHY_SHAPE, ...scenario.shape });
    for (const [table, list] of rows) {
      for (const group of groupByColumns(list)) {
        const cols = Object.keys(group[0]!);
        const values = group.map((r) => cols.map((c) => plain(r[c])));
        await conn.query(`INSERT INTO \`${table}\` (${cols.map((c) => `\`${c}\``).join(', ')}) VALUES ?`, [values]);
      }
    }
    for (const sql of scenario.faults ?? []) await conn.query(sql);
    await conn.query(
      "INSERT INTO __opsgate_fixture (marker, scenario, loaded_at) VALUES ('opsgate-oceanbase-fixture', ?, NOW(6))",
      [scenario.name],
    );
  }

  await load({ name: 'healthy' });
  return {
    database,
    endpoint: { ...server, database, allowFixture: true, target: `fixture ${database}`, statementTimeoutMs: 10_000 },
    load,
    exec: async (sql) => void (await conn.query(sql)),
    async drop() {
      await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await conn.end();
    },
  };
}

function groupByColumns(rows: readonly Record<string, unknown>[]): Record<string, unknown>[][] {
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const r of rows) {
    const key = Object.keys(r).join(',');
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()];
}

function plain(v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}
