import type { Finding } from '../../../core/plan/run-state.ts';
import type { ProbeSeries } from '../../../core/plan/probe-series.ts';
import type { StepProgram } from '../../../core/ports/runbook.ts';
import { shellQuote } from '../../../core/shell-quote.ts';
import { probeDir } from './probe-commands.ts';

export const PROBE_SERIES_PROGRAM = 'ob-upgrade.probe-series';

/** At most about this many buckets: enough to see a few seconds of interruption, few enough to cross the wire. */
const MAX_BUCKETS = 600;

/** A zone and the steps whose times bound its window: the start of the first, the end of the last. */
export interface ZoneWindowSteps {
  readonly zone: string;
  readonly fromStep: string;
  readonly toStep: string;
}

/** The bucket length for a probe that ran `spanMs`: whole seconds, at least one. */
export function bucketMsFor(spanMs: number): number {
  return Math.max(1, Math.ceil(spanMs / MAX_BUCKETS / 1000)) * 1000;
}

/**
 * The `awk` that gathers the probe's log (`<epoch ms> <latency ms> <0|1> …`) into buckets of `size` ms from `from`
 * on, one line per bucket with requests: `<index> <requests> <errors> <sum ms of successes> <max ms of successes>`.
 * Only small numbers are printed (an index, not a time): every awk prints them exactly.
 */
export function seriesAwk(from: number, size: number, log: string): string {
  const program = [
    'BEGIN { last = -1 }',
    '$1 >= from && $3 ~ /^[01]$/ {',
    ' b = int(($1 - from) / size); n[b]++;',
    ' if ($3 == 1) e[b]++; else { s[b] += $2; if ($2 > m[b]) m[b] = $2 }',
    ' if (b > last) last = b',
    '}',
    'END { for (i = 0; i <= last; i++) if (i in n) print i, n[i], e[i] + 0, s[i] + 0, m[i] + 0 }',
  ].join('\n');
  return `awk -v from=${Math.floor(from)} -v size=${size} ${shellQuote(program)} ${shellQuote(log)}`;
}

/** The buckets from the `awk`'s lines: every bucket up to the last with requests, `null` where there were none. */
export function bucketsOf(text: string): ProbeSeries['buckets'] {
  const buckets: ProbeSeries['buckets'] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+) (\d+) (\d+) (\d+) (\d+)$/.exec(line.trim());
    if (m === null) continue;
    const [i, requests, errors, sum, max] = m.slice(1).map(Number) as [number, number, number, number, number];
    if (i >= MAX_BUCKETS * 4) continue;
    while (buckets.length <= i) buckets.push(null);
    const ok = requests - errors;
    buckets[i] = {
      requests,
      errors,
      meanMs: ok > 0 ? Math.round(sum / ok) : null,
      maxMs: ok > 0 ? max : null,
    };
  }
  return buckets;
}

function zonesOf(args: Readonly<Record<string, unknown>>): ZoneWindowSteps[] {
  const zones = Array.isArray(args.zones) ? (args.zones as unknown[]) : [];
  return zones.flatMap((z) => {
    const { zone, fromStep, toStep } = (z ?? {}) as Record<string, unknown>;
    return typeof zone === 'string' && typeof fromStep === 'string' && typeof toStep === 'string'
      ? [{ zone, fromStep, toStep }]
      : [];
  });
}

/**
 * Reads the whole probe log of the upgrade into a `ProbeSeries` (requests, errors and latency per bucket, and
 * each zone's window from the run's step times) and attaches it as JSON with `chart: 'probe-series'`, for chat
 * to draw. The per-zone reports already gave the figures; this is the picture of the whole upgrade. Errors
 * make a warning, never a failure: the probe reports, it does not decide.
 */
export const probeSeriesProgram: StepProgram = async (ctx, args) => {
  const host = typeof args.host === 'string' ? args.host : '';
  const cluster = typeof args.cluster === 'string' ? args.cluster : '';
  const since = typeof args.sinceStep === 'string' ? args.sinceStep : 'probe-start';
  const title = `business probe over the upgrade of ${cluster}`;
  const from = ctx.run.steps[since]?.startedAt;
  if (from === undefined) return [{ status: 'warn', title, evidence: `step ${since} has not run: no probe to chart` }];
  const bucketMs = bucketMsFor(ctx.clock.now() - from);
  const out = await ctx.remote.exec(host, { command: seriesAwk(from, bucketMs, `${probeDir(cluster)}/log`) });
  if (out.exitCode !== 0) return [{ status: 'warn', title, evidence: `no probe log on ${host}` }];
  const buckets = bucketsOf(out.stdout.head + '\n' + out.stdout.tail);
  const zones = zonesOf(args).flatMap((z) => {
    const start = ctx.run.steps[z.fromStep]?.startedAt;
    const end = ctx.run.steps[z.toStep]?.finishedAt;
    return start === undefined ? [] : [{ zone: z.zone, from: start, ...(end !== undefined ? { to: end } : {}) }];
  });
  const series: ProbeSeries = { cluster, from, bucketMs, buckets, zones };
  const requests = buckets.reduce((n, b) => n + (b?.requests ?? 0), 0);
  const errors = buckets.reduce((n, b) => n + (b?.errors ?? 0), 0);
  const finding: Finding = {
    status: errors > 0 ? 'warn' : 'pass',
    title: `${title}: ${errors} error(s) in ${requests} request(s), ${zones.length} zone(s) upgraded`,
    evidence: `latency and errors per ${bucketMs / 1000} s over ${buckets.length} bucket(s), drawn as a chart`,
    attachment: {
      name: `probe-latency-${cluster}.json`,
      mimeType: 'application/json',
      text: JSON.stringify(series),
      chart: 'probe-series',
    },
  };
  return [finding];
};
