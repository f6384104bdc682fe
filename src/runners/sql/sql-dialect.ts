import type { SqlServerInfo } from './classify-server.ts';

/**
 * The small dialect layer between OceanBase's SQL and the server actually connected.
 *
 * On OceanBase nothing is rewritten; the session's timeouts are OceanBase's own variables. On the MariaDB test
 * fixture (and only there: any other non-OceanBase server is refused before a statement runs) three documented
 * rewrites make OceanBase's statements runnable; everything else runs exactly as written:
 *
 * 1. `schema`: the qualifier `oceanbase.` names the fixture database, which tests give a unique name; the
 *    qualifier is replaced outside quoted text (the connection's default database already is the fixture).
 * 2. `ob-query-timeout`: `set [@@]session[.]ob_query_timeout = N` (N in microseconds; MariaDB answers ER 1193
 *    unknown variable) becomes `SET SESSION max_statement_time = N/1e6` (seconds).
 * 3. `alter-system-set`: `alter system set k = 'v' [server 'ip:port']` (MariaDB has no ALTER SYSTEM: ER 1064)
 *    becomes an UPDATE of the fixture's parameter table, which every parameter view reads, so a later poll of
 *    GV$OB_PARAMETERS or __all_virtual_sys_parameter_stat sees the change as it would on OceanBase.
 */
export interface SqlDialect {
  readonly server: SqlServerInfo;
  /** Statements that set the session's statement timeout (run after connecting and when the timeout changes). */
  timeoutStatements(timeoutMs: number): readonly string[];
  /** The statement to send for `statement`. */
  rewrite(statement: string): string;
}

/** The fixture's parameter table (see test/support/oceanbase). */
export const FIXTURE_PARAMETER_TABLE = '__opsgate_parameter';
/** The table whose presence marks a database as opsgate's OceanBase fixture. */
export const FIXTURE_MARKER_TABLE = '__opsgate_fixture';

/** The dialect of a real OceanBase: statements unchanged, OceanBase's session timeouts. */
export function oceanBaseDialect(server: SqlServerInfo): SqlDialect {
  return {
    server,
    timeoutStatements: (ms) => {
      const us = Math.max(1, Math.round(ms * 1000));
      return [`SET SESSION ob_query_timeout = ${us}`, `SET SESSION ob_trx_timeout = ${us}`];
    },
    rewrite: (s) => s,
  };
}

/** The dialect of the MariaDB fixture in database `database`. */
export function fixtureDialect(server: SqlServerInfo, database: string): SqlDialect {
  return {
    server,
    timeoutStatements: (ms) => [`SET SESSION max_statement_time = ${seconds(ms * 1000)}`],
    rewrite: (s) => rewriteAlterSystemSet(rewriteObQueryTimeout(rewriteSchema(s, database)), database),
  };
}

function seconds(us: number): string {
  return (Math.max(0, us) / 1_000_000).toFixed(6);
}

/** Rewrite 1: `oceanbase.` (any case) outside quotes and identifiers becomes the fixture database. */
export function rewriteSchema(statement: string, database: string): string {
  if (database === 'oceanbase') return statement;
  const quoted = '`' + database.replace(/`/g, '``') + '`.';
  let out = '';
  let i = 0;
  while (i < statement.length) {
    const ch = statement[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = closingQuote(statement, i);
      out += statement.slice(i, end);
      i = end;
      continue;
    }
    const prev = i === 0 ? '' : statement[i - 1]!;
    if (!/[A-Za-z0-9_$]/.test(prev) && statement.slice(i, i + 10).toLowerCase() === 'oceanbase.') {
      out += quoted;
      i += 10;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

/** Index just past the quote that closes the one at `start` (backslash escapes and doubled quotes honoured). */
function closingQuote(s: string, start: number): number {
  const q = s[start]!;
  let i = start + 1;
  while (i < s.length) {
    if (s[i] === '\\' && q !== '`') i += 2;
    else if (s[i] === q && s[i + 1] === q) i += 2;
    else if (s[i] === q) return i + 1;
    else i++;
  }
  return s.length;
}

const OB_QUERY_TIMEOUT = /^\s*set\s+(?:@@session\.|session\s+|@@)ob_query_timeout\s*=\s*(\d+)\s*;?\s*$/i;

/** Rewrite 2: OceanBase's session query timeout becomes MariaDB's `max_statement_time`. */
export function rewriteObQueryTimeout(statement: string): string {
  const m = OB_QUERY_TIMEOUT.exec(statement);
  return m?.[1] === undefined ? statement : `SET SESSION max_statement_time = ${seconds(Number(m[1]))}`;
}

const ALTER_SYSTEM_SET =
  /^\s*alter\s+system\s+set\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*'([^'\\]*)'(?:\s+server\s*=?\s*'([0-9A-Fa-f:.]+):(\d+)')?\s*;?\s*$/i;

/** Rewrite 3: `alter system set k = 'v' [server 'ip:port']` becomes an UPDATE of the fixture's parameters. */
export function rewriteAlterSystemSet(statement: string, database: string): string {
  const m = ALTER_SYSTEM_SET.exec(statement);
  if (m === null) return statement;
  const [, name, value, ip, port] = m;
  const table = '`' + database.replace(/`/g, '``') + '`.' + FIXTURE_PARAMETER_TABLE;
  const server = ip === undefined ? '' : ` and svr_ip = '${ip}' and svr_port = ${Number(port)}`;
  return `UPDATE ${table} SET value = '${value}' WHERE name = '${name}' and scope = 'CLUSTER'${server}`;
}
