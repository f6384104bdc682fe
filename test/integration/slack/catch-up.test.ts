import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackChat, type StartedSlackChat } from '../../../src/adapters/slack/start-slack-chat.ts';
import type { EngineEvent } from '../../../src/core/ports/events.ts';
import type { Gate } from '../../../src/core/ports/gates.ts';
import { RedisEventCursors } from '../../../src/adapters/redis/redis-event-cursors.ts';
import { RedisEventStream } from '../../../src/adapters/redis/redis-event-stream.ts';
import { RedisRunThreadStore } from '../../../src/adapters/redis/redis-run-thread-store.ts';
import { RedisTestKeys } from '../../support/redis-test-keys.ts';
import { FakeChatEngine } from '../../support/slack/fake-chat-engine.ts';
import { FakeSlackWebApi } from '../../support/slack/fake-web-api.ts';
import { pendingRestartGate, quietLog, xizangSlackSite } from '../../support/slack/xizang-fixtures.ts';

const site = xizangSlackSite;
const runId = 'run_00000000000000cc';
const base = { site: 'xizang', runId };
const gate: Gate = pendingRestartGate('gate_c1', runId, 'ff');
const untilGate: EngineEvent[] = [
  { ...base, at: 1, type: 'run.requested', requester: 'UOPERATOR', runbook: 'xizang-redis', args: {}, dryRun: false },
  {
    ...base,
    at: 2,
    type: 'run.planned',
    title: 'upgrade redis',
    planHash: 'ff',
    dryRun: false,
    rendered: '',
    steps: [
      { id: 'check', title: 'redis answers', kind: 'check', destructive: false, hash: 'a' },
      { id: 'restart', title: 'restart redis-a', kind: 'action', destructive: true, hash: 'b' },
    ],
  },
  {
    ...base,
    at: 3,
    type: 'gate.opened',
    gate,
    context: { stepTitle: 'restart redis-a', targets: [{ host: 'redis-a', commands: ['systemctl restart redis'] }] },
  },
];
/** What a worker emits while no bot runs: the gate decided elsewhere, the step run, the run finished. */
const whileDown: EngineEvent[] = [
  { ...base, at: 4, type: 'gate.decided', gateId: gate.id, stepId: 'restart', choice: 'approve', by: 'UAPPROVER1' },
  {
    ...base,
    at: 5,
    type: 'step.started',
    stepId: 'restart',
    title: 'restart redis-a',
    attempt: 1,
    phase: 'forward',
    targets: ['redis-a'],
  },
  {
    ...base,
    at: 6,
    type: 'step.finished',
    stepId: 'restart',
    status: 'succeeded',
    hosts: [{ host: 'redis-a', exitCode: 0, durationMs: 1 }],
    probes: [],
    findings: [],
    summary: 'restarted',
  },
  { ...base, at: 7, type: 'run.finished', outcome: 'completed', statusLine: 'upgrade redis completed' },
];

let keys: RedisTestKeys;
let fake: FakeSlackWebApi;
let stream: RedisEventStream;
let running: StartedSlackChat | undefined;

beforeEach(async () => {
  keys = new RedisTestKeys();
  fake = await FakeSlackWebApi.start();
  stream = new RedisEventStream(keys.connect(), keys.prefix);
});
afterEach(async () => {
  await running?.stop();
  running = undefined;
  await fake.close();
  await keys.close();
});

