import type { Probe } from './step-schema.ts';
import { shellQuote } from '../shell-quote.ts';
import { assertNever } from '../result.ts';
import { compileServiceProbe } from './service-probe.ts';

/** What one probe found on one host (or SQL target): evidence a person can read. */
export interface ProbeFinding {
  readonly probe: string;
  readonly host: string;
  readonly ok: boolean;
  /** e.g. "/app/redis exists", "free 1.2 GB < 2 GB needed on /app". */
  readonly evidence: string;
}

/** A one-line description of a probe, for the dry run and findings. */
export function describeProbe(p: Probe): string {
  switch (p.kind) {
    case 'path-exists':
      return `${p.path} exists`;
    case 'path-absent':
      return `${p.path} is absent`;
    case 'free-disk':
      return `free disk on ${p.path} >= ${formatBytes(p.minBytes)}`;
    case 'service':
      return `service ${p.name} is ${p.state} (${p.process}${p.port === undefined ? '' : `, port ${p.port}`})`;
    case 'output-matches':
      return `output of \`${p.command}\` matches /${p.pattern}/`;
    case 'sql-matches':
      return `result of \`${p.sql}\` matches /${p.pattern}/`;
    default:
      return assertNever(p, 'probe');
  }
}

/** The exact shell command a host probe runs; SQL probes have none. */
export function compileProbe(p: Probe): string | undefined {
  switch (p.kind) {
    case 'path-exists':
      return `test -e ${shellQuote(p.path)}`;
    case 'path-absent':
      return `test ! -e ${shellQuote(p.path)}`;
    case 'free-disk':
      return `df -P -B1 ${shellQuote(p.path)} | awk 'NR==2 {print $4}'`;
    case 'service':
      return compileServiceProbe(p);
    case 'output-matches':
      return p.command;
    case 'sql-matches':
      return undefined;
    default:
      return assertNever(p, 'probe');
  }
}

/** Output squeezed onto one line of at most 160 characters, for evidence. */
export function oneLine(s: string): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line || '(empty)';
}

/** 1536 → "1.5 KiB". */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i] ?? 'B'}`;
}
