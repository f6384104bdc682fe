import mysql from 'mysql2/promise';
import type { Clock } from '../../core/ports/clock.ts';
import type { SqlQueryOptions, SqlResult, SqlSession } from '../../core/ports/sql.ts';
import { fixtureDialect, oceanBaseDialect, FIXTURE_MARKER_TABLE, type SqlDialect } from './sql-dialect.ts';
import { SqlNotOceanBaseError, SqlUnreachableError } from './sql-errors.ts';
import { answersElsewhere, reasonOf, type SqlAlternate } from './sql-failover.ts';
import { mapSqlError, redactor, type ErrorContext } from './map-sql-error.ts';
import { classifyServer, describeServer, type SqlServerInfo } from './classify-server.ts';
import { systemClock } from '../../adapters/system/system-clock.ts';

/** An already-resolved SQL endpoint (the site file's sys-tenant connection with its password looked up). */
export interface SqlEndpointConfig {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** The name errors use for this endpoint (default `host:port`). */
  readonly target?: string;
  /** The database the statements' unqualified names resolve in (OceanBase: `oceanbase`). */
  readonly database?: string;
  readonly connectTimeoutMs?: number;
  /** Default per-statement timeout, enforced by the server and backed by the client (default 60 s). */
  readonly statementTimeoutMs?: number;
  /**
   * Accept a server that is not OceanBase when `database` carries opsgate's fixture marker table: for tests
   * only. Without it, such a server is refused before any statement runs.
   */
  readonly allowFixture?: boolean;
  /**
   * Other observers serving the same sys tenant, tried in order when this one does not answer (refused,
   * unreachable, timing out); the session stays on the one that answered until it stops answering.
   */
  readonly alternates?: readonly SqlAlternate[];
}

/** The SQL port, plus what the session learned about the server. */
export interface ObSqlSession extends SqlSession {
  readonly server: SqlServerInfo;
  /** True when connected to the MariaDB fixture rather than OceanBase. */
  readonly fixture: boolean;
  /** Replaces every secret the session knows with `***`. */
  redact(text: string): string;
}

/** The client waits this much longer than the server-side timeout before giving up on the connection. */
const CLIENT_GRACE_MS = 2000;

/**
 * Opens a session on an OceanBase sys tenant with mysql2: detects the server, refuses one that is not
 * OceanBase (unless it is the allowed fixture), applies the session timeouts in the server's dialect, and runs
 * statements with a per-statement timeout. Errors are coded (unreachable, auth failed, query failed naming the
 * statement's label, timeout) and never carry the password.
 */