/** One bot process with its own connections, following the sites' Redis streams as `opsgate start` does. */
async function startBot(): Promise<StartedSlackChat> {
  const redis = keys.connect();
  const reader = new RedisEventStream(keys.connect(), keys.prefix);
  running = await startSlackChat({
    signingSecret: 'catch-up',
    token: 'xoxb-test',
    slackApiUrl: fake.apiUrl,
    port: 0,
    chat: new FakeChatEngine(),
    sites: [site],
    log: quietLog,
    events: {
      read: (s, after, o) => reader.read(s, after, o),
      latestId: async (s) => (await redis.xrevrange(stream.key(s), '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0',
    },
    botId: 'BBOT',
    botUserId: 'UBOT',
    minPostIntervalMs: 0,
    parentEditDelayMs: 0,
    threads: new RedisRunThreadStore({ redis, prefix: keys.prefix, clock: { now: () => 1_700_000_000_000 } }),
    cursors: new RedisEventCursors(redis, keys.prefix, 'slack'),
  });
  return running;
}

async function stopBot(): Promise<void> {
  await running?.stop();
  running = undefined;
}

const emitAll = async (events: readonly EngineEvent[]) => {
  for (const e of events) await stream.emit(e);
};
const posts = () => fake.ok('chat.postMessage');

describe('a Slack bot started after a downtime', () => {
  it('catches up with the events emitted while it was down, in the same thread, posting nothing twice', async () => {
    await startBot();
    await emitAll(untilGate);
    await fake.waitFor(() => posts().length === 2);
    const parentTs = String(posts()[0]?.answer?.ts);
    const gateTs = String(posts()[1]?.answer?.ts);
    await stopBot();

    await emitAll(whileDown);
    await startBot();
    await fake.waitFor(() => posts().some((p) => p.params.text === 'upgrade redis completed'));
    await fake.waitFor(
      () => fake.messages.get(`CXIZANG:${parentTs}`)?.text === 'upgrade redis at xizang: succeeded (2 steps)',
    );
    // The gate message shows the decision made while the bot was down.
    expect(JSON.stringify(fake.messages.get(`CXIZANG:${gateTs}`)?.blocks)).toContain('UAPPROVER1');
    await stopBot();

    // A third bot has nothing left to post.
    const before = posts().length;
    await startBot();
    await stream.emit({
      ...base,
      runId: 'run_marker',
      at: 8,
      type: 'run.requested',
      requester: 'UOPERATOR',
      runbook: 'marker',
      args: {},
      dryRun: false,
    });
    await stream.emit({
      ...base,
      runId: 'run_marker',
      at: 9,
      type: 'run.finished',
      outcome: 'completed',
      statusLine: 'marker done',
    });
    await fake.waitFor(() => posts().some((p) => p.params.text === 'marker done'));
    const texts = posts()
      .slice(before)
      .map((p) => p.params.text);
    expect(texts.some((t) => String(t).includes('upgrade redis'))).toBe(false);
    const later = posts().slice(2, before);
    expect(later.length).toBeGreaterThan(0);
    expect(later.map((p) => p.params.thread_ts)).toEqual(later.map(() => parentTs));
  });

  it('does not post an event again when the position was not saved after posting it (a crash in between)', async () => {
    const redis = keys.connect();
    await startBot();
    await emitAll(untilGate);
    await fake.waitFor(() => posts().length === 2);
    await stopBot();
    // As if the bot died after posting but before saving where it was: the position goes back to the start.
    await redis.hset(`${keys.prefix}events:cursor:slack`, 'xizang', '0-0');

    await startBot();
    await stream.emit({
      ...base,
      at: 4,
      type: 'run.finished',
      outcome: 'completed',
      statusLine: 'upgrade redis completed',
    });
    await fake.waitFor(() => posts().some((p) => p.params.text === 'upgrade redis completed'));
    const gatePosts = posts().filter((p) => JSON.stringify(p.params.blocks ?? '').includes('systemctl restart redis'));
    expect(gatePosts).toHaveLength(1);
    expect(posts()).toHaveLength(3);
  });

  it('starts at the end of the stream the first time it ever runs', async () => {
    await emitAll(untilGate);
    await startBot();
    await stream.emit({
      ...base,
      runId: 'run_new',
      at: 8,
      type: 'run.requested',
      requester: 'UOPERATOR',
      runbook: 'marker',
      args: {},
      dryRun: false,
    });
    await stream.emit({
      ...base,
      runId: 'run_new',
      at: 9,
      type: 'run.finished',
      outcome: 'completed',
      statusLine: 'new run done',
    });
    await fake.waitFor(() => posts().some((p) => p.params.text === 'new run done'));
    expect(posts().some((p) => JSON.stringify(p.params.blocks ?? '').includes('systemctl restart redis'))).toBe(false);
  });
});
