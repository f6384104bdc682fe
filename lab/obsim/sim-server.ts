import mysql from 'mysql2';
import mysqlp from 'mysql2/promise';
import type { Server } from 'node:net';
import { rewriteSchema } from '../../src/runners/sql/sql-dialect.ts';
import { checkLogin, type AuthAttempt, type SimPasswords } from './auth.ts';
import type { BusinessTenant } from './business-tenant.ts';
import type { ControlPlane } from './control-plane.ts';

/** Where the fixture database is. */
export interface FixtureDb {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

/** The parts of a mysql2 server-side connection the simulator uses (the library ships no types for them). */
interface ServerConn {
  serverHandshake(args: Record<string, unknown>): void;
  on(event: string, fn: (...args: never[]) => void): void;
  clientHelloReply?: { user?: string };
  writeOk(args?: { affectedRows?: number }): void;
  writeError(args: { code: number; message: string }): void;
  writeColumns(columns: readonly Record<string, unknown>[]): void;
  writeTextRow(values: readonly (string | null)[]): void;
  writeEof(): void;
  close?(): void;
  /** mysql2 does not reset it between commands on the server side: the simulator does. */
  sequenceId: number;
  handlePacket(packet?: { sequenceId: number }): void;
}

const UTF8 = 33;
const VAR_STRING = 253;
const SECURE_CONNECTION = 0x8000;

function textColumn(name: string): Record<string, unknown> {
  return {
    catalog: 'def',
    schema: 'oceanbase',
    table: '',
    orgTable: '',
    name,
    orgName: name,
    characterSet: UTF8,
    columnLength: 1024,
    columnType: VAR_STRING,
    flags: 0,
    decimals: 0,
  };
}

function writeRows(
  conn: ServerConn,
  columns: readonly Record<string, unknown>[],
  rows: readonly (readonly unknown[])[],
): void {
  conn.writeColumns(columns);
  for (const r of rows)
    conn.writeTextRow(
      r.map((v) => (v === null || v === undefined ? null : Buffer.isBuffer(v) ? v.toString('utf8') : String(v))),
    );
  conn.writeEof();
}

/**
 * The MySQL-protocol face of the simulator. Sys-tenant sessions (`…@sys`): the session settings OceanBase takes
 * are accepted, `version()`/`ob_version()` name OceanBase, ALTER SYSTEM goes to the control plane, and every
 * other statement runs against the fixture database with `oceanbase.` mapped to it. Any other user is a session
 * of the business tenant. With `passwords`, a login is checked as OceanBase checks mysql_native_password and a
 * wrong password is refused with 1045 (the lab's simulator always passes them; in-process harnesses may not).
 */
export function createSimServer(
  plane: ControlPlane,
  business: BusinessTenant,
  fixture: FixtureDb,
  passwords?: SimPasswords,
): Server {
  let nextId = 1;
  const server = mysql.createServer((raw: unknown) => {
    const conn = raw as ServerConn;
    let db: Promise<mysqlp.Connection> | undefined;
    const fixtureConn = () =>
      (db ??= mysqlp.createConnection({
        ...fixture,
        rowsAsArray: true,
        dateStrings: true,
        supportBigNumbers: true,
        bigNumberStrings: true,
      }));
    conn.serverHandshake({
      protocolVersion: 10,
      serverVersion: `5.7.25-OceanBase_CE-v${plane.minVersion()}`,
      connectionId: nextId++,
      statusFlags: 2,
      characterSet: UTF8,
      // Checking a password needs the client's token as the bytes it sent: CLIENT_SECURE_CONNECTION (length-prefixed).
      capabilityFlags: passwords === undefined ? 0xf77ff : 0xf77ff | SECURE_CONNECTION,
      ...(passwords === undefined
        ? {}
        : {
            authCallback: (a: AuthAttempt, done: (e: null, refusal?: { code: number; message: string }) => void) =>
              done(null, checkLogin(passwords, a)),
          }),
    });
    // A client's new command is numbered 0: start counting from there (mysql2's server keeps counting and warns).
    const handle = conn.handlePacket.bind(conn);
    conn.handlePacket = (packet) => {
      if (packet?.sequenceId === 0) conn.sequenceId = 0;
      handle(packet);
    };
    conn.on('error', () => undefined);
    conn.on('end', () => void db?.then((c) => c.end()).catch(() => undefined));
    const onQuery = (sql: string) => {
      // The client numbered its command 0, so the reply starts at 1, whatever mysql2 counted before.
      conn.sequenceId = 1;
      const user = conn.clientHelloReply?.user ?? '';
      const work =
        /@sys$/i.test(user) || user === 'root'
          ? sysQuery(conn, sql, plane, fixture.database, fixtureConn)
          : businessQuery(conn, sql, business);
      work.catch((e: unknown) => {
        const err = e as { errno?: number; message?: string };
        conn.writeError({ code: err.errno ?? 1105, message: err.message ?? String(e) });
      });
    };
    conn.on('query', onQuery);
    // mysql2's server hands text statements starting with SET/PREPARE/EXECUTE to these events instead.
    conn.on('stmt_prepare', onQuery);
    conn.on('stmt_execute', (...args: never[]) => onQuery(String(args[4] ?? '')));
  });
  return server as unknown as Server;
}

async function sysQuery(
  conn: ServerConn,
  sql: string,
  plane: ControlPlane,
  database: string,
  fixtureConn: () => Promise<mysqlp.Connection>,
): Promise<void> {
  const s = sql.trim();
  const version = plane.minVersion();
  const fn = /^select\s+(version|ob_version)\(\)(?:\s+as\s+(\w+))?\s*;?$/i.exec(s);
  if (fn !== null) {
    const value = fn[1]!.toLowerCase() === 'version' ? `5.7.25-OceanBase_CE-v${version}` : version;
    writeRows(conn, [textColumn(fn[2] ?? `${fn[1]}()`)], [[value]]);
    return;
  }
  if (/^(set|use)\s/i.test(s)) return conn.writeOk();
  if (/^alter\s+system\b/i.test(s)) {
    const r = await plane.alterSystem(s, database);
    return r.kind === 'ok'
      ? conn.writeOk({ affectedRows: r.affectedRows ?? 0 })
      : conn.writeError({ code: r.code, message: r.message });
  }
  const c = await fixtureConn();
  const [rows, fields] = await c.query(rewriteSchema(s, database));
  if (!Array.isArray(rows))
    return conn.writeOk({ affectedRows: (rows as { affectedRows?: number }).affectedRows ?? 0 });
  const columns = (fields ?? []).map((f) => ({
    catalog: 'def',
    schema: 'oceanbase',
    table: f.table ?? '',
    orgTable: f.orgTable ?? '',
    name: f.name,
    orgName: f.orgName ?? f.name,
    characterSet: UTF8,
    columnLength: f.columnLength ?? 1024,
    columnType: f.columnType ?? VAR_STRING,
    flags: f.flags ?? 0,
    decimals: f.decimals ?? 0,
  }));
  writeRows(conn, columns, rows as unknown[][]);
}

async function businessQuery(conn: ServerConn, sql: string, business: BusinessTenant): Promise<void> {
  const r = await business.handle(sql);
  if (r.kind === 'error') return conn.writeError({ code: r.code, message: r.message });
  if (r.kind === 'ok') return conn.writeOk({ affectedRows: r.affectedRows });
  writeRows(
    conn,
    [textColumn(r.column)],
    r.values.map((v) => [v]),
  );
}
