import type { SqlQueryOptions, SqlResult, SqlSession } from '../../../src/core/ports/sql.ts';

type Rows = readonly Record<string, unknown>[];

/**
 * A hand-written SqlSession for unit tests: answers each statement from a table of (exact statement or pattern →
 * rows) and records every call with its options. An unexpected statement throws, so a test sees what was asked.
 */
export class FakeSqlSession implements SqlSession {
  readonly calls: { statement: string; opts: SqlQueryOptions | undefined }[] = [];
  private readonly answers: [string | RegExp, Rows | ((statement: string) => Rows)][] = [];

  /** Adds an answer; later answers win over earlier ones for the same statement. */
  on(match: string | RegExp, rows: Rows | ((statement: string) => Rows)): this {
    this.answers.unshift([match, rows]);
    return this;
  }

  async query(statement: string, opts?: SqlQueryOptions): Promise<SqlResult> {
    this.calls.push({ statement, opts });
    const hit = this.answers.find(([m]) => (typeof m === 'string' ? m === statement : m.test(statement)));
    if (hit === undefined) throw new Error(`FakeSqlSession: no answer for ${statement}`);
    const rows = typeof hit[1] === 'function' ? hit[1](statement) : hit[1];
    return { statement, rows, affectedRows: 0, durationMs: 0 };
  }

  async close(): Promise<void> {}
}

/** One row with one column (`count(*)`-style answers). */
export const one = (value: unknown, column = 'c'): Rows => [{ [column]: value }];
