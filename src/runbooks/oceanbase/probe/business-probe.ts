import type { Finding, RunState } from '../../../core/plan/run-state.ts';
import { shellQuote } from '../../../core/shell-quote.ts';
import type { StepProgram } from '../../../core/ports/runbook.ts';
import { probeDir } from './probe-commands.ts';
import {
  duration,
  interruptionLine,
  interruptions,
  longest,
  parseProbeLog,
  phaseLine,
  type Sample,
} from './probe-log.ts';

export const PROBE_REPORT_PROGRAM = 'ob-upgrade.probe-report';

/** At most this many interruptions are listed one by one (the longest is always named). */
const LISTED = 10;

/** When a step of the run started, and finished. */
function span(run: RunState, stepId: string | undefined): { start?: number; end?: number } {
  const s = stepId === undefined ? undefined : run.steps[stepId];
  return {
    ...(s?.startedAt !== undefined ? { start: s.startedAt } : {}),
    ...(s?.finishedAt !== undefined ? { end: s.finishedAt } : {}),
  };
}

/**
 * Sends only this zone's part of the log (the whole of a long upgrade would not fit the capture), and of it only
 * what the report needs: `<at> <ms> <0|1>`, and a failure's error text where it differs from the previous one's.
 */
function reportAwk(from: number, log: string): string {
  const program = [
    '$1 >= from {',
    ' if ($3 == 0) { print $1, $2, 0; next }',
    ' e = ""; for (i = 5; i <= NF; i++) e = e (i > 5 ? " " : "") $i;',
    ' if (e == last) print $1, $2, 1; else { print $1, $2, 1, e; last = e }',
    '}',
  ].join('');
  return `awk -v from=${Math.floor(from)} ${shellQuote(program)} ${shellQuote(log)}`;
}

/** The args of the report step: the zone, and the steps whose start bounds each phase. */
interface ReportArgs {
  readonly host: string;
  readonly cluster: string;
  readonly zone: string;
  readonly sinceStep?: string;
  readonly stopZoneStep: string;
  readonly stopObserverStep: string;
  readonly startZoneStep: string;
}

function reportArgs(args: Record<string, unknown>): ReportArgs {
  const str = (k: string) => (typeof args[k] === 'string' ? args[k] : undefined);
  const need = (k: string) => {
    const v = str(k);
    if (v === undefined) throw new Error(`${PROBE_REPORT_PROGRAM}: argument ${k} is missing`);
    return v;
  };
  const since = str('sinceStep');
  return {
    host: need('host'),
    cluster: need('cluster'),
    zone: need('zone'),
    ...(since !== undefined ? { sinceStep: since } : {}),
    stopZoneStep: need('stopZoneStep'),
    stopObserverStep: need('stopObserverStep'),
    startZoneStep: need('startZoneStep'),
  };
}

/**
 * Reads the probe's log and reports one zone as the business saw it, in four phases bounded by the zone's steps:
 * before stop (until `ALTER SYSTEM STOP ZONE`), zone stopped (until its observers are stopped), observers
 * restarted (stopped, upgraded, started, until `ALTER SYSTEM START ZONE`), after start (until this report): each
 * with requests, errors and latency p50/p99/max; then every interruption (consecutive failed requests: when, how
 * long, which errors) and the longest. Errors make a warning (evidence for people), never a failure: the probe
 * reports, it does not decide.
 */
export const probeReportProgram: StepProgram = async (ctx, rawArgs) => {
  const a = reportArgs(rawArgs);
  const since = span(ctx.run, a.sinceStep).end ?? 0;
  const out = await ctx.remote.exec(a.host, { command: reportAwk(since, `${probeDir(a.cluster)}/log`) });
  if (out.exitCode !== 0)
    return [{ status: 'warn', title: `business probe, zone ${a.zone}`, evidence: `no probe log on ${a.host}` }];
  const samples = parseProbeLog(out.stdout.head + '\n' + out.stdout.tail);
  const at = (step: string) => span(ctx.run, step).start ?? Infinity;
  const bounds = [at(a.stopZoneStep), at(a.stopObserverStep), at(a.startZoneStep), Infinity];
  const names = ['before stop', 'zone stopped', 'observers restarted', 'after start'];
  const phaseOf = (s: Pick<Sample, 'at'>) => names[bounds.findIndex((b) => s.at < b)] ?? 'after start';
  const lines = names.map((n) =>
    phaseLine(
      `zone ${a.zone}, ${n}`,
      samples.filter((s) => phaseOf(s) === n),
    ),
  );
  const cuts = interruptions(samples);
  const worst = longest(cuts);
  lines.push(
    worst === undefined
      ? 'no interruption: no request failed'
      : `longest interruption: ${interruptionLine(worst, phaseOf({ at: worst.from }))}`,
  );
  if (cuts.length > 1) {
    const listed = cuts.slice(0, LISTED).map((i) => interruptionLine(i, phaseOf({ at: i.from })));
    const more = cuts.length > LISTED ? ` … and ${cuts.length - LISTED} more` : '';
    lines.push(`${cuts.length} interruptions: ${listed.join(' / ')}${more}`);
  }
  if (out.stdout.truncated)
    lines.push('the log of this zone was larger than what crosses the wire: requests in its middle are missing above');
  await ctx.progress(lines.join('\n'));
  const errors = samples.filter((s) => !s.ok).length;
  const findings: Finding[] = [
    {
      status: errors > 0 ? 'warn' : 'pass',
      title:
        `business probe, zone ${a.zone}: ${errors} error(s) in ${samples.length} request(s)` +
        (worst === undefined ? '' : `, longest interruption ${duration(worst.to - worst.from)}`),
      evidence: lines.join('; '),
    },
  ];
  return findings;
};
