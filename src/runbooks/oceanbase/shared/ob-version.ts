import { err, ok, type Result } from '../../../core/result.ts';

/**
 * An OceanBase version `major.minor.majorPatch.minorPatch`, as upgrade_checker.py's `get_version` reads it:
 * exactly four parts, each a decimal integer within the script's ranges (0xffffffff, 0xffff, 0xff, 0xff).
 */
export interface ObVersion {
  readonly text: string;
  readonly parts: readonly [number, number, number, number];
}

const LIMITS = [0xffffffff, 0xffff, 0xff, 0xff] as const;

/** Parses a version the way `get_version` does; the error is the script's message (`version:{0} is invalid`). */
export function parseObVersion(text: string): Result<ObVersion, string> {
  const raw = text.split('.');
  const invalid = err(`version:${text} is invalid`);
  if (raw.length !== 4) return invalid;
  const parts: number[] = [];
  for (const [i, p] of raw.entries()) {
    // int() in Python accepts surrounding blanks but not an empty part or a sign-less garbage string.
    if (!/^\s*\d+\s*$/.test(p)) return invalid;
    const n = Number(p.trim());
    if (n > LIMITS[i as 0 | 1 | 2 | 3]) return invalid;
    parts.push(n);
  }
  return ok({ text, parts: parts as unknown as ObVersion['parts'] });
}

/** Parses a version that is known to be valid (a constant of this code base); throws otherwise. */
export function obVersion(text: string): ObVersion {
  const r = parseObVersion(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** The script's integer form `(a<<32)|(b<<16)|(c<<8)|d`, which OceanBase stores in `__all_virtual_core_table`. */
export function obVersionToInt(v: ObVersion): bigint {
  const [a, b, c, d] = v.parts;
  return (BigInt(a) << 32n) | (BigInt(b) << 16n) | (BigInt(c) << 8n) | BigInt(d);
}

/** Numeric comparison part by part: negative when `a` is older than `b`, 0 when equal, positive when newer. */
export function compareObVersions(a: ObVersion, b: ObVersion): number {
  for (let i = 0; i < 4; i++) {
    const d = a.parts[i as 0]! - b.parts[i as 0]!;
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * What `check_observer_version` actually does: Python's `cmp` on the two strings, i.e. a character-by-character
 * comparison. It is wrong as soon as a part reaches two digits (`"4.10.0.0" < "4.3.5.5"`, `"4.2.10.0" <
 * "4.2.5.1"`). opsgate compares numerically; this function exists so a report can say when the script would
 * have decided differently.
 */
export function scriptStringCompare(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
