import type { SqlQueryOptions, SqlResult, SqlSession } from '../../../src/core/ports/sql.ts';
import { assertNever } from '../../../src/core/result.ts';
import { SqlQueryFailedError, SqlTimeoutError } from '../../../src/runners/sql/sql-errors.ts';

type Rows = readonly Record<string, unknown>[];

/** What a scripted statement answers. */
type Answer =
  | { readonly kind: 'rows'; readonly rows: Rows | ((statement: string) => Rows) }
  | { readonly kind: 'write'; readonly affectedRows: number }
  | { readonly kind: 'fail'; readonly error: ServerError };

/** An error the server answers a statement with (e.g. errno 1146, sqlState 42S02: no such table). */
export interface ServerError {
  readonly errno: number;
  readonly sqlState?: string;
  readonly message: string;
}

/**
 * A hand-written SqlSession for unit tests: answers each statement from a table of (exact statement or pattern →
 * rows, a write's affected row count, or a server error) and records every call with its options. As the mysql2
 * session does (the SqlSession contract suite runs against both), failures are coded errors naming the label: an
 * unexpected statement fails with SQL_QUERY_FAILED (so a test sees what was asked), two statements in one call
 * are refused as a syntax error, and a statement scripted with `takes` to run past its timeout (virtual time: it
 * answers at once) fails with SQL_TIMEOUT.
 */
export class FakeSqlSession implements SqlSession {
  readonly calls: { statement: string; opts: SqlQueryOptions | undefined }[] = [];
  private readonly answers: [string | RegExp, Answer][] = [];
  private readonly durations: [string | RegExp, number][] = [];
  private readonly target: string;
  private readonly statementTimeoutMs: number;

  /** `statementTimeoutMs` is the timeout of a statement that sets none (the session's default, 60 s). */
  constructor(opts: { readonly target?: string; readonly statementTimeoutMs?: number } = {}) {
    this.target = opts.target ?? 'fake-sql';
    this.statementTimeoutMs = opts.statementTimeoutMs ?? 60_000;
  }

  /** Adds an answer; later answers win over earlier ones for the same statement. */
  on(match: string | RegExp, rows: Rows | ((statement: string) => Rows)): this {
    this.answers.unshift([match, { kind: 'rows', rows }]);
    return this;
  }

  /** Answers a write (DML/DDL): no rows, `affectedRows` rows changed. */
  onWrite(match: string | RegExp, affectedRows: number): this {
    this.answers.unshift([match, { kind: 'write', affectedRows }]);
    return this;
  }

  /** Answers with a server error. */
  fail(match: string | RegExp, error: ServerError): this {
    this.answers.unshift([match, { kind: 'fail', error }]);
    return this;
  }

  /** Makes matching statements take `ms` of virtual time. */
  takes(match: string | RegExp, ms: number): this {
    this.durations.unshift([match, ms]);
    return this;
  }

  async query(statement: string, opts?: SqlQueryOptions): Promise<SqlResult> {
    this.calls.push({ statement, opts });
    const where = { target: this.target, label: opts?.label ?? 'sql', statement };
    const failed = (serverMessage: string, error: Partial<ServerError> = {}): SqlQueryFailedError =>
      new SqlQueryFailedError({
        ...where,
        serverMessage,
        ...(error.errno === undefined ? {} : { errno: error.errno }),
        ...(error.sqlState === undefined ? {} : { sqlState: error.sqlState }),
      });
    // The session never enables multiple statements, so the server refuses a second one as a syntax error.
    if (holdsTwoStatements(statement)) {
      throw failed('You have an error in your SQL syntax (a second statement)', { errno: 1064, sqlState: '42000' });
    }
    const timeoutMs = opts?.timeoutMs ?? this.statementTimeoutMs;
    const takes = this.durations.find(([m]) => matches(m, statement))?.[1] ?? 0;
    if (takes > timeoutMs) throw new SqlTimeoutError({ ...where, timeoutMs });
    const answer = this.answers.find(([m]) => matches(m, statement))?.[1];
    if (answer === undefined) throw failed(`FakeSqlSession: no answer for ${statement}`);
    switch (answer.kind) {
      case 'rows':
        return {
          statement,
          rows: typeof answer.rows === 'function' ? answer.rows(statement) : answer.rows,
          affectedRows: 0,
          durationMs: 0,
        };
      case 'write':
        return { statement, rows: [], affectedRows: answer.affectedRows, durationMs: 0 };
      case 'fail':
        throw failed(answer.error.message, answer.error);
      default:
        return assertNever(answer);
    }
  }

  async close(): Promise<void> {}
}

function matches(m: string | RegExp, statement: string): boolean {
  return typeof m === 'string' ? m === statement : m.test(statement);
}

/** True when a `;` outside quoted text is followed by more than blanks: the server would see a second statement. */
function holdsTwoStatements(statement: string): boolean {
  let quote: string | undefined;
  for (let i = 0; i < statement.length; i++) {
    const ch = statement[i]!;
    if (quote !== undefined) {
      if (ch === '\\' && quote !== '`') i++;
      else if (ch === quote && statement[i + 1] === quote) i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === ';' && statement.slice(i + 1).trim() !== '') return true;
  }
  return false;
}

/** One row with one column (`count(*)`-style answers). */
export const one = (value: unknown, column = 'c'): Rows => [{ [column]: value }];
