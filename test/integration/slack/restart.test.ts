import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackChat, type StartedSlackChat } from '../../../src/adapters/slack/start-slack-chat.ts';
import { actionIdFor, encodeActionRef } from '../../../src/commands/action-ref.ts';
import type { Gate } from '../../../src/core/ports/gates.ts';
import { RedisRunThreadStore } from '../../../src/adapters/redis/redis-run-thread-store.ts';
import { RedisTestKeys } from '../../support/redis-test-keys.ts';
import { FakeChatEngine } from '../../support/slack/fake-chat-engine.ts';
import { FakeSlackWebApi } from '../../support/slack/fake-web-api.ts';
import { pendingRestartGate, quietLog, xizangSlackSite } from '../../support/slack/xizang-fixtures.ts';
import { MemoryEventSource } from '../../support/slack/memory-event-source.ts';
import { blockActionsBody, postSigned } from '../../support/slack/sign-request.ts';

const SECRET = 'restart-secret';
const site = xizangSlackSite;
const planHash = 'abcdef0123456789abcdef';
const runId = 'run_00000000000000aa';
const gate: Gate = pendingRestartGate('gate_r1', runId, planHash);
const base = { site: 'xizang', runId };

let keys: RedisTestKeys;
let fake: FakeSlackWebApi;
let events: MemoryEventSource;
let engine: FakeChatEngine;
let running: StartedSlackChat | undefined;

beforeEach(async () => {
  keys = new RedisTestKeys();
  fake = await FakeSlackWebApi.start();
  events = new MemoryEventSource();
  engine = new FakeChatEngine();
  fake.users.set('UAPPROVER1', {});
  fake.usergroups.set('SAPP', ['UAPPROVER1']);
  engine.gates.set(gate.id, {
    id: gate.id,
    runId,
    site: 'xizang',
    stepId: 'restart',
    stepTitle: 'restart',
    kind: 'approval',
    status: 'pending',
    planHash,
    requester: 'UOPERATOR',
    choices: ['approve', 'reject'],
    targets: [],
    expiresAt: 600_000,
    approvers: [],
    approverGroups: ['SAPP'],
  });
});
afterEach(async () => {
  await running?.stop();
  running = undefined;
  await fake.close();
  await keys.close();
});

/** One bot process: its own Redis connection, the same Redis keys, Web API and event streams as the others. */
async function startBot(): Promise<StartedSlackChat> {
  running = await startSlackChat({
    signingSecret: SECRET,
    token: 'xoxb-test',
    slackApiUrl: fake.apiUrl,
    port: 0,
    chat: engine,
    sites: [site],
    events,
    log: quietLog,
    botId: 'BBOT',
    botUserId: 'UBOT',
    minPostIntervalMs: 0,
    parentEditDelayMs: 0,
    threads: new RedisRunThreadStore({
      redis: keys.connect(),
      prefix: keys.prefix,
      clock: { now: () => 1_700_000_000_000 },
    }),
  });
  return running;
}

const clickFrom = (bot: StartedSlackChat, messageTs: string, id: string) =>
  postSigned(
    `http://127.0.0.1:${bot.port}/slack/events`,
    blockActionsBody({
      user: 'UAPPROVER1',
      channel: 'CXIZANG',
      messageTs,
      actionId: actionIdFor('approve'),
      value: encodeActionRef({ gateId: gate.id, planHash }),
      responseUrl: fake.responseUrl(id),
      actionTs: id,
    }),
    { secret: SECRET },
  );

describe('a restarted Slack app', () => {
  it('keeps the run in its thread and recognises the gate messages the previous process posted', async () => {
    const first = await startBot();
    events.push({
      ...base,
      at: 1,
      type: 'run.requested',
      requester: 'UOPERATOR',
      runbook: 'xizang-redis',
      args: {},
      dryRun: false,
    });
    events.push({
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
    });
    events.push({
      ...base,
      at: 3,
      type: 'gate.opened',
      gate,
      context: { stepTitle: 'restart redis-a', targets: [{ host: 'redis-a', commands: ['systemctl restart redis'] }] },
    });
    await fake.waitFor(() => fake.ok('chat.postMessage').length === 2);
    const [parent, gateMsg] = fake.ok('chat.postMessage');
    const parentTs = String(parent?.answer?.ts);
    const gateTs = String(gateMsg?.answer?.ts);
    await first.stop();
    running = undefined;

    const second = await startBot();
    // A click from another message is refused: the second process knows where the gate was posted.
    await clickFrom(second, '1700000000.999999', 'k1');
    await fake.waitFor(() => fake.responses.some((r) => r.id === 'k1'));
    expect(fake.responses.find((r) => r.id === 'k1')?.body.text).toContain('not on the gate');
    expect(engine.calls.filter((c) => c.method === 'decide')).toEqual([]);
    // The click on the first process's gate message counts.
    await clickFrom(second, gateTs, 'k2');
    await fake.waitFor(
      () =>
        engine.calls.some((c) => c.method === 'decide') && fake.ok('chat.update').some((c) => c.params.ts === gateTs),
    );

    events.push({
      ...base,
      at: 4,
      type: 'gate.decided',
      gateId: gate.id,
      stepId: 'restart',
      choice: 'approve',
      by: 'UAPPROVER1',
    });
    events.push({
      ...base,
      at: 5,
      type: 'step.started',
      stepId: 'restart',
      title: 'restart redis-a',
      attempt: 1,
      phase: 'forward',
      targets: ['redis-a'],
    });
    events.push({
      ...base,
      at: 6,
      type: 'step.finished',
      stepId: 'restart',
      status: 'succeeded',
      hosts: [{ host: 'redis-a', exitCode: 0, durationMs: 1 }],
      probes: [],
      findings: [],
      summary: 'restarted',
    });
    events.push({ ...base, at: 7, type: 'run.finished', outcome: 'completed', statusLine: 'upgrade redis completed' });
    await fake.waitFor(() => fake.ok('chat.postMessage').some((p) => p.params.text === 'upgrade redis completed'));
    await fake.waitFor(
      () => fake.messages.get(`CXIZANG:${parentTs}`)?.text === 'upgrade redis at xizang: succeeded (2 steps)',
    );
    // No second parent: every later message is in the first process's thread.
    const later = fake.ok('chat.postMessage').slice(2);
    expect(later.map((p) => p.params.thread_ts)).toEqual(later.map(() => parentTs));
    expect(JSON.stringify(fake.messages.get(`CXIZANG:${parentTs}`)?.blocks)).toContain('approved by <@UAPPROVER1>');
  });
});
