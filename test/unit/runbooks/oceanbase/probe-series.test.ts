import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProbeLog } from '../../../../src/runbooks/oceanbase/probe/probe-log.ts';
import { bucketMsFor } from '../../../../src/runbooks/oceanbase/probe/probe-series-program.ts';
import {
  RECORDED_PROBE_LOG,
  RECORDED_STEPS,
  recordedProbeChart,
  recordedRun,
} from '../../../support/recorded-probe-series.ts';
import { labXizang, labWith, registry, runWith } from './ob-fixture-site.ts';

/** The recorded log as the report's own parser reads it (the loop's format is a superset of the report's). */
function recordedSamples() {
  const lines = readFileSync(RECORDED_PROBE_LOG, 'utf8')
    .split('\n')
    .map((l) => l.split(' ').slice(0, 3).join(' '));
  return parseProbeLog(lines.join('\n')).filter((s) => s.at >= RECORDED_STEPS.probeStart);
}

describe('business probe chart data', () => {
  it('is a step after probe-stop that names every zone with the steps that bound its window', async () => {
    const plan = registry.buildPlan('ob-upgrade', await labXizang(), { cluster: 'obcluster', toVersion: '4.3.5.5' });
    const ids = plan.steps.map((s) => s.id);
    expect(ids.indexOf('probe-chart')).toBe(ids.indexOf('probe-stop') + 1);
    const step = plan.steps.find((s) => s.id === 'probe-chart');
    expect(step?.kind === 'check' && step.advisory).toBe(true);
    expect(step?.program?.args.zones).toEqual(
      ['zone1', 'zone2', 'zone3'].map((z) => ({ zone: z, fromStep: `${z}-stop-zone`, toStep: `${z}-wait-active` })),
    );
  });

  it('is left out with the probe when the site file names no business tenant', async () => {
    const site = await labWith('obcluster', () => ({ probeTenant: undefined }));
    const plan = registry.buildPlan('ob-upgrade', site, { cluster: 'obcluster', toVersion: '4.3.5.5' });
    expect(plan.steps.map((s) => s.id)).not.toContain('probe-chart');
  });

  it('reads the whole recorded log in one command on the probe host, gathered into buckets there', async () => {
    const { remote } = await recordedProbeChart();
    expect(remote.calls.map((c) => c.host)).toEqual(['ob-1']);
    expect(remote.calls[0]?.command).toMatch(
      /^awk -v from=1796601853204 -v size=1000 '[^]*' \/var\/tmp\/opsgate-ob-probe-obcluster\/log$/,
    );
  });

  it('counts every request and error of the recorded upgrade, and keeps latency of successes only', async () => {
    const { series, findings } = await recordedProbeChart();
    const samples = recordedSamples();
    const failed = samples.filter((s) => !s.ok);
    expect(failed.length).toBeGreaterThan(0);
    const buckets = series?.buckets ?? [];
    expect(buckets.reduce((n, b) => n + (b?.requests ?? 0), 0)).toBe(samples.length);
    expect(buckets.reduce((n, b) => n + (b?.errors ?? 0), 0)).toBe(failed.length);
    const okMax = Math.max(...samples.filter((s) => s.ok).map((s) => s.ms));
    expect(Math.max(...buckets.map((b) => b?.maxMs ?? 0))).toBe(okMax);
    expect(findings[0]?.status).toBe('warn');
    expect(findings[0]?.title).toBe(
      `business probe over the upgrade of obcluster: ${failed.length} error(s) in ${samples.length} request(s), 3 zone(s) upgraded`,
    );
    expect(findings[0]?.attachment).toMatchObject({
      name: 'probe-latency-obcluster.json',
      mimeType: 'application/json',
      chart: 'probe-series',
    });
  });

  it("places each zone's window from its stop-zone step's start to its wait-active step's end", async () => {
    const { series } = await recordedProbeChart();
    expect(series?.from).toBe(RECORDED_STEPS.probeStart);
    expect(series?.zones).toEqual(RECORDED_STEPS.zones.map((z) => ({ zone: z.zone, from: z.stopZone, to: z.active })));
    // The failures of the recorded upgrade all fall inside a zone's window.
    const inWindow = (at: number) => RECORDED_STEPS.zones.some((z) => at >= z.stopZone && at <= z.active);
    expect(recordedSamples().filter((s) => !s.ok && !inWindow(s.at))).toEqual([]);
  });

  it('leaves a zone not yet stopped out, and one not yet active open-ended', async () => {
    const run = recordedRun();
    const steps = { ...run.steps };
    delete steps['zone3-stop-zone'];
    delete steps['zone2-wait-active'];
    const { series } = await recordedProbeChart({ ...run, steps });
    expect(series?.zones.map((z) => [z.zone, z.to === undefined])).toEqual([
      ['zone1', false],
      ['zone2', true],
    ]);
  });

  it('warns and reads nothing when the probe never started', async () => {
    const { findings, remote } = await recordedProbeChart(runWith({}));
    expect(remote.calls).toEqual([]);
    expect(findings).toEqual([
      {
        status: 'warn',
        title: 'business probe over the upgrade of obcluster',
        evidence: 'step probe-start has not run: no probe to chart',
      },
    ]);
  });

  it('widens the buckets of a long upgrade so that about 600 cross the wire', () => {
    expect(bucketMsFor(90_000)).toBe(1000);
    expect(bucketMsFor(3 * 3600_000)).toBe(18_000);
    expect((3 * 3600_000) / bucketMsFor(3 * 3600_000)).toBeLessThanOrEqual(600);
  });
});
