import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { CommandRequest, CommandResult } from '../../../../src/core/ports/remote.ts';
import { probeReportProgram } from '../../../../src/runbooks/oceanbase/probe/business-probe.ts';
import { probeDir } from '../../../../src/runbooks/oceanbase/probe/probe-commands.ts';
import { FakeRemote } from '../../../support/fakes/fake-remote.ts';
import { labXizang, programContext, registry, runWith, stepOf } from './ob-fixture-site.ts';

/**
 * A recorded probe log (`probe/zone2-probe-log.txt`, in the loop's format) read by the report's own `awk`, run here on
 * that file in place of the probe host's log.
 */
const RECORDED = fileURLToPath(new URL('./probe/zone2-probe-log.txt', import.meta.url));
const T = 1_765_000_000_000;

/** A probe host whose log is the recorded one: the report's command runs locally on it. */
class ProbeHost extends FakeRemote {
  override async exec(host: string, req: CommandRequest): Promise<CommandResult> {
    this.calls.push({ host, command: req.command });
    const local = req.command.replace(`${probeDir('obcluster')}/log`, RECORDED);
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

async function report(extra: Record<string, { startedAt: number; finishedAt: number }> = {}) {
  const site = await labXizang();
  const plan = registry.buildPlan('ob-upgrade', site, { cluster: 'obcluster', toVersion: '4.3.5.5' });
  const step = stepOf(plan, 'zone2-probe-report');
  const at = (start: number) => ({
    status: 'succeeded' as const,
    attempt: 1,
    startedAt: start,
    finishedAt: start + 10,
  });
  const run = runWith({
    'zone1-wait-active': { ...at(T - 500), finishedAt: T - 1 },
    'zone2-stop-zone': at(T + 3000),
    'zone2-stop-observer': at(T + 6000),
    'zone2-start-zone': at(T + 11000),
    ...Object.fromEntries(
      Object.entries(extra).map(([k, v]) => [k, { status: 'succeeded' as const, attempt: 1, ...v }]),
    ),
  });
  const remote = new ProbeHost();
  const ctx = { ...programContext(site, step, undefined as never, run), remote };
  const findings = await probeReportProgram(ctx, step.program?.args ?? {});
  return { findings, remote, lines: ctx.lines };
}

describe('business probe report', () => {
  it("reads only this zone's part of the log on the probe host", async () => {
    const { remote } = await report();
    expect(remote.calls).toHaveLength(1);
    expect(remote.calls[0]?.host).toBe('ob-1');
    expect(remote.calls[0]?.command).toMatch(
      /^awk -v from=1764999999999 '.*' \/var\/tmp\/opsgate-ob-probe-obcluster\/log$/,
    );
  });

  it('gives requests, errors and p50/p99 latency for each zone phase: before stop, zone stopped, observers restarted, after start', async () => {
    const { findings, lines } = await report();
    const text = lines.join('\n');
    expect(text).toContain('zone zone2, before stop: 10 requests, 0 errors, latency p50 24 ms, p99 29 ms, max 29 ms');
    expect(text).toContain(
      'zone zone2, zone stopped: 5 requests, 3 errors, latency p50 280 ms, p99 310 ms, max 310 ms',
    );
    expect(text).toContain(
      'zone zone2, observers restarted: 10 requests, 6 errors, latency p50 300 ms, p99 350 ms, max 350 ms',
    );
    expect(text).toContain('zone zone2, after start: 4 requests, 0 errors, latency p50 22 ms, p99 22 ms, max 22 ms');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      status: 'warn',
      title: 'business probe, zone zone2: 9 error(s) in 29 request(s), longest interruption 2.5 s',
    });
  });

  it('attributes errors as the business saw them: each interruption with when, for how long and which error, and the longest', async () => {
    const { findings } = await report();
    const evidence = findings[0]?.evidence ?? '';
    const at = (ms: number) => new Date(T + ms).toISOString();
    expect(evidence).toContain(
      `longest interruption: ${at(7200)} (observers restarted) for 2.5 s, 5 failed request(s): 5 × ERROR 4038 (HY000) at line 1: OB_NOT_MASTER: the leader moved away from zone zone2, retry`,
    );
    expect(evidence).toContain(
      `3 interruptions: ${at(3250)} (zone stopped) for 1.6 s, 3 failed request(s): 2 × ERROR 4038 (HY000) at line 1: OB_NOT_MASTER: the leader moved away from zone zone2, retry | 1 × ERROR 2013 (HY000) at line 1: Lost connection to server during query / ${at(6250)} (observers restarted) for 550 ms, 1 failed request(s): 1 × ERROR 4038`,
    );
  });

  it('passes, saying no request failed, when the probe saw no error', async () => {
    // Only the last phase of the recorded log: counted from the zone's start step on.
    const { findings } = await report({ 'zone1-wait-active': { startedAt: T + 10_000, finishedAt: T + 10_999 } });
    expect(findings[0]).toMatchObject({
      status: 'pass',
      title: 'business probe, zone zone2: 0 error(s) in 4 request(s)',
    });
    expect(findings[0]?.evidence).toContain('no interruption: no request failed');
    expect(findings[0]?.evidence).toContain('zone zone2, before stop: no requests;');
    expect(findings[0]?.evidence).toContain('zone zone2, after start: 4 requests, 0 errors');
  });
});