export async function createSqlSession(
  config: SqlEndpointConfig,
  deps: { readonly clock?: Clock } = {},
): Promise<ObSqlSession> {
  const clock = deps.clock ?? systemClock;
  const redact = redactor([config.password]);
  const database = config.database ?? 'oceanbase';
  const defaultTimeoutMs = config.statementTimeoutMs ?? 60_000;
  const endpoints: readonly SqlAlternate[] = [{ host: config.host, port: config.port }, ...(config.alternates ?? [])];
  const ctxAt = (i: number): ErrorContext => ({
    target: config.target ?? `${config.host}:${config.port}`,
    host: endpoints[i]?.host ?? config.host,
    port: endpoints[i]?.port ?? config.port,
    user: config.user,
    redact,
  });
  /** The endpoint in use (errors name it); the next connection tries it first. */
  let at = 0;
  let ctx = ctxAt(at);

  let conn: mysql.Connection | undefined;
  let dialect: SqlDialect | undefined;
  let serverTimeoutMs = -1;

  async function connect(): Promise<mysql.Connection> {
    try {
      const c = await mysql.createConnection({
        host: ctx.host,
        port: ctx.port,
        user: config.user,
        password: config.password,
        connectTimeout: config.connectTimeoutMs ?? 10_000,
        supportBigNumbers: true,
        multipleStatements: false,
      });
      // A connection that drops between statements is forgotten, so the next statement opens a new one; a
      // statement already sent is never sent again.
      const forget = () => {
        if (conn === c) conn = undefined;
      };
      c.on('error', forget);
      c.on('end', forget);
      return c;
    } catch (e) {
      throw mapSqlError(e, ctx, { phase: 'connect' });
    }
  }

  async function setUp(c: mysql.Connection): Promise<SqlDialect> {
    const run = async (sql: string, values?: unknown[]) => {
      try {
        const [rows] = await c.query({ sql, ...(values === undefined ? {} : { values }), timeout: defaultTimeoutMs });
        return rows as Record<string, unknown>[];
      } catch (e) {
        throw mapSqlError(e, ctx, {
          phase: 'setup',
          label: 'session-setup',
          statement: sql,
          timeoutMs: defaultTimeoutMs,
        });
      }
    };
    const versionText = String((await run('SELECT version() AS v'))[0]?.['v'] ?? '');
    let server = classifyServer(versionText);
    if (server.kind === 'mysql') {
      const ob = await run('SELECT ob_version() AS v').catch(() => undefined);
      server = classifyServer(versionText, ob?.[0]?.['v'] === undefined ? undefined : String(ob[0]['v']));
    }
    if (server.kind === 'oceanbase') {
      await run(`USE ${quoteIdent(database)}`);
      return oceanBaseDialect(server);
    }
    if (config.allowFixture !== true) {
      throw new SqlNotOceanBaseError({
        target: ctx.target,
        server: describeServer(server),
        reason:
          server.kind === 'mariadb'
            ? "it reports itself as MariaDB; only opsgate's test fixture may be used with allowFixture"
            : 'version() names no OceanBase and ob_version() does not exist',
      });
    }
    const marker = await run(
      'SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = ?',
      [database, FIXTURE_MARKER_TABLE],
    );
    if (Number(marker[0]?.['n']) !== 1) {
      throw new SqlNotOceanBaseError({
        target: ctx.target,
        server: describeServer(server),
        reason: `fixture mode was allowed but database ${database} has no ${FIXTURE_MARKER_TABLE} marker table`,
      });
    }
    await run(`USE ${quoteIdent(database)}`);
    // OceanBase's statements use double-quoted string literals: ANSI_QUOTES would turn them into identifiers.
    const mode = String((await run('SELECT @@SESSION.sql_mode AS m'))[0]?.['m'] ?? '');
    if (/ANSI_QUOTES/i.test(mode)) {
      await run('SET SESSION sql_mode = ?', [
        mode
          .split(',')
          .filter((m) => m.toUpperCase() !== 'ANSI_QUOTES')
          .join(','),
      ]);
    }
    return fixtureDialect(server, database);
  }

  async function open(i: number): Promise<void> {
    ctx = ctxAt(i);
    const c = await connect();
    try {
      dialect = await setUp(c);
    } catch (e) {
      c.destroy();
      throw e;
    }
    conn = c;
    at = i;
    serverTimeoutMs = -1;
  }

  /** Connects to the endpoint in use, else to the next one that answers, in order. */
  async function ready(): Promise<{ c: mysql.Connection; d: SqlDialect }> {
    if (conn === undefined || dialect === undefined) {
      const failures: string[] = [];
      let last: unknown;
      for (let k = 0; k < endpoints.length && conn === undefined; k++) {
        const i = (at + k) % endpoints.length;
        try {
          await open(i);
        } catch (e) {
          if (endpoints.length === 1 || !answersElsewhere(e)) throw e;
          failures.push(`${ctx.host}:${ctx.port} (${reasonOf(e)})`);
          last = e;
        }
      }
      if (conn === undefined || dialect === undefined) {
        throw new SqlUnreachableError(
          {
            target: ctx.target,
            host: config.host,
            port: config.port,
            reason: `no observer answered: ${failures.join(', ')}`,
          },
          last,
        );
      }
    }
    return { c: conn, d: dialect };
  }

  function drop(): void {
    conn?.destroy();
    conn = undefined;
  }

  async function exec(statement: string, label: string, timeoutMs: number): Promise<SqlResult> {
    const { c, d } = await ready();
    const sent = d.rewrite(statement);
    const started = clock.now();
    try {
      if (serverTimeoutMs !== timeoutMs) {
        for (const s of d.timeoutStatements(timeoutMs)) await c.query({ sql: s, timeout: timeoutMs + CLIENT_GRACE_MS });
        serverTimeoutMs = timeoutMs;
      }
      const [rows] = await c.query({ sql: sent, timeout: timeoutMs + CLIENT_GRACE_MS });
      const list = Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
      const affectedRows = Array.isArray(rows) ? 0 : Number((rows as { affectedRows?: number }).affectedRows ?? 0);
      return { statement, rows: list, affectedRows, durationMs: clock.now() - started };
    } catch (e) {
      const mapped = mapSqlError(e, ctx, { phase: 'query', label, statement, timeoutMs });
      // After a client-side timeout or a lost connection the protocol state is unknown: start afresh next time.
      if (mapped.code !== 'SQL_QUERY_FAILED') drop();
      throw mapped;
    }
  }

  const first = await ready();
  return {
    server: first.d.server,
    fixture: first.d.server.kind !== 'oceanbase',
    redact,
    query: (statement: string, opts: SqlQueryOptions = {}) =>
      exec(statement, opts.label ?? 'sql', opts.timeoutMs ?? defaultTimeoutMs),
    async close() {
      const c = conn;
      conn = undefined;
      if (c !== undefined) await c.end().catch(() => c.destroy());
    },
  };
}

function quoteIdent(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}
