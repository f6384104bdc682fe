import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderNotice } from '../../../src/adapters/slack/render-notice.ts';
import { SlackPoster } from '../../../src/adapters/slack/slack-poster.ts';
import { startSlackChat, type StartedSlackChat } from '../../../src/adapters/slack/start-slack-chat.ts';
import { fromWebClient } from '../../../src/adapters/slack/web-client-port.ts';
import type { RunThreadStore } from '../../../src/core/ports/run-thread-store.ts';
import type { EngineEvent } from '../../../src/core/ports/events.ts';
import type { Gate } from '../../../src/core/ports/gates.ts';
import { RedisEventCursors } from '../../../src/adapters/redis/redis-event-cursors.ts';
import { RedisEventStream } from '../../../src/adapters/redis/redis-event-stream.ts';
import { RedisRunThreadStore } from '../../../src/adapters/redis/redis-run-thread-store.ts';
import { RedisTestKeys } from '../../support/redis-test-keys.ts';
import { FakeChatEngine } from '../../support/slack/fake-chat-engine.ts';
import { FakeSlackWebApi } from '../../support/slack/fake-web-api.ts';
import { pendingRestartGate, quietLog, xizangSlackSite } from '../../support/slack/xizang-fixtures.ts';
import { webClientFor } from '../../support/slack/web-client.ts';

const site = xizangSlackSite;
const runId = 'run_00000000000000dd';
const base = { site: 'xizang', runId };
const gate: Gate = pendingRestartGate('gate_d1', runId, 'ff');
const planned: EngineEvent[] = [
  { ...base, at: 1, type: 'run.requested', requester: 'UOPERATOR', runbook: 'xizang-redis', args: {}, dryRun: false },
  {
    ...base,
    at: 2,
    type: 'run.planned',
    title: 'upgrade redis',
    planHash: 'ff',
    dryRun: false,
    rendered: '',
    steps: [{ id: 'restart', title: 'restart redis-a', kind: 'action', destructive: true, hash: 'b' }],
  },
];
const gateOpened: EngineEvent = {
  ...base,
  at: 3,
  type: 'gate.opened',
  gate,
  context: { stepTitle: 'restart redis-a', targets: [{ host: 'redis-a', commands: ['systemctl restart redis'] }] },
};
const gateDecided: EngineEvent = {
  ...base,
  at: 4,
  type: 'gate.decided',
  gateId: gate.id,
  stepId: 'restart',
  choice: 'approve',
  by: 'UAPPROVER1',
};

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

/**
 * A bot process as `opsgate start` runs it. `dieBeforeSave` stands for a process that dies right after the
 * Slack call of the next event, before saving its thread: that save fails (and `saveFailed` resolves).
 */
async function startBot(crash?: { dieBeforeSave: boolean; saveFailed: () => void }): Promise<StartedSlackChat> {
  const redis = keys.connect();
  const reader = new RedisEventStream(keys.connect(), keys.prefix);
  const store = new RedisRunThreadStore({ redis, prefix: keys.prefix, clock: { now: () => 1_700_000_000_000 } });
  const threads: RunThreadStore = {
    loadAll: () => store.loadAll(),
    recordPending: (id, posts) => store.recordPending(id, posts),
    save: async (t) => {
      if (crash?.dieBeforeSave) {
        crash.saveFailed();
        throw new Error('process died');
      }
      await store.save(t);
    },
  };
  running = await startSlackChat({
    signingSecret: 'post-once',
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
    threads,
    // The fake's message timestamps start at 1700000001: its clock, for "posted since".
    now: () => 1_700_000_000_000,
    cursors: new RedisEventCursors(redis, keys.prefix, 'slack'),
  });
  return running;
}

const posts = () => fake.ok('chat.postMessage');
const gatePosts = () =>
  posts().filter((p) => JSON.stringify(p.params.blocks ?? '').includes('systemctl restart redis'));

