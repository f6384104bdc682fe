import type { ObRow } from './ob-check.ts';

/**
 * The script reads results by position (`results[0][0]`); the SQL port gives rows keyed by column name in the
 * server's column order. This reads the i-th column of a row.
 */
export function cell(row: ObRow | undefined, index = 0): unknown {
  if (row === undefined) return undefined;
  return Object.values(row)[index];
}

/** Number of columns in a row (the script's `len(results[0])`). */
export function columnCount(row: ObRow | undefined): number {
  return row === undefined ? 0 : Object.keys(row).length;
}

/** A numeric cell as a number (drivers return big integers and decimals as strings); NaN when not numeric. */
export function num(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return Number.NaN;
}

/** A cell as text, the way Python's `format` would print it. */
export function text(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** True when the result is exactly one row of one column. */
export function isOneByOne(rows: readonly ObRow[]): boolean {
  return rows.length === 1 && columnCount(rows[0]) === 1;
}
