import { err, ok, type Result } from '../../../core/result.ts';

/**
 * A single-quoted SQL string literal with backslashes and quotes escaped (MySQL and OceanBase both read
 * backslash escapes with the default sql_mode). Every value interpolated into the OceanBase SQL goes through
 * this or through a stricter validator.
 */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\0/g, '\\0')}'`;
}

/** A zone name as OceanBase allows it (letters, digits, `_`, `-`, `.`), or a message naming what is wrong. */
export function validZone(zone: string): Result<string, string> {
  return /^[A-Za-z0-9_.-]{1,128}$/.test(zone)
    ? ok(zone)
    : err(`zone name ${JSON.stringify(zone)} is not a valid OceanBase zone name`);
}

/** A version string that is safe to quote (digits and dots only). */
export function validVersionText(v: string): Result<string, string> {
  return /^\d+(\.\d+){3}$/.test(v) ? ok(v) : err(`version ${JSON.stringify(v)} is not of the form a.b.c.d`);
}
