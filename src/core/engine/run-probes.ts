import type { RemoteSession } from '../ports/remote.ts';
import type { SqlSession } from '../ports/sql.ts';
import { describeError } from '../opsgate-error.ts';
import { compileProbe, describeProbe, type ProbeFinding } from '../plan/probes.ts';
import { evaluateHostProbe, evaluateSqlProbe } from './evaluate-probe.ts';
import type { ExecutableStep, Probe } from '../plan/step-schema.ts';

const PROBE_TIMEOUT_MS = 30_000;

/** Where probes run: the step's hosts by default, and its SQL session for SQL probes. */
export interface ProbeTargets {
  readonly hosts: readonly string[];
  readonly remote: RemoteSession;
  readonly sql?: { readonly target: string; readonly session: SqlSession };
}

/** The hosts a step's host probes run on by default (none for an SQL step: its probes name their hosts). */
export function defaultProbeHosts(step: ExecutableStep): readonly string[] {
  return step.targets.kind === 'hosts' ? step.targets.hosts : [];
}

/**
 * Runs probes, each on its hosts in parallel, and returns one finding per probe and host. A probe that cannot
 * run (host unreachable, timeout) is a failed finding saying so, never an exception: probes inform people.
 */
export async function runProbes(probes: readonly Probe[], at: ProbeTargets): Promise<ProbeFinding[]> {
  const findings: ProbeFinding[] = [];
  for (const p of probes) {
    if (p.kind === 'sql-matches') {
      findings.push(await runSqlProbe(p, at));
      continue;
    }
    const command = compileProbe(p) ?? '';
    const hosts = p.hosts ?? at.hosts;
    const outcomes = await at.remote.fanOut(hosts, () => ({ command, timeoutMs: PROBE_TIMEOUT_MS }));
    for (const o of outcomes) {
      if (o.status === 'done') findings.push(evaluateHostProbe(p, o.result));
      else {
        const why = o.status === 'error' ? describeError(o.error) : 'not run';
        findings.push({ probe: describeProbe(p), host: o.host, ok: false, evidence: `probe could not run: ${why}` });
      }
    }
  }
  return findings;
}

async function runSqlProbe(p: Extract<Probe, { kind: 'sql-matches' }>, at: ProbeTargets): Promise<ProbeFinding> {
  if (at.sql === undefined)
    return { probe: describeProbe(p), host: '(sql)', ok: false, evidence: 'no SQL session for this step' };
  try {
    return evaluateSqlProbe(p, at.sql.target, await at.sql.session.query(p.sql, { timeoutMs: PROBE_TIMEOUT_MS }));
  } catch (e) {
    return {
      probe: describeProbe(p),
      host: at.sql.target,
      ok: false,
      evidence: `probe could not run: ${describeError(e)}`,
    };
  }
}

/** "on fdfs-3: /app/data exists; /app/data_bak is absent" */
export function summariseFindings(findings: readonly ProbeFinding[]): string {
  return findings.map((f) => `${f.ok ? 'ok' : 'NOT ok'} on ${f.host}: ${f.evidence}`).join('; ');
}
