import { describe, expect, it } from 'vitest';
import { sqlRejectionOf } from '../../../../src/core/ports/sql.ts';
import { mapSqlError, redactor, type ErrorContext } from '../../../../src/runners/sql/map-sql-error.ts';

/**
 * Which driver errors are the server's answer to a statement (shown as "the server rejected …") and which are a
 * connection failure (whose effect is unknown). The errors are shaped exactly as mysql2 throws them against MariaDB.
 */
const ctx: ErrorContext = {
  target: 'obcluster',
  host: '10.0.0.1',
  port: 2881,
  user: 'root',
  redact: redactor(['s3cret']),
};
const site = { phase: 'query' as const, label: 'stop-zone', statement: 'ALTER SYSTEM STOP ZONE z1', timeoutMs: 5000 };

describe('mapSqlError', () => {
  it('takes a statement sent on a connection the driver already closed for a connection failure', () => {
    const e = mapSqlError(
      { message: "Can't add new command when connection is in closed state", fatal: true },
      ctx,
      site,
    );
    expect(e.code).toBe('SQL_UNREACHABLE');
    expect(sqlRejectionOf(e)).toBeUndefined();
  });

  it('takes a killed connection (ER_CONNECTION_KILLED) and a lost server (CR_SERVER_LOST) for connection failures', () => {
    for (const errno of [1927, 2013]) {
      const e = mapSqlError({ message: 'Connection was killed', code: 'ER_CONNECTION_KILLED', errno }, ctx, site);
      expect(e.code, String(errno)).toBe('SQL_UNREACHABLE');
    }
  });

  it("keeps the server's rejection with its number, state and message, redacted", () => {
    const e = mapSqlError(
      {
        message: "Table 'x.no_such_table' doesn't exist (s3cret)",
        code: 'ER_NO_SUCH_TABLE',
        errno: 1146,
        sqlState: '42S02',
      },
      ctx,
      site,
    );
    expect(e.code).toBe('SQL_QUERY_FAILED');
    expect(sqlRejectionOf(e)).toEqual({
      errno: 1146,
      sqlState: '42S02',
      message: "Table 'x.no_such_table' doesn't exist (***)",
      statement: 'ALTER SYSTEM STOP ZONE z1',
    });
  });
});
