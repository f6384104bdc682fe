import type { Finding, RunState } from '../../../core/plan/run-state.ts';
import { shellQuote } from '../../../core/shell-quote.ts';
import type { StepProgram } from '../../../core/ports/runbook.ts';
import { probeDir } from './probe-commands.ts';

export const PROBE_REPORT_PROGRAM = 'ob-upgrade.probe-report';

/** One request of the probe's log. */
interface Sample {
  readonly at: number;
  readonly ms: number;
  readonly ok: boolean;
}

function parseLog(text: string): Sample[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter((p) => p.length === 3 && p.every((n) => Number.isFinite(n)))
    .map(([at, ms, rc]) => ({ at: at ?? 0, ms: ms ?? 0, ok: rc === 0 }));
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);
}

/** The figures of one phase, as a line for the thread. */
export function phaseLine(name: string, samples: readonly Sample[]): string {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const errors = samples.filter((s) => !s.ok).length;
  return `${name}: ${samples.length} requests, ${errors} errors, latency p50 ${percentile(ms, 50)} ms, p99 ${percentile(ms, 99)} ms, max ${ms.at(-1) ?? 0} ms`;
}

/** When a step of the run started and finished. */
function span(run: RunState, stepId: string): { start?: number; end?: number } {
  const s = run.steps[stepId];
  return {
    ...(s?.startedAt !== undefined ? { start: s.startedAt } : {}),
    ...(s?.finishedAt !== undefined ? { end: s.finishedAt } : {}),
  };
}

/**
 * Reads the probe's log and reports one zone's phases: before the zone stopped, while it was out of service
 * (from `ALTER SYSTEM STOP ZONE` to the zone active again), and since. Errors during a phase are a warning
 * (evidence for people), never a failure: the probe reports, it does not decide.
 */
export const probeReportProgram: StepProgram = async (ctx, args) => {
  const host = String(args['host']);
  const cluster = String(args['cluster']);
  const zone = String(args['zone']);
  const stopStep = String(args['stopStep']);
  const activeStep = String(args['activeStep']);
  const since = Number(args['sinceStep'] === undefined ? 0 : (span(ctx.run, String(args['sinceStep'])).end ?? 0));
  // Only this zone's part of the log crosses the wire: the whole of a long upgrade would not fit the capture.
  const from = String(Math.floor(since));
  const out = await ctx.remote.exec(host, {
    command: `awk -v from=${from} '$1 >= from' ${shellQuote(`${probeDir(cluster)}/log`)}`,
  });
  if (out.exitCode !== 0)
    return [{ status: 'warn', title: `business probe, zone ${zone}`, evidence: `no probe log on ${host}` }];
  const samples = parseLog(out.stdout.head + out.stdout.tail);
  const stopped = span(ctx.run, stopStep).start ?? Infinity;
  const active = span(ctx.run, activeStep).end ?? ctx.clock.now();
  const phases: [string, Sample[]][] = [
    [`before zone ${zone} stopped`, samples.filter((s) => s.at < stopped)],
    [`zone ${zone} out of service`, samples.filter((s) => s.at >= stopped && s.at <= active)],
    [`zone ${zone} back`, samples.filter((s) => s.at > active)],
  ];
  const lines = phases.map(([name, s]) => phaseLine(name, s));
  await ctx.progress(lines.join('\n'));
  const errors = phases.reduce((n, [, s]) => n + s.filter((x) => !x.ok).length, 0);
  const findings: Finding[] = [
    {
      status: errors > 0 ? 'warn' : 'pass',
      title: `business probe, zone ${zone}: ${errors} error(s)`,
      evidence: lines.join('; '),
    },
  ];
  return findings;
};
