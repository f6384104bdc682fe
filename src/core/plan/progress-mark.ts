/**
 * How a command reports a long wait's progress in its own output: a line holding `##progress AWAITED | VALUE`
 * (anywhere in the line: tools prefix their messages, e.g. `tar: ##progress …`). The engine turns such lines into
 * `step.progress` events, so the value shown is what the software printed (bytes tar has read, the lag Kafka
 * reports), never an estimate of ours.
 */
export const PROGRESS_MARK = '##progress ';

const SEPARATOR = ' | ';

/** The mark a command prints before the value, for `awaited` (which must not hold ` | ` or a newline). */
export function progressMark(awaited: string): string {
  return `${PROGRESS_MARK}${awaited.replace(/\s*\|\s*/g, ' / ').replace(/\n/g, ' ')}${SEPARATOR}`;
}

/** What a progress line says, or undefined for any other line. */
export function parseProgressMark(line: string): { awaited: string; value: string } | undefined {
  const at = line.indexOf(PROGRESS_MARK);
  if (at < 0) return undefined;
  const rest = line.slice(at + PROGRESS_MARK.length);
  const sep = rest.indexOf(SEPARATOR);
  if (sep <= 0) return undefined;
  const awaited = rest.slice(0, sep).trim();
  const value = rest.slice(sep + SEPARATOR.length).trim();
  return awaited === '' ? undefined : { awaited, value };
}
