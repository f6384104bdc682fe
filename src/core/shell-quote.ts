/**
 * POSIX shell quoting: the only way a value from a site file, a runbook or a human may reach a remote command
 * line. Every value becomes one single-quoted word, so the shell never expands, splits or globs it.
 */

/**
 * Quotes `value` as one POSIX shell word: `'…'`, with each `'` written as `'\''`.
 * The empty string becomes `''` (an empty argument, not a missing one). A value starting with `-` is still
 * an option to most commands: put `--` before it where the command supports it.
 */
export function shellQuote(value: string | number): string {
  const text = String(value);
  if (text.includes('\0')) {
    // A NUL cannot travel in an argument: the remote command would silently see a truncated value.
    throw new TypeError('shellQuote: value contains a NUL byte');
  }
  // Plain words need no quotes; keeping them bare makes commands in chat and audit easier to read.
  // (No `=`: a bare `NAME=value` in command position would be an assignment.)
  if (/^[A-Za-z0-9_@%+:,./-]+$/.test(text)) return text;
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A piece of command text that `sh` inserts as is (already quoted or built by us). */
export class ShellFragment {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Marks text built by our own code (e.g. a fixed redirection) so that `sh` inserts it without quoting. */
export function raw(text: string): ShellFragment {
  return new ShellFragment(text);
}

/**
 * Tagged template that quotes every interpolated value: `` sh`mv -- ${src} ${dst}` ``. An array becomes one
 * quoted word per element; a `ShellFragment` (from `raw` or a nested `sh`) is inserted as is, so commands compose.
 * Returns a plain string, ready for `CommandRequest.command`.
 */
export function sh(strings: TemplateStringsArray, ...values: readonly ShellValue[]): string {
  return shFragment(strings, ...values).text;
}

/** Like `sh`, but returns a fragment that can be nested in another `sh` template without being quoted again. */
export function shFragment(strings: TemplateStringsArray, ...values: readonly ShellValue[]): ShellFragment {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += renderValue(value) + (strings[i + 1] ?? '');
  });
  return new ShellFragment(out);
}

/** What `sh` accepts between `${}`. */
export type ShellValue = string | number | ShellFragment | readonly (string | number)[];

function renderValue(value: ShellValue): string {
  if (value instanceof ShellFragment) return value.text;
  if (Array.isArray(value)) return value.map((v: string | number) => shellQuote(v)).join(' ');
  if (typeof value === 'string' || typeof value === 'number') return shellQuote(value);
  // A null/undefined/object slipping in through an `any` would otherwise print "undefined" into a command.
  throw new TypeError(`sh: cannot interpolate a value of type ${typeof value}`);
}
