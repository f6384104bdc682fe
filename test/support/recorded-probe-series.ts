import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Finding, RunState } from '../../src/core/plan/run-state.ts';
import type { CommandRequest, CommandResult } from '../../src/core/ports/remote.ts';
import { probeSeriesSchema, type ProbeSeries } from '../../src/core/plan/probe-series.ts';
import { probeDir } from '../../src/runbooks/oceanbase/probe/probe-commands.ts';
import { probeSeriesProgram } from '../../src/runbooks/oceanbase/probe/probe-series-program.ts';
import { FakeRemote } from './fakes/fake-remote.ts';
import { labXizang, programContext, registry, runWith, stepOf } from '../unit/runbooks/oceanbase/ob-fixture-site.ts';

/**
 * The business probe's log of a rolling upgrade of `obcluster` in the site lab (recorded on ob-1, addresses moved
 * to 10.77.0.x), and the step times of that run: the probe's start and each zone's stop-zone start and
 * wait-active end. The chart's tests draw what that upgrade recorded.
 */
export const RECORDED_PROBE_LOG = fileURLToPath(
  new URL('../unit/runbooks/oceanbase/probe/lab-upgrade-probe-log.txt', import.meta.url),
);

/** The recorded run's step times (epoch ms). */
export const RECORDED_STEPS = {
  probeStart: 1_796_601_853_204,
  zones: [
    { zone: 'zone1', stopZone: 1_796_601_860_277, active: 1_796_601_883_052 },
    { zone: 'zone2', stopZone: 1_796_601_883_543, active: 1_796_601_906_174 },
    { zone: 'zone3', stopZone: 1_796_601_906_702, active: 1_796_601_930_408 },
  ],
  /** When the chart step ran. */
  chart: 1_796_601_945_305,
} as const;

/** A probe host whose log is `log`: the program's command runs locally on that file. */
export class RecordedProbeHost extends FakeRemote {
  constructor(private readonly log: string = RECORDED_PROBE_LOG) {
    super();
  }

  override async exec(host: string, req: CommandRequest): Promise<CommandResult> {
    this.calls.push({ host, command: req.command });
    const local = req.command.replace(`${probeDir('obcluster')}/log`, this.log);
    const { stdout } = await promisify(execFile)('bash', ['-c', local]);
    const out = { head: stdout, tail: '', totalBytes: stdout.length, truncated: false, sha256: '' };
    return {
      host,
      command: req.command,
      exitCode: 0,
      stdout: out,
      stderr: { ...out, head: '' },
      startedAt: 0,
      durationMs: 1,
    };
  }
}

/** The recorded run as the chart step sees it: probe-start and every zone's steps done. */
export function recordedRun(): RunState {
  const done = (startedAt: number, finishedAt: number) => ({
    status: 'succeeded' as const,
    attempt: 1,
    startedAt,
    finishedAt,
  });
  const s = RECORDED_STEPS;
  return runWith({
    'probe-start': done(s.probeStart, s.probeStart + 300),
    ...Object.fromEntries(
      s.zones.flatMap((z) => [
        [`${z.zone}-stop-zone`, done(z.stopZone, z.stopZone + 200)],
        [`${z.zone}-wait-active`, done(z.active - 1000, z.active)],
      ]),
    ),
  });
}

/** Runs the plan's `probe-chart` step on the recorded log; returns its findings, the host's calls and the series. */
export async function recordedProbeChart(run: RunState = recordedRun()): Promise<{
  findings: readonly Finding[];
  remote: RecordedProbeHost;
  series: ProbeSeries | undefined;
}> {
  const site = await labXizang();
  const plan = registry.buildPlan('ob-upgrade', site, { cluster: 'obcluster', toVersion: '4.3.5.5' });
  const step = stepOf(plan, 'probe-chart');
  const remote = new RecordedProbeHost();
  const ctx = { ...programContext(site, step, undefined as never, run), remote };
  const findings = await probeSeriesProgram(
    { ...ctx, clock: { now: () => RECORDED_STEPS.chart } },
    step.program?.args ?? {},
  );
  const text = findings[0]?.attachment?.text;
  return { findings, remote, series: text === undefined ? undefined : probeSeriesSchema.parse(JSON.parse(text)) };
}
