import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisReplayGuard } from '../../../src/adapters/redis/redis-replay-guard.ts';
import { REPLAY_WINDOW_MS, type ReplayGuard } from '../../../src/core/ports/replay-guard.ts';
import { actionIdFor, encodeActionRef } from '../../../src/commands/action-ref.ts';
import { RedisTestKeys } from '../../support/redis-test-keys.ts';
import { FakeChatEngine } from '../../support/slack/fake-chat-engine.ts';
import { FakeSlackWebApi } from '../../support/slack/fake-web-api.ts';
import { blockActionsBody, postSigned, slashCommandBody } from '../../support/slack/sign-request.ts';
import { startTestSlackApp, type TestSlackApp, until } from '../../support/slack/test-slack-app.ts';

const SECRET = 'replay-secret';
const PLAN_HASH = '9f2c0123456789abcdef0123456789abcdef';
let keys: RedisTestKeys;
let fake: FakeSlackWebApi;
let engine: FakeChatEngine;
let bot: TestSlackApp | undefined;

beforeEach(async () => {
  keys = new RedisTestKeys();
  fake = await FakeSlackWebApi.start();
  fake.users.set('UAPPROVER1', {});
  fake.usergroups.set('SAPPROVERS', ['UAPPROVER1']);
  engine = new FakeChatEngine();
  engine.gates.set('gate_1', {
    id: 'gate_1',
    runId: 'run_0000000000000001',
    site: 'xizang',
    stepId: 's1',
    stepTitle: 'restart redis-a',
    kind: 'approval',
    status: 'pending',
    planHash: PLAN_HASH,
    requester: 'UOPERATOR',
    choices: ['approve', 'reject'],
    targets: [],
    expiresAt: 0,
    approvers: [],
    approverGroups: ['SAPPROVERS'],
  });
});
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await fake.close();
  await keys.close();
});

/** A bot process: a new app on a new Redis connection (as after a restart), with the same keys. */
async function restartBot(replays: ReplayGuard): Promise<TestSlackApp> {
  await bot?.stop();
  bot = await startTestSlackApp({ secret: SECRET, fake, engine, replays });
  return bot;
}
const redisGuard = () => new RedisReplayGuard(keys.connect(), keys.prefix);
const ignoredReplays = (b: TestSlackApp) => b.entries.filter((e) => e.msg === 'replayed slash command ignored').length;

describe('replay memory across a restart', () => {
  it('does not act on a slash command replayed to a restarted bot (Redis)', async () => {
    const command = slashCommandBody({
      command: '/precheck',
      text: 'xizang',
      user_id: 'UOPERATOR',
      channel_id: 'CXIZANG',
      response_url: fake.responseUrl('first'),
      trigger_id: '1700000000.1.replayed',
    });
    const first = await restartBot(redisGuard());
    const sent = { secret: SECRET, timestampSec: Math.floor(Date.now() / 1000) };
    expect((await postSigned(first.url, command, sent)).status).toBe(200);
    await fake.waitFor(() => fake.responses.some((r) => r.id === 'first'));
    expect(engine.calls.filter((c) => c.method === 'requestRun')).toHaveLength(1);

    const second = await restartBot(redisGuard());
    expect((await postSigned(second.url, command, sent)).status).toBe(200);
    await until('the replay is logged as ignored', () => ignoredReplays(second) === 1);
    expect(engine.calls.filter((c) => c.method === 'requestRun')).toHaveLength(1);
    expect(fake.responses.filter((r) => r.id === 'first')).toHaveLength(1);
  });

  it('answers a click replayed to a restarted bot "already received" without deciding again (Redis)', async () => {
    const first = await restartBot(redisGuard());
    const gateMessage = await first.app.poster.post('CXIZANG', { text: 'gate', blocks: [], truncated: false });
    const body = blockActionsBody({
      user: 'UAPPROVER1',
      channel: 'CXIZANG',
      messageTs: gateMessage.ts,
      actionId: actionIdFor('approve'),
      value: encodeActionRef({ gateId: 'gate_1', planHash: PLAN_HASH }),
      responseUrl: fake.responseUrl('click'),
      actionTs: '1700000000.5',
    });
    const sent = { secret: SECRET, timestampSec: Math.floor(Date.now() / 1000) };
    expect((await postSigned(first.url, body, sent)).status).toBe(200);
    await fake.waitFor(() => fake.ok('chat.update').length === 1);
    const second = await restartBot(redisGuard());
    expect((await postSigned(second.url, body, sent)).status).toBe(200);
    await fake.waitFor(() => fake.responses.some((r) => r.id === 'click'));
    expect(fake.responses.map((r) => [r.id, r.body.text])).toEqual([
      ['click', 'This click was already received; it is counted once.'],
    ]);
    expect(engine.calls.filter((c) => c.method === 'decide')).toHaveLength(1);
  });

  it('keeps each handled request under the app prefix with its expiry, once across processes', async () => {
    const a = redisGuard();
    const b = redisGuard();
    const answers = await Promise.all([a.firstTime('cmd:T1'), b.firstTime('cmd:T1'), a.firstTime('cmd:T1')]);
    expect(answers.filter(Boolean)).toHaveLength(1);
    const ttl = await keys.connect().pttl(`${keys.prefix}slack:seen:cmd:T1`);
    expect(ttl).toBeGreaterThan(REPLAY_WINDOW_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(REPLAY_WINDOW_MS);
    expect(await b.firstTime('cmd:T2')).toBe(true);
  });
});
