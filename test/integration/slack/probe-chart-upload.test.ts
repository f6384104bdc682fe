import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createChartRenderer } from '../../../src/adapters/charts/create-chart-renderer.ts';
import { SlackPoster } from '../../../src/adapters/slack/slack-poster.ts';
import { RunThreadPublisher } from '../../../src/adapters/slack/run-thread-publisher.ts';
import { fromWebClient } from '../../../src/adapters/slack/web-client-port.ts';
import type { Finding } from '../../../src/core/plan/run-state.ts';
import type { EngineEvent } from '../../../src/core/ports/events.ts';
import { FakeSlackWebApi } from '../../support/slack/fake-web-api.ts';
import { webClientFor } from '../../support/slack/web-client.ts';
import { pngSize, pngStart } from '../../support/png-image.ts';
import { recordedProbeChart } from '../../support/recorded-probe-series.ts';

/**
 * The end of an OceanBase rolling upgrade in Slack: the probe-chart step's recorded data reaches the run's
 * thread as a PNG picture, uploaded through files.uploadV2 by the real WebClient into the fake Web API.
 */
let fake: FakeSlackWebApi;
let poster: SlackPoster;
const warnings: string[] = [];

function publisher(withCharts: boolean): RunThreadPublisher {
  return new RunThreadPublisher({
    poster,
    now: () => 1_796_601_950_000,
    channelOf: () => 'COB',
    log: { warn: (_o, m) => warnings.push(m), error: (_o, m) => warnings.push(m) },
    parentEditDelayMs: 0,
    ...(withCharts ? { charts: createChartRenderer() } : {}),
  });
}

beforeEach(async () => {
  fake = await FakeSlackWebApi.start();
  poster = new SlackPoster({ client: fromWebClient(webClientFor(fake)), minPostIntervalMs: 0 });
  warnings.length = 0;
});
afterEach(async () => {
  await poster.idle();
  await fake.close();
});

const base = { site: 'xizang', runId: 'run_00000000000000ob' };

function events(findings: readonly Finding[]): EngineEvent[] {
  return [
    { ...base, at: 1, type: 'run.requested', requester: 'UOPERATOR', runbook: 'ob-upgrade', args: {}, dryRun: false },
    {
      ...base,
      at: 2,
      type: 'run.planned',
      title: 'Rolling upgrade of OceanBase cluster obcluster to 4.3.5.5',
      planHash: 'ff00',
      dryRun: false,
      rendered: '',
      steps: [{ id: 'probe-chart', title: 'Business probe chart', kind: 'check', destructive: false, hash: 'a1' }],
    },
    {
      ...base,
      at: 3,
      type: 'step.started',
      stepId: 'probe-chart',
      title: 'Business probe chart',
      attempt: 1,
      phase: 'forward',
      targets: ['ob-1'],
    },
    {
      ...base,
      at: 4,
      type: 'step.finished',
      stepId: 'probe-chart',
      status: 'succeeded',
      hosts: [{ host: 'ob-1', exitCode: 0, durationMs: 20 }],
      probes: [],
      findings,
      summary: 'charted',
    },
  ];
}

describe('probe chart in the run thread', () => {
  it('uploads the recorded upgrade as a PNG into the run thread, in place of its data file', async () => {
    const { findings } = await recordedProbeChart();
    const pub = publisher(true);
    for (const e of events(findings)) await pub.handle(e);
    await poster.idle();
    const parentTs = pub.threadOf(base.runId)?.ts;
    expect(parentTs).toBeDefined();
    expect(fake.ok('files.getUploadURLExternal').map((c) => c.params.filename)).toEqual([
      'probe-latency-obcluster.png',
    ]);
    expect(fake.ok('files.completeUploadExternal')[0]?.params).toMatchObject({
      channel_id: 'COB',
      thread_ts: parentTs,
    });
    const body = fake.uploads[0]?.data ?? Buffer.alloc(0);
    const at = pngStart(body);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(pngSize(body.subarray(at))).toEqual({ width: 1200, height: 520 });
    expect(Number(fake.ok('files.getUploadURLExternal')[0]?.params.length)).toBeGreaterThan(10_000);
    expect(warnings).toEqual([]);
  });

  it('uploads the data file as it is when no renderer is wired', async () => {
    const { findings } = await recordedProbeChart();
    const pub = publisher(false);
    for (const e of events(findings)) await pub.handle(e);
    await poster.idle();
    expect(fake.ok('files.getUploadURLExternal').map((c) => c.params.filename)).toEqual([
      'probe-latency-obcluster.json',
    ]);
    expect(fake.uploads[0]?.content).toContain('"cluster":"obcluster"');
  });

  it('logs a chart it cannot draw and still uploads its data and posts the reply', async () => {
    const broken: Finding = {
      status: 'pass',
      title: 'probe',
      evidence: 'chart',
      attachment: { name: 'probe-latency-x.json', mimeType: 'application/json', text: '{', chart: 'probe-series' },
    };
    const pub = publisher(true);
    for (const e of events([broken])) await pub.handle(e);
    await poster.idle();
    expect(warnings).toContain('chart not drawn');
    expect(fake.ok('files.getUploadURLExternal').map((c) => c.params.filename)).toEqual(['probe-latency-x.json']);
    expect(fake.ok('chat.postMessage').length).toBeGreaterThanOrEqual(2);
  });
});
