import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackChat, type StartedSlackChat } from '../../../src/adapters/slack/start-slack-chat.ts';
import type { RunRequest } from '../../../src/core/ports/chat-engine.ts';
import { FakeChatEngine } from '../../support/slack/fake-chat-engine.ts';
import { FakeSlackWebApi } from '../../support/slack/fake-web-api.ts';
import { MemoryEventSource } from '../../support/slack/memory-event-source.ts';
import { blockActionsBody, postSigned, slashCommandBody } from '../../support/slack/sign-request.ts';
import { actionIdFor, encodeActionRef } from '../../../src/commands/action-ref.ts';
import type { Gate } from '../../../src/core/ports/gates.ts';
import { chatSite } from '../../support/chat-site.ts';

const SECRET = 'chat-secret';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
let fake: FakeSlackWebApi;
let events: MemoryEventSource;
let engine: FakeChatEngine;
let chat: StartedSlackChat;
let url: string;

beforeEach(async () => {
  fake = await FakeSlackWebApi.start();
  events = new MemoryEventSource();
  engine = new FakeChatEngine();
  // The engine answers a request and then runs: its events arrive through the event source, as from Redis.
  const request = engine.requestRun.bind(engine);
  engine.requestRun = async (req: RunRequest) => {
    const r = await request(req);
    if (r.ok) {
      const base = { site: req.command.site, runId: r.value.runId };
      setTimeout(() => {
        events.push({
          ...base,
          at: 1,
          type: 'run.requested',
          requester: req.requester,
          runbook: 'precheck',
          args: {},
          dryRun: false,
        });
        events.push({
          ...base,
          at: 2,
          type: 'run.planned',
          title: 'precheck',
          planHash: 'ff',
          dryRun: false,
          rendered: '',
          steps: [{ id: 'ping', title: 'redis answers', kind: 'check', destructive: false, hash: 'a' }],
        });
        events.push({
          ...base,
          at: 3,
          type: 'step.started',
          stepId: 'ping',
          title: 'redis answers',
          attempt: 1,
          phase: 'forward',
          targets: ['redis-a'],
        });
        events.push({
          ...base,
          at: 4,
          type: 'step.finished',
          stepId: 'ping',
          status: 'succeeded',
          hosts: [{ host: 'redis-a', exitCode: 0, durationMs: 1 }],
          probes: [],
          findings: [],
          summary: 'ok',
        });
        events.push({ ...base, at: 5, type: 'run.finished', outcome: 'completed', statusLine: 'precheck completed' });
      }, 10);
    }
    return r;
  };
  chat = await startSlackChat({
    signingSecret: SECRET,
    token: 'xoxb-test',
    slackApiUrl: fake.apiUrl,
    port: 0,
    chat: engine,
    sites: [chatSite('xizang', 'CXIZANG', { approverGroups: ['SAPP'] })],
    events,
    log: quiet,
    botId: 'BBOT',
    botUserId: 'UBOT',
    minPostIntervalMs: 0,
    parentEditDelayMs: 20,
  });
  url = `http://127.0.0.1:${chat.port}/slack/events`;
});
afterEach(async () => {
  await chat.stop();
  await fake.close();
});

const command = (cmd: string, text: string, id: string) =>
  postSigned(
    url,
    slashCommandBody({
      command: cmd,
      text,
      user_id: 'UOPERATOR',
      channel_id: 'CXIZANG',
      response_url: fake.responseUrl(id),
      trigger_id: `t-${id}`,
    }),
    { secret: SECRET },
  );

