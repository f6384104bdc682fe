const MAX_FIELD = 2000;

/**
 * Drops terminal escapes and control characters, and cuts a very long value: every string shown in a terminal
 * comes from an event or a reply that may hold an output tail's escapes.
 */
export function clean(s: string): string {
  const t = s
    /* eslint-disable no-control-regex -- these patterns exist to match control characters */
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '')
    /* eslint-enable no-control-regex */
    .replace(/\n/g, ' ⏎ ');
  return t.length > MAX_FIELD ? `${t.slice(0, MAX_FIELD)}… (${t.length - MAX_FIELD} more characters)` : t;
}
