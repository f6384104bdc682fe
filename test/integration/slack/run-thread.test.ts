import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlackPoster } from '../../../src/adapters/slack/slack-poster.ts';
import { RunThreadPublisher } from '../../../src/adapters/slack/run-thread-publisher.ts';
import { fromWebClient } from '../../../src/adapters/slack/web-client-port.ts';
import type { EngineEvent } from '../../../src/core/ports/events.ts';
import type { Gate } from '../../../src/core/ports/gates.ts';
import { FakeSlackWebApi } from '../../support/slack/fake-web-api.ts';
import { webClientFor } from '../../support/slack/web-client.ts';

let fake: FakeSlackWebApi;
let poster: SlackPoster;
let publisher: RunThreadPublisher;
const warnings: string[] = [];

beforeEach(async () => {
  fake = await FakeSlackWebApi.start();
  poster = new SlackPoster({ client: fromWebClient(webClientFor(fake)), minPostIntervalMs: 0 });
  publisher = new RunThreadPublisher({
    poster,
    now: () => 1_700_000_100_000,
    channelOf: (site) => (site === 'xizang' ? 'CXIZANG' : undefined),
    log: { warn: (_o, m) => warnings.push(m), error: (_o, m) => warnings.push(m) },
    parentEditDelayMs: 40,
  });
});
afterEach(async () => {
  publisher.flush();
  await poster.idle();
  await fake.close();
});

const base = { site: 'xizang', runId: 'run_0000000000000001' };
const gate: Gate = {
  id: 'gate_1',
  site: 'xizang',
  runId: base.runId,
  stepId: 'restart',
  kind: 'approval',
  planHash: 'abcdef0123456789',
  requester: 'UOPERATOR',
  choices: ['approve', 'reject'],
  policy: {
    approvers: [],
    approverGroups: ['SAPP'],
    approvalsNeeded: 1,
    requesterMayApprove: false,
    expiresAfterMs: 600_000,
  },
  openedAt: 1_700_000_010_000,
  expiresAt: 1_700_000_610_000,
  status: 'pending',
  approvals: [],
};
const events: EngineEvent[] = [
  {
    ...base,
    at: 1_700_000_000_000,
    type: 'run.requested',
    requester: 'UOPERATOR',
    runbook: 'xizang-redis',
    args: {},
    dryRun: false,
  },
  {
    ...base,
    at: 1_700_000_000_100,
    type: 'run.planned',
    title: 'upgrade redis',
    planHash: 'ff00',
    dryRun: false,
    rendered: '',
    steps: [
      { id: 'check', title: 'redis answers', kind: 'check', destructive: false, hash: 'a1' },
      { id: 'restart', title: 'restart redis-a', kind: 'action', destructive: true, hash: 'b2' },
    ],
  },
  {
    ...base,
    at: 1_700_000_001_000,
    type: 'step.started',
    stepId: 'check',
    title: 'redis answers',
    attempt: 1,
    phase: 'forward',
    targets: ['redis-a'],
  },
  {
    ...base,
    at: 1_700_000_002_000,
    type: 'step.output-summary',
    stepId: 'check',
    outputs: [{ host: 'redis-a', exitCode: 0, tail: 'PONG\n', totalBytes: 5 }],
  },
  {
    ...base,
    at: 1_700_000_002_500,
    type: 'step.finished',
    stepId: 'check',
    status: 'succeeded',
    hosts: [{ host: 'redis-a', exitCode: 0, durationMs: 1500 }],
    probes: [],
    findings: [
      {
        status: 'pass',
        title: 'middleware resources',
        evidence: 'see the attached document',
        attachment: { name: 'middleware-resources.md', mimeType: 'text/markdown', text: '# Redis\n| host | port |\n' },
      },
    ],
    summary: 'redis-a answered',
  },
  {
    ...base,
    at: 1_700_000_010_000,
    type: 'gate.opened',
    gate,
    context: { stepTitle: 'restart redis-a', targets: [{ host: 'redis-a', commands: ['systemctl restart redis'] }] },
  },
  {
    ...base,
    at: 1_700_000_020_000,
    type: 'gate.decided',
    gateId: 'gate_1',
    stepId: 'restart',
    choice: 'approve',
    by: 'UAPPROVER1',
  },
  {
    ...base,
    at: 1_700_000_021_000,
    type: 'step.started',
    stepId: 'restart',
    title: 'restart redis-a',
    attempt: 1,
    phase: 'forward',
    targets: ['redis-a'],
  },
  {
    ...base,
    at: 1_700_000_025_000,
    type: 'step.finished',
    stepId: 'restart',
    status: 'succeeded',
    hosts: [{ host: 'redis-a', exitCode: 0, durationMs: 4000 }],
    probes: [],
    findings: [],
    summary: 'restarted',
  },
  { ...base, at: 1_700_000_026_000, type: 'run.finished', outcome: 'completed', statusLine: 'upgrade redis completed' },
];