describe('startSlackChat', () => {
  it('runs /precheck from the slash command to a thread in the site channel, then uploads its audit there', async () => {
    expect((await command('/precheck', 'xizang', 'c1')).status).toBe(200);
    await fake.waitFor(() => fake.ok('chat.postMessage').length === 3 && fake.ok('chat.update').length >= 1);
    const [parent, reply, done] = fake.ok('chat.postMessage');
    expect(parent?.params).toMatchObject({ channel: 'CXIZANG', text: 'precheck at xizang: running (1 steps)' });
    const parentTs = String(parent?.answer?.ts);
    expect([reply?.params.text, done?.params.text]).toEqual(['redis answers: done', 'precheck completed']);
    expect([reply?.params.thread_ts, done?.params.thread_ts]).toEqual([parentTs, parentTs]);
    await fake.waitFor(
      () => fake.messages.get(`CXIZANG:${parentTs}`)?.text === 'precheck at xizang: succeeded (1 steps)',
    );

    expect((await command('/audit', 'run_0000000000000001', 'c2')).status).toBe(200);
    await fake.waitFor(() => fake.ok('files.completeUploadExternal').length === 1);
    expect(fake.ok('files.completeUploadExternal')[0]?.params).toMatchObject({
      channel_id: 'CXIZANG',
      thread_ts: parentTs,
    });

    // /runs links each run to its thread.
    expect((await command('/runs', '', 'c3')).status).toBe(200);
    await fake.waitFor(() => fake.responses.some((r) => r.id === 'c3'));
    const runs = JSON.stringify(fake.responses.find((r) => r.id === 'c3')?.body.blocks);
    expect(runs).toContain(
      `<https://acme.slack.com/archives/CXIZANG/p${parentTs.replace('.', '')}|run_0000000000000001>`,
    );
  });
});

describe('gate clicks through startSlackChat', () => {
  const planHash = 'abcdef0123456789abcdef';
  const gate: Gate = {
    id: 'gate_9',
    site: 'xizang',
    runId: 'run_0000000000000009',
    stepId: 'restart',
    kind: 'approval',
    planHash,
    requester: 'UOPERATOR',
    choices: ['approve', 'reject'],
    policy: {
      approvers: [],
      approverGroups: ['SAPP'],
      approvalsNeeded: 1,
      requesterMayApprove: false,
      expiresAfterMs: 1000,
    },
    openedAt: 0,
    expiresAt: 1000,
    status: 'pending',
    approvals: [],
  };
  const clickFrom = (messageTs: string, id: string) =>
    postSigned(
      url,
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

  it("counts a click only from the gate's own message", async () => {
    fake.users.set('UAPPROVER1', {});
    fake.usergroups.set('SAPP', ['UAPPROVER1']);
    engine.gates.set(gate.id, {
      id: gate.id,
      runId: gate.runId,
      site: 'xizang',
      stepId: 'restart',
      stepTitle: 'restart',
      kind: 'approval',
      status: 'pending',
      planHash,
      requester: 'UOPERATOR',
      choices: ['approve', 'reject'],
      targets: [],
      expiresAt: 1000,
      approvers: [],
      approverGroups: ['SAPP'],
    });
    events.push({
      site: 'xizang',
      runId: gate.runId,
      at: 1,
      type: 'gate.opened',
      gate,
      context: { stepTitle: 'restart redis-a', targets: [{ host: 'redis-a', commands: ['systemctl restart redis'] }] },
    });
    await fake.waitFor(() => fake.ok('chat.postMessage').length === 2);
    const gateTs = String(fake.ok('chat.postMessage')[1]?.answer?.ts);

    await clickFrom('1700000000.999999', 'k1');
    await fake.waitFor(() => fake.responses.some((r) => r.id === 'k1'));
    expect(fake.responses.find((r) => r.id === 'k1')?.body.text).toContain('not on the gate');
    expect(engine.calls.filter((c) => c.method === 'decide')).toEqual([]);

    await clickFrom(gateTs, 'k2');
    await fake.waitFor(
      () =>
        engine.calls.some((c) => c.method === 'decide') && fake.ok('chat.update').some((c) => c.params.ts === gateTs),
    );
    expect(JSON.stringify(fake.messages.get(`CXIZANG:${gateTs}`)?.blocks)).toContain('Approved by <@UAPPROVER1>');
  });
});