/**
 * Bot 1 posts the parent, then dies between posting the gate message (`lost`: trying to, the post failing) and
 * saving the thread; the position it leaves is the one saved before the gate event, so bot 2 replays that event.
 */
async function crashAtGate(opts: { readonly lost?: boolean } = {}): Promise<{ parentTs: string }> {
  const crash = { dieBeforeSave: false, saveFailed: () => undefined as void };
  await startBot(crash);
  for (const e of planned) await stream.emit(e);
  await fake.waitFor(() => posts().length === 1);
  const parentTs = String(posts()[0]?.answer?.ts);
  const redis = keys.connect();
  const cursorBefore = await redis.hget(`${keys.prefix}events:cursor:slack`, 'xizang');
  crash.dieBeforeSave = true;
  if (opts.lost === true) fake.failNext('chat.postMessage', 'internal_error');
  const died = new Promise<void>((r) => (crash.saveFailed = r));
  await stream.emit(gateOpened);
  await died;
  await running?.stop();
  running = undefined;
  await redis.hset(`${keys.prefix}events:cursor:slack`, 'xizang', String(cursorBefore));
  return { parentTs };
}

describe('posting to Slack across a crash', () => {
  it('does not post a message twice when the process died after posting it and before saving the thread', async () => {
    const { parentTs } = await crashAtGate();
    expect(gatePosts()).toHaveLength(1);
    const gateTs = String(gatePosts()[0]?.answer?.ts);
    // Nothing is read back from Slack while all goes well.
    expect(fake.calls.filter((c) => c.method.startsWith('conversations.'))).toEqual([]);

    await startBot();
    await stream.emit(gateDecided);
    // The replayed gate event found its message in the thread and kept it: the decision edits that message.
    await fake.waitFor(() =>
      fake
        .ok('chat.update')
        .some((c) => c.params.ts === gateTs && JSON.stringify(c.params.blocks).includes('UAPPROVER1')),
    );
    expect(gatePosts()).toHaveLength(1);
    expect(posts()).toHaveLength(2);
    expect(fake.ok('conversations.replies').map((c) => c.params)).toEqual([
      expect.objectContaining({ channel: 'CXIZANG', ts: parentTs, include_all_metadata: 'true' }),
    ]);
  });

  it('posts the message on replay when the process died before it reached Slack, once', async () => {
    const { parentTs } = await crashAtGate({ lost: true });
    expect(gatePosts()).toHaveLength(0);

    await startBot();
    await fake.waitFor(() => gatePosts().length === 1);
    expect(gatePosts()[0]?.params.thread_ts).toBe(parentTs);
    const gateTs = String(gatePosts()[0]?.answer?.ts);
    await stream.emit(gateDecided);
    await fake.waitFor(() =>
      fake
        .ok('chat.update')
        .some((c) => c.params.ts === gateTs && JSON.stringify(c.params.blocks).includes('UAPPROVER1')),
    );
    expect(gatePosts()).toHaveLength(1);
    expect(fake.ok('conversations.replies')).toHaveLength(1);
  });

  it('finds a keyed message among several pages of a thread, and nothing for a key never posted', async () => {
    const poster = new SlackPoster({ client: fromWebClient(webClientFor(fake)), minPostIntervalMs: 0 });
    const parent = await poster.post('CXIZANG', renderNotice('info', 'parent'));
    const replies = Array.from({ length: 450 }, (_, i) =>
      poster.post('CXIZANG', renderNotice('info', `line ${i}`), parent.ts, { key: `k${i}` }),
    );
    const posted = await Promise.all(replies);
    const since = { threadTs: parent.ts, sinceMs: 1_700_000_000_000 };
    expect(await poster.findPosted('CXIZANG', 'k449', since)).toEqual(posted[449]);
    expect(await poster.findPosted('CXIZANG', 'k-never', since)).toBeUndefined();
    // Three pages of 200 for each lookup.
    expect(fake.ok('conversations.replies')).toHaveLength(6);
  });
});
