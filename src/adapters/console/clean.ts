const MAX_FIELD = 2000;

/**
 * Most characters of a command a gate or a plan shows whole: far beyond any runbook's (a few KiB), a bound only so
 * that no input can make a terminal print without end.
 */
const WHOLE_COMMAND = 256 * 1024;

/**
 * Drops terminal escapes and control characters, and cuts a very long value: every string shown in a terminal
 * comes from an event or a reply that may hold an output tail's escapes.
 */
export function clean(s: string): string {
  return cleanUpTo(s, MAX_FIELD);
}

/** `clean` for a command a gate or a plan shows: whole, up to a bound no runbook comes near. */
export function cleanCommand(s: string): string {
  return cleanUpTo(s, WHOLE_COMMAND);
}

function cleanUpTo(s: string, max: number): string {
  const t = s
    /* eslint-disable no-control-regex -- these patterns exist to match control characters */
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '')
    /* eslint-enable no-control-regex */
    .replace(/\n/g, ' ⏎ ');
  return t.length > max ? `${t.slice(0, max)}… (${t.length - max} more characters)` : t;
}