describe('RunThreadPublisher', () => {
  it('posts one parent per run, replies and gates in its thread, and keeps the parent up to date', async () => {
    for (const e of events) await publisher.handle(e);
    await poster.idle();
    const posts = fake.ok('chat.postMessage');
    const parent = posts[0];
    expect(parent?.params).toMatchObject({ channel: 'CXIZANG', text: 'upgrade redis at xizang: running (2 steps)' });
    const parentTs = publisher.threadOf(base.runId)?.ts;
    expect(posts.slice(1).every((p) => p.params.thread_ts === parentTs)).toBe(true);
    expect(posts.slice(1).map((p) => p.params.text)).toEqual([
      'redis answers: done',
      'approval gate: restart redis-a (xizang)',
      'restart redis-a: done',
      'upgrade redis completed',
    ]);
    const stored = fake.messages.get(`CXIZANG:${parentTs}`);
    expect(stored?.text).toBe('upgrade redis at xizang: succeeded (2 steps)');
    expect(JSON.stringify(stored?.blocks)).toContain('approved by <@UAPPROVER1>');
    const gateTs = publisher.gateMessage('gate_1')?.ts ?? '';
    const gateMsg = fake.messages.get(`CXIZANG:${gateTs}`);
    expect(JSON.stringify(gateMsg?.blocks)).toContain('Approved by <@UAPPROVER1>');
    // The precheck's document is uploaded into the thread.
    expect(fake.ok('files.completeUploadExternal')[0]?.params).toMatchObject({
      channel_id: 'CXIZANG',
      thread_ts: parentTs,
    });
    expect(fake.uploads[0]?.content).toContain('| host | port |');
    expect((gateMsg?.blocks as { type: string }[]).some((b) => b.type === 'actions')).toBe(false);
  });

  it('gathers the progress edits of a parent message into one, showing the latest state', async () => {
    // A delay no test run reaches, then an explicit flush: the gathering is shown without depending on timing.
    publisher = new RunThreadPublisher({
      poster,
      now: () => 0,
      channelOf: () => 'CXIZANG',
      log: { warn: () => undefined, error: () => undefined },
      parentEditDelayMs: 600_000,
    });
    for (const e of events.slice(0, 5)) await publisher.handle(e);
    await poster.idle();
    expect(fake.ok('chat.update')).toEqual([]);
    publisher.flush();
    await poster.idle();
    expect(fake.ok('chat.update')).toHaveLength(1);
    const parentTs = publisher.threadOf(base.runId)?.ts;
    expect(JSON.stringify(fake.messages.get(`CXIZANG:${parentTs}`)?.blocks)).toContain('done *1. redis answers*');
  });

  it('leaves dry runs to the command reply and drops events of a site without a channel', async () => {
    await publisher.handle({
      ...base,
      at: 1,
      type: 'run.requested',
      requester: 'U1',
      runbook: 'x',
      args: {},
      dryRun: true,
    });
    await publisher.handle({
      ...base,
      at: 2,
      type: 'run.planned',
      title: 't',
      planHash: 'h',
      dryRun: true,
      rendered: 'plan',
      steps: [],
    });
    await publisher.handle({ ...base, site: 'nowhere', at: 3, type: 'run.refused', requester: 'U1', reason: 'busy' });
    await poster.idle();
    expect(fake.calls).toEqual([]);
    expect(warnings).toContain('no slack channel for site, event not posted');
  });

  it('keeps following the feed when Slack refuses a post', async () => {
    fake.failNext('chat.postMessage', 'not_in_channel');
    await publisher.handle(events[1] as EngineEvent);
    await publisher.handle(events[2] as EngineEvent);
    await poster.idle();
    expect(warnings).toContain('slack post failed');
    expect(fake.ok('chat.postMessage')).toHaveLength(1);
  });
});
