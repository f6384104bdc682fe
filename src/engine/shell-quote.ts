/**
 * Quotes one value for a POSIX shell: the result is always a single word whatever the value holds
 * (single quotes, with each embedded `'` written as `'\''`). Every value interpolated into a command goes
 * through this.
 */
export function shellQuote(value: string | number): string {
  const s = String(value);
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
