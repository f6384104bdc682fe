import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackPoster } from '../../../src/adapters/slack/slack-poster.ts';
import { RunThreadPublisher } from '../../../src/adapters/slack/run-thread-publisher.ts';
import { fromWebClient } from '../../../src/adapters/slack/web-client-port.ts';
import type { EngineEvent } from '../../../src/core/ports/events.ts';
import { FakeSlackWebApi } from '../../support/slack/fake-web-api.ts';
import { webClientFor } from '../../support/slack/web-client.ts';

const NOW = 1_700_000_100_000;
let fake: FakeSlackWebApi;
let poster: SlackPoster;
let publisher: RunThreadPublisher;

beforeEach(async () => {
  fake = await FakeSlackWebApi.start();
  poster = new SlackPoster({ client: fromWebClient(webClientFor(fake)), minPostIntervalMs: 0 });
  publisher = new RunThreadPublisher({
    poster,
    now: () => NOW,
    channelOf: () => 'CXIZANG',
    log: { warn: () => {}, error: () => {} },
    parentEditDelayMs: 0,
    progressEditEveryMs: 30,
  });
});
afterEach(async () => {
  publisher.flush();
  await poster.idle();
  await fake.close();
});

const base = { site: 'xizang', runId: 'run_0000000000000001' };
const start: EngineEvent[] = [
  { ...base, at: NOW, type: 'run.requested', requester: 'UOPERATOR', runbook: 'ob-upgrade', args: {}, dryRun: false },
  {
    ...base,
    at: NOW,
    type: 'run.planned',
    title: 'upgrade obcluster',
    planHash: 'ff00',
    dryRun: false,
    rendered: '',
    steps: [{ id: 'zone1-wait-inactive', title: 'wait for zone1', kind: 'action', destructive: false, hash: 'a1' }],
  },
  {
    ...base,
    at: NOW,
    type: 'step.started',
    stepId: 'zone1-wait-inactive',
    title: 'wait for zone1',
    attempt: 1,
    phase: 'forward',
    targets: ['obcluster'],
  },
];
const poll = (i: number, done = false): EngineEvent => ({
  ...base,
  at: NOW,
  type: 'step.progress',
  stepId: 'zone1-wait-inactive',
  awaited: 'zone zone1 is INACTIVE',
  target: 'obcluster',
  elapsedMs: i * 5000,
  lastValue: done ? '1 (want 1)' : `0 (want 1), poll ${i}`,
  ...(done ? { done: true } : {}),
});
const finished: EngineEvent = {
  ...base,
  at: NOW,
  type: 'step.finished',
  stepId: 'zone1-wait-inactive',
  status: 'succeeded',
  hosts: [],
  probes: [],
  findings: [{ status: 'pass', title: 'zone zone1 is INACTIVE', evidence: '1 (want 1)' }],
  summary: 'zone zone1 is INACTIVE',
};

describe('a long wait in the Slack thread', () => {
  it('is one progress message, edited with the last value seen, not a message per poll', async () => {
    for (const e of start) await publisher.handle(e);
    const parentTs = fake.ok('chat.postMessage')[0]?.answer?.ts;
    for (let i = 0; i < 60; i++) {
      await publisher.handle(poll(i));
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 40));
    }
    await publisher.handle(poll(60, true));
    await publisher.handle(finished);
    await poster.idle();

    const inThread = fake.ok('chat.postMessage').filter((c) => c.params.thread_ts === parentTs);
    const progress = inThread.filter((c) =>
      String(c.params.text).includes('zone zone1 is INACTIVE: 0 (want 1), poll 0'),
    );
    expect(progress).toHaveLength(1);
    const progressTs = progress[0]?.answer?.ts;
    // The progress message, then the step's reply: two posts in the thread for 61 reports.
    expect(inThread).toHaveLength(2);
    const edits = fake.ok('chat.update').filter((c) => c.params.ts === progressTs);
    expect(edits.length).toBeGreaterThanOrEqual(2);
    expect(edits.length).toBeLessThan(20);
    const last = fake.messages.get(`CXIZANG:${String(progressTs)}`);
    expect(JSON.stringify(last?.blocks)).toContain('ended after 5 min 00 s; last seen: 1 (want 1)');
  });

  it('is not shown again when the events are replayed long after (a restart)', async () => {
    for (const e of start) await publisher.handle(e);
    await publisher.handle({ ...poll(1), at: NOW - 600_000 });
    await poster.idle();
    expect(fake.ok('chat.postMessage').filter((c) => String(c.params.text).includes('INACTIVE'))).toHaveLength(0);
  });
});
