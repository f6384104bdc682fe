import type { CheckIo } from './ob-check.ts';
import { parseObVersion, type ObVersion } from '../shared/ob-version.ts';
import { cell, columnCount, isOneByOne, num, text } from './ob-rows.ts';

/** The script's cluster-version query, with the two spaces before `where` that most checks have. */
export const MIN_OBSERVER_VERSION_SQL =
  "select distinct value from GV$OB_PARAMETERS  where name='min_observer_version'";
/** The same query with one space, as `check_disk_space_for_mds_sstable_compat` and the cs_encoding check spell it. */
export const MIN_OBSERVER_VERSION_SQL_1 =
  "select distinct value from GV$OB_PARAMETERS where name='min_observer_version'";
/** The data-version query (`compatible`, tenant scope). */
export const COMPATIBLE_SQL =
  "select distinct value from oceanbase.__all_virtual_tenant_parameter_info where name='compatible'";

/** The script's message when the cluster version is not one value. */
export const MIN_OBSERVER_VERSION_NOT_SYNC = 'min_observer_version is not sync';
/** The script's message when the data version is not one value. */
export const COMPATIBLE_NOT_SYNC = 'compatible is not sync';
/** The script's message when a version row has more than one column. */
export const COLUMN_CNT_NOT_MATCH = 'column cnt not match';

/**
 * Reads a single distinct version value as the script does before every gate: fewer or more than one row fails
 * with `notSync`, a row with more than one column with `column cnt not match`. A value that `get_version`
 * would reject (the script then aborts) is collected as `version:{0} is invalid` instead.
 */
export async function readVersion(io: CheckIo, sql: string, notSync: string): Promise<ObVersion | undefined> {
  const rows = await io.query(sql);
  if (rows.length !== 1) {
    io.fail(notSync);
    return undefined;
  }
  if (columnCount(rows[0]) !== 1) {
    io.fail(COLUMN_CNT_NOT_MATCH);
    return undefined;
  }
  const parsed = parseObVersion(text(cell(rows[0])));
  if (!parsed.ok) {
    io.fail(parsed.error);
    return undefined;
  }
  return parsed.value;
}

/** Reads the cluster version (`min_observer_version`). */
export function readClusterVersion(io: CheckIo, sql = MIN_OBSERVER_VERSION_SQL): Promise<ObVersion | undefined> {
  return readVersion(io, sql, MIN_OBSERVER_VERSION_NOT_SYNC);
}

/** Reads the data version (`compatible`). */
export function readDataVersion(io: CheckIo): Promise<ObVersion | undefined> {
  return readVersion(io, COMPATIBLE_SQL, COMPATIBLE_NOT_SYNC);
}

/** How a count check reads its one number. */
export interface CountRule {
  /** `positive`: the script tests `> 0`; `nonzero`: it tests `!= 0`. */
  readonly failWhen: 'positive' | 'nonzero';
  /** The failure message; `{0}` is replaced by the count, as the script's `format` does. */
  readonly message: string;
  /** The message when the result is not one row of one column (only where the script tests the shape). */
  readonly shapeMessage?: string;
}

/** Runs a `select count(…)` statement and fails with the script's message when the count says so. */
export async function countCheck(io: CheckIo, sql: string, rule: CountRule): Promise<void> {
  const rows = await io.query(sql);
  if (rule.shapeMessage !== undefined && !isOneByOne(rows)) {
    io.fail(rule.shapeMessage);
    return;
  }
  const n = num(cell(rows[0]));
  const failed = rule.failWhen === 'positive' ? n > 0 : n !== 0;
  if (failed) io.fail(formatMessage(rule.message, n));
}

/** Python's `'{0} … {1}'.format(a, b)` for the script's messages. */
export function formatMessage(template: string, ...args: readonly unknown[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? text(args[Number(i)]) : m));
}
