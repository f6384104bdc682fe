import type { CommandResult } from '../ports/remote.ts';
import type { SqlResult } from '../ports/sql.ts';
import type { Probe } from '../plan/step-schema.ts';
import { shellQuote } from '../shell-quote.ts';
import { assertNever } from '../result.ts';

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
      return `service ${p.name} is ${p.state}`;
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
      return `service ${shellQuote(p.name)} status >/dev/null 2>&1; echo $?`;
    case 'output-matches':
      return p.command;
    case 'sql-matches':
      return undefined;
    default:
      return assertNever(p, 'probe');
  }
}

/** Reads a host probe's command result into a finding. */
export function evaluateHostProbe(p: Probe, result: CommandResult): ProbeFinding {
  const base = { probe: describeProbe(p), host: result.host };
  const out = result.stdout.head.trim();
  switch (p.kind) {
    case 'path-exists':
      return { ...base, ok: result.exitCode === 0, evidence: `${p.path} ${result.exitCode === 0 ? 'exists' : 'is absent'}` };
    case 'path-absent':
      return { ...base, ok: result.exitCode === 0, evidence: `${p.path} ${result.exitCode === 0 ? 'is absent' : 'exists'}` };
    case 'free-disk': {
      const free = /^\d+$/.test(out) ? Number(out) : undefined;
      if (result.exitCode !== 0 || free === undefined) return { ...base, ok: false, evidence: `cannot read free disk on ${p.path}` };
      const ok = free >= p.minBytes;
      return { ...base, ok, evidence: `free ${formatBytes(free)} ${ok ? '>=' : '<'} ${formatBytes(p.minBytes)} needed on ${p.path}` };
    }
    case 'service': {
      // `service … status` follows LSB: 0 running, 3 stopped; anything else is unknown and fails both states.
      const code = /^\d+$/.test(out) ? Number(out) : -1;
      const state = code === 0 ? 'running' : code === 3 ? 'stopped' : `unknown (status ${out || 'none'})`;
      return { ...base, ok: state === p.state, evidence: `service ${p.name} is ${state}` };
    }
    case 'output-matches': {
      const ok = result.exitCode === 0 && new RegExp(p.pattern, 'm').test(result.stdout.head + result.stdout.tail);
      return { ...base, ok, evidence: ok ? `output matches /${p.pattern}/` : `exit ${String(result.exitCode)}, output: ${oneLine(out)}` };
    }
    case 'sql-matches':
      throw new Error('sql-matches is not a host probe');
    default:
      return assertNever(p, 'probe');
  }
}

/** Reads an SQL probe's rows into a finding. */
export function evaluateSqlProbe(p: Extract<Probe, { kind: 'sql-matches' }>, target: string, result: SqlResult): ProbeFinding {
  const text = result.rows.map((r) => Object.values(r).map(String).join('\t')).join('\n');
  const ok = new RegExp(p.pattern, 'm').test(text);
  return { probe: describeProbe(p), host: target, ok, evidence: ok ? `rows match /${p.pattern}/` : `rows: ${oneLine(text)}` };
}

function oneLine(s: string): string {
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
