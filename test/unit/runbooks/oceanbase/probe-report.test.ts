import { describe, expect, it } from 'vitest';
import type { CommandRequest, CommandResult } from '../../../../src/core/ports/remote.ts';
import { probeReportProgram } from '../../../../src/runbooks/oceanbase/probe/business-probe.ts';
import { FakeRemote } from '../../../support/fakes/fake-remote.ts';
import { labXizang, programContext, registry, runWith, stepOf } from './ob-fixture-site.ts';

/** A host whose probe log holds `log`; records the commands it was asked to run. */
class ProbeHost extends FakeRemote {
  constructor(private readonly log: string) {
    super();
  }
  override async exec(host: string, req: CommandRequest): Promise<CommandResult> {
    this.calls.push({ host, command: req.command });
    const out = { head: this.log, tail: '', totalBytes: this.log.length, truncated: false, sha256: '' };
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

describe('business probe', () => {
  it('reports requests, errors and latency for each phase of a zone, from the stop to the zone active again', async () => {
    const site = await labXizang();
    const plan = registry.buildPlan('ob-upgrade', site, { cluster: 'obcluster', toVersion: '4.3.5.5' });
    const step = stepOf(plan, 'zone2-probe-report');
    const log = ['1000 20 0', '1200 22 0', '2100 300 1', '2300 250 0', '2500 30 0', '3600 21 0'].join('\n');
    const run = runWith({
      'zone1-wait-active': { status: 'succeeded', attempt: 1, startedAt: 900, finishedAt: 950 },
      'zone2-stop-zone': { status: 'succeeded', attempt: 1, startedAt: 2000, finishedAt: 2010 },
      'zone2-wait-active': { status: 'succeeded', attempt: 1, startedAt: 3000, finishedAt: 3500 },
    });
    const remote = new ProbeHost(log);
    const ctx = { ...programContext(site, step, undefined as never, run), remote };
    const findings = await probeReportProgram(ctx, step.program?.args ?? {});
    expect(remote.calls[0]).toEqual({
      host: 'ob-1',
      command: "awk -v from=950 '$1 >= from' /var/tmp/opsgate-ob-probe-obcluster/log",
    });
    expect(findings).toEqual([
      {
        status: 'warn',
        title: 'business probe, zone zone2: 1 error(s)',
        evidence:
          'before zone zone2 stopped: 2 requests, 0 errors, latency p50 22 ms, p99 22 ms, max 22 ms; ' +
          'zone zone2 out of service: 3 requests, 1 errors, latency p50 250 ms, p99 300 ms, max 300 ms; ' +
          'zone zone2 back: 1 requests, 0 errors, latency p50 21 ms, p99 21 ms, max 21 ms',
      },
    ]);
  });
});
