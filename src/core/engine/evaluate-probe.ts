import type { CommandResult } from '../ports/remote.ts';
import type { Probe } from '../plan/step-schema.ts';
import { describeProbe, formatBytes, oneLine, type ProbeFinding } from '../plan/probes.ts';
import type { SqlResult } from '../ports/sql.ts';
import { assertNever } from '../result.ts';
import { judgeService, readServiceProbe } from '../plan/service-probe.ts';

/** Reads a host probe's command result into a finding. */
export function evaluateHostProbe(p: Probe, result: CommandResult): ProbeFinding {
  const base = { probe: describeProbe(p), host: result.host };
  const out = result.stdout.head.trim();
  switch (p.kind) {
    case 'path-exists':
      return {
        ...base,
        ok: result.exitCode === 0,
        evidence: `${p.path} ${result.exitCode === 0 ? 'exists' : 'is absent'}`,
      };
    case 'path-absent':
      return {
        ...base,
        ok: result.exitCode === 0,
        evidence: `${p.path} ${result.exitCode === 0 ? 'is absent' : 'exists'}`,
      };
    case 'free-disk': {
      const free = /^\d+$/.test(out) ? Number(out) : undefined;
      if (result.exitCode !== 0 || free === undefined)
        return { ...base, ok: false, evidence: `cannot read free disk on ${p.path}` };
      const ok = free >= p.minBytes;
      return {
        ...base,
        ok,
        evidence: `free ${formatBytes(free)} ${ok ? '>=' : '<'} ${formatBytes(p.minBytes)} needed on ${p.path}`,
      };
    }
    case 'service':
      return { ...base, ...judgeService(p, readServiceProbe(result.stdout.head + result.stdout.tail)) };
    case 'output-matches': {
      const ok = result.exitCode === 0 && new RegExp(p.pattern, 'm').test(result.stdout.head + result.stdout.tail);
      return {
        ...base,
        ok,
        evidence: ok ? `output matches /${p.pattern}/` : `exit ${String(result.exitCode)}, output: ${oneLine(out)}`,
      };
    }
    case 'sql-matches':
      throw new Error('sql-matches is not a host probe');
    default:
      return assertNever(p, 'probe');
  }
}

/** Reads an SQL probe's rows into a finding. */
export function evaluateSqlProbe(
  p: Extract<Probe, { kind: 'sql-matches' }>,
  target: string,
  result: SqlResult,
): ProbeFinding {
  const text = result.rows.map((r) => Object.values(r).map(String).join('\t')).join('\n');
  const ok = new RegExp(p.pattern, 'm').test(text);
  return {
    probe: describeProbe(p),
    host: target,
    ok,
    evidence: ok ? `rows match /${p.pattern}/` : `rows: ${oneLine(text)}`,
  };
}
