import { sh } from '../../../core/shell-quote.ts';

/**
 * Check commands print several named sections per host (`@@ kind name` lines, then what the probe printed, then
 * `@@ exit N` with the probe's exit code) so that one SSH round trip per host answers every question about it;
 * evaluators read them back with `readSections`. `exit` is therefore no section kind.
 */
export interface Section {
  readonly kind: string;
  readonly name: string;
  readonly lines: readonly string[];
  /** The exit code of the section's command; undefined when the output ended before it (cut short, killed). */
  readonly exitCode?: number;
}

/** `printf '\n@@ exit %s\n' "$?"`: ends a section with the exit code of the command just run. */
const EXIT_MARK = String.raw`printf '\n@@ exit %s\n' "$?"`;

/** `echo '@@ kind name'; <command>; <its exit code>`: one section of a host's output. */
export function section(kind: string, name: string, command: string): string {
  return `${sh`echo ${`@@ ${kind} ${name}`}`}; { ${command}; } 2>&1; ${EXIT_MARK}`;
}

/**
 * A section whose name is known only on the host: the value of the shell variable `variable` (e.g. a consumer
 * group read from a tool's answer), printed as data, never run.
 */
export function sectionNamedBy(kind: string, variable: string, command: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) throw new TypeError(`not a shell variable name: ${variable}`);
  return `${sh`printf ${`@@ ${kind} %s\\n`}`} "$${variable}"; { ${command}; } 2>&1; ${EXIT_MARK}`;
}

/** Joins sections into one command; it always exits 0 (each section carries its own exit code). */
export function sections(parts: readonly string[]): string {
  return `${parts.join('; ')}; true`;
}

/** Splits a host's output into its sections, each with the exit code its command ended with. */
export function readSections(stdout: string): Section[] {
  const out: { kind: string; name: string; lines: string[]; exitCode?: number }[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const exit = /^@@ exit (\d+)$/.exec(line);
    const m = exit === null ? /^@@ (\S+) (.*)$/.exec(line) : null;
    const current = out.at(-1);
    if (exit !== null) {
      if (current !== undefined && current.exitCode === undefined) current.exitCode = Number(exit[1]);
    } else if (m !== null) out.push({ kind: m[1] ?? '', name: m[2] ?? '', lines: [] });
    else if (line.trim() !== '' && current?.exitCode === undefined) current?.lines.push(line);
  }
  return out;
}

/** The value of `key:value` or `key=value` in a section's lines. */
export function valueOf(lines: readonly string[], key: string): string | undefined {
  for (const l of lines) {
    const m = new RegExp(`^\\s*${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*[:=]\\s*(.*)$`).exec(l);
    if (m !== null) return (m[1] ?? '').trim();
  }
  return undefined;
}

/** `exit N`, or `no exit code (cut short)`: how a section's command ended, in words for evidence. */
export function exitOf(s: Pick<Section, 'exitCode'>): string {
  return s.exitCode === undefined ? 'no exit code (cut short)' : `exit ${s.exitCode}`;
}
