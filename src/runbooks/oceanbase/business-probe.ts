import type { Finding, RunState } from '../../engine/run-state.ts';
import type { HostCommand } from '../../engine/step-schema.ts';
import { shellQuote } from '../../runners/ssh/shell-quote.ts';
import type { StepProgram } from '../runbook.ts';

export const PROBE_REPORT_PROGRAM = 'ob-upgrade.probe-report';

/** Where the probe keeps its pid file and its log of requests on the probe host. */
export function probeDir(cluster: string): string {
  return `/var/tmp/opsgate-ob-probe-${cluster}`;
}

/**
 * The MySQL option file with the business tenant's password, on the probe host (mode 600, put there by the
 * site's operators, or by the lab). The password never passes through opsgate, its plans or its thread.
 */
export function probeCredentialsFile(cluster: string): string {
  return `/etc/opsgate/ob-probe-${cluster}.cnf`;
}

/** Where the probe connects and as whom (from the site file). */
export interface ProbeTarget {
  readonly cluster: string;
  readonly host: string;
  readonly address: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
}

/**
 * The command that starts the probe in the background on the probe host: one write and one read of the
 * business tenant every 200 ms with the `mysql` client, each logged as `<epoch ms> <latency ms> <exit code>`.
 */
export function probeStartCommand(t: ProbeTarget): HostCommand {
  const dir = probeDir(t.cluster);
  const mysql = `mysql --defaults-extra-file=${shellQuote(probeCredentialsFile(t.cluster))} --connect-timeout=3 -h ${shellQuote(t.address)} -P ${t.port} -u ${shellQuote(t.user)} -D ${shellQuote(t.database)} -N -B`;
  const loop = [
    `${mysql} -e 'create table if not exists opsgate_probe (k bigint primary key, v varchar(32))' || true`,
    'i=0',
    `while [ -e ${shellQuote(`${dir}/pid`)} ]; do`,
    '  i=$((i+1)); t0=$(date +%s%3N)',
    `  if ${mysql} -e "insert into opsgate_probe (k, v) values ($i, 'probe'); select v from opsgate_probe where k = $i" >/dev/null 2>>${shellQuote(`${dir}/errors`)}; then rc=0; else rc=1; fi`,
    `  t1=$(date +%s%3N); echo "$t0 $((t1-t0)) $rc" >> ${shellQuote(`${dir}/log`)}; sleep 0.2`,
    'done',
  ].join('\n');
  const script = `set -u\n${loop}\n`;
  const command = [
    `mkdir -p ${shellQuote(dir)}`,
    `: > ${shellQuote(`${dir}/log`)}`,
    `: > ${shellQuote(`${dir}/errors`)}`,
    `test -r ${shellQuote(probeCredentialsFile(t.cluster))}`,
    `(nohup bash -c ${shellQuote(script)} >/dev/null 2>&1 & echo $! > ${shellQuote(`${dir}/pid`)})`,
    'sleep 1',
    `kill -0 "$(cat ${shellQuote(`${dir}/pid`)})"`,
  ].join(' && ');
  return { host: t.host, command };
}

/** Stops the probe: removing the pid file ends its loop; the process is killed if it lingers. */
export function probeStopCommand(t: ProbeTarget): HostCommand {
  const pid = shellQuote(`${probeDir(t.cluster)}/pid`);
  return { host: t.host, command: `if [ -e ${pid} ]; then p=$(cat ${pid}); rm -f ${pid}; sleep 1; kill "$p" 2>/dev/null || true; fi` };
}

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
  return { ...(s?.startedAt !== undefined ? { start: s.startedAt } : {}), ...(s?.finishedAt !== undefined ? { end: s.finishedAt } : {}) };
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
  const out = await ctx.remote.exec(host, { command: `awk -v from=${from} '$1 >= from' ${shellQuote(`${probeDir(cluster)}/log`)}` });
  if (out.exitCode !== 0) return [{ status: 'warn', title: `business probe, zone ${zone}`, evidence: `no probe log on ${host}` }];
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
    { status: errors > 0 ? 'warn' : 'pass', title: `business probe, zone ${zone}: ${errors} error(s)`, evidence: lines.join('; ') },
  ];
  return findings;
};
