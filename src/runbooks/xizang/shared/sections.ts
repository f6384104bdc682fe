import { sh } from '../../../core/shell-quote.ts';

/**
 * Precheck commands print several named sections per host (`@@ kind name` lines, then what the probe printed) so
 * that one SSH round trip per host answers every question about it; evaluators read them back with `readSections`.
 */
export interface Section {
  readonly kind: string;
  readonly name: string;
  readonly lines: readonly string[];
}

/** `echo '@@ kind name'; <command>`: one section of a host's output. */
export function section(kind: string, name: string, command: string): string {
  return `${sh`echo ${`@@ ${kind} ${name}`}`}; { ${command}; } 2>&1`;
}

/** Joins sections into one command; it always exits 0 (the evaluator judges what each section printed). */
export function sections(parts: readonly string[]): string {
  return `${parts.join('; ')}; true`;
}

/** Splits a host's output into its sections. */
export function readSections(stdout: string): Section[] {
  const out: { kind: string; name: string; lines: string[] }[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^@@ (\S+) (.*)$/.exec(line);
    if (m !== null) out.push({ kind: m[1] ?? '', name: m[2] ?? '', lines: [] });
    else if (line.trim() !== '') out.at(-1)?.lines.push(line);
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
