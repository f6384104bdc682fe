import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackChat, type StartedSlackChat } from '../../../src/adapters/slack/start-slack-chat.ts';
import { actionIdFor, encodeActionRef } from '../../../src/commands/action-ref.ts';
import type { GateDecisionRequest } from '../../../src/core/ports/chat-engine.ts';
import type { Gate } from '../../../src/core/ports/gates.ts';
import { FakeChatEngine } from '../../support/slack/fake-chat-engine.ts';
import { FakeSlackWebApi } from '../../support/slack/fake-web-api.ts';
import { MemoryEventSource } from '../../support/slack/memory-event-source.ts';
import {
  blockActionsBody,
  homeClickBody,
  homeOpenedEvent,
  postSigned,
  postSignedJson,
} from '../../support/slack/sign-request.ts';
import { chatSite } from '../../support/chat-site.ts';

const SECRET = 'home-secret';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const PLAN = 'abcdef0123456789abcdef';
let fake: FakeSlackWebApi;
let events: MemoryEventSource;
let engine: FakeChatEngine;
let chat: StartedSlackChat;
let url: string;

function gate(id: string, runId: string, requester = 'UOPERATOR'): Gate {
  return {
    id,
    site: 'xizang',
    runId,
    stepId: 'restart',
    kind: 'approval',
    planHash: PLAN,
    requester,
    choices: ['approve', 'reject'],
    policy: {
      approvers: [],
      approverGroups: ['SAPP'],
      approvalsNeeded: 1,
      requesterMayApprove: false,
      expiresAfterMs: 1,
    },
    openedAt: 0,
    expiresAt: Date.now() + 3_600_000,
    status: 'pending',
    approvals: [],
  };
}

/** A run waiting at a pending gate, known to the engine, its gate message posted in the thread. */
async function openGate(id: string, runId: string, requester = 'UOPERATOR'): Promise<string> {
  const g = gate(id, runId, requester);
  engine.runs.set(runId, {
    id: runId,
    site: 'xizang',
    title: 'upgrade redis',
    state: 'waiting',
    requester,
    startedAt: 1,
  });
  engine.gates.set(id, {
    id,
    runId,
    site: 'xizang',
    stepId: 'restart',
    stepTitle: 'restart redis-a',
    kind: 'approval',
    status: 'pending',
    planHash: PLAN,
    requester,
    choices: ['approve', 'reject'],
    targets: [{ host: 'redis-a', commands: ['systemctl restart redis'] }],
    expiresAt: g.expiresAt,
    approvers: [],
    approverGroups: ['SAPP'],
  });
  const posts = fake.ok('chat.postMessage').length;
  events.push({
    site: 'xizang',
    runId,
    at: 1,
    type: 'gate.opened',
    gate: g,
    context: { stepTitle: 'restart redis-a', targets: [{ host: 'redis-a', commands: ['systemctl restart redis'] }] },
  });
  await fake.waitFor(() => fake.ok('chat.postMessage').length >= posts + 2);
  return String(fake.ok('chat.postMessage').at(-1)?.answer?.ts);
}

const homeOf = (user: string) => fake.homeViews.get(user);
const homeText = (user: string) => JSON.stringify(homeOf(user)?.view.blocks ?? []);
const publishes = (user: string) => fake.ok('views.publish').filter((c) => c.params.user_id === user).length;

async function openHome(user: string): Promise<void> {
  const before = publishes(user);
  expect((await postSignedJson(url, homeOpenedEvent(user), { secret: SECRET })).status).toBe(200);
  await fake.waitFor(() => publishes(user) > before);
}

async function clickHome(user: string, gateId: string, choice: 'approve' | 'reject' = 'approve', planHash = PLAN) {
  const res = await postSigned(
    url,
    homeClickBody({
      user,
      viewId: homeOf(user)?.id ?? 'VNONE',
      actionId: actionIdFor(choice),
      value: encodeActionRef({ gateId, planHash }),
    }),
    { secret: SECRET },
  );
  expect(res.status).toBe(200);
}

const clickThread = (user: string, gateId: string, messageTs: string, id: string) =>
  postSigned(
    url,
    blockActionsBody({
      user,
      channel: 'CXIZANG',
      messageTs,
      actionId: actionIdFor('approve'),
      value: encodeActionRef({ gateId, planHash: PLAN }),
      responseUrl: fake.responseUrl(id),
      actionTs: id,
    }),
    { secret: SECRET },
  );

const decisions = () => engine.calls.filter((c) => c.method === 'decide').map((c) => c.arg as GateDecisionRequest);

beforeEach(async () => {
  fake = await FakeSlackWebApi.start();
  for (const u of ['UOPERATOR', 'UAPPROVER1', 'UAPPROVER2', 'UOTHER']) fake.users.set(u, {});
  fake.usergroups.set('SAPP', ['UAPPROVER1', 'UAPPROVER2']);
  fake.channelMembers.set('CXIZANG', ['UOPERATOR', 'UAPPROVER1', 'UAPPROVER2']);
  fake.channelMembers.set('CLHASA', ['UOTHER']);
  events = new MemoryEventSource();
  engine = new FakeChatEngine();
  await startChat();
});
afterEach(async () => {
  await chat.stop();
  await fake.close();
});

/** Starts the bot's Slack side over the test's engine, events and fake Web API (again, for a restart). */
async function startChat(): Promise<void> {
  chat = await startSlackChat({
    signingSecret: SECRET,
    token: 'xoxb-test',
    slackApiUrl: fake.apiUrl,
    port: 0,
    chat: engine,
    sites: [chatSite('xizang', 'CXIZANG', { approverGroups: ['SAPP'] }), chatSite('lhasa', 'CLHASA')],
    events,
    log: quiet,
    botId: 'BBOT',
    botUserId: 'UBOT',
    minPostIntervalMs: 0,
    parentEditDelayMs: 20,
  });
  url = `http://127.0.0.1:${chat.port}/slack/events`;
}

describe('the Home tab', () => {
  it('shows each person the gates they may decide, their own requests and the active runs of their sites', async () => {
    await openGate('gate_1', 'run_0000000000000001');
    engine.runs.set('run_00000000000000aa', {
      id: 'run_00000000000000aa',
      site: 'lhasa',
      title: 'precheck',
      state: 'running',
      requester: 'UOTHER',
      startedAt: 1,
    });

    await openHome('UAPPROVER1');
    const approver = homeText('UAPPROVER1');
    expect(approver).toContain('opsgate.gate.approve');
    expect(approver).toContain(encodeActionRef({ gateId: 'gate_1', planHash: PLAN }));
    expect(approver).toContain('Gates you may decide now');
    // The run's thread is linked; lhasa's run is not shown: UAPPROVER1 is not in its channel.
    expect(approver).toMatch(/https:\/\/acme\.slack\.com\/archives\/CXIZANG\/p\d+\|run_0000000000000001/);
    expect(approver).not.toContain('run_00000000000000aa');

    // The requester sees their request and where it stands, but not their own gate as theirs to decide.
    await openHome('UOPERATOR');
    const requester = homeText('UOPERATOR');
    expect(requester).not.toContain('opsgate.gate.');
    expect(requester).toContain('Your requests');
    expect(requester).toContain('run_0000000000000001');

    await openHome('UOTHER');
    expect(homeText('UOTHER')).toContain('run_00000000000000aa');
    expect(homeText('UOTHER')).not.toContain('opsgate.gate.');
  });

  it('counts a decision from Home exactly as one from the thread: same request, once', async () => {
    const gateTs = await openGate('gate_1', 'run_0000000000000001');
    await openHome('UAPPROVER1');
    await clickHome('UAPPROVER1', 'gate_1');
    await fake.waitFor(() => decisions().length === 1 && !homeText('UAPPROVER1').includes('opsgate.gate.approve'));
    expect(decisions()).toEqual([
      {
        gateId: 'gate_1',
        planHash: PLAN.slice(0, 12),
        choice: 'approve',
        user: 'UAPPROVER1',
        userGroups: ['SAPP'],
        channel: 'CXIZANG',
        via: 'home',
      },
    ]);
    expect(engine.gates.get('gate_1')?.decision?.by).toBe('UAPPROVER1');
    // The clicker's tab no longer offers it.
    expect(homeText('UAPPROVER1')).not.toContain('opsgate.gate.approve');

    // A second approver clicking in the thread afterwards is refused, as a second click in the thread would be.
    await clickThread('UAPPROVER2', 'gate_1', gateTs, 't2');
    await fake.waitFor(() => fake.responses.some((r) => r.id === 't2'));
    expect(fake.responses.find((r) => r.id === 't2')?.body.text).toContain('already decided');
    expect(engine.gates.get('gate_1')?.decision?.by).toBe('UAPPROVER1');
  });

  it('counts the same person clicking twice on Home once, and says so on their tab', async () => {
    await openGate('gate_1', 'run_0000000000000001');
    await openHome('UAPPROVER1');
    const viewId = homeOf('UAPPROVER1')?.id ?? '';
    const click = (n: string) =>
      postSigned(
        url,
        homeClickBody({
          user: 'UAPPROVER1',
          viewId,
          actionId: actionIdFor('approve'),
          value: encodeActionRef({ gateId: 'gate_1', planHash: PLAN }),
          triggerId: `trig-${n}`,
        }),
        { secret: SECRET },
      );
    await Promise.all([click('a'), click('b')]);
    await fake.waitFor(() => homeText('UAPPROVER1').includes('already decided'));
    // Both clicks reached the engine, in order (one lane per gate); the second was refused there, as in the thread.
    expect(decisions()).toHaveLength(2);
    expect(engine.gates.get('gate_1')?.decision?.by).toBe('UAPPROVER1');
  });

  it('decides a gate exactly once when Home and the thread race', async () => {
    const gateTs = await openGate('gate_1', 'run_0000000000000001');
    await openHome('UAPPROVER1');
    await Promise.all([
      postSigned(
        url,
        homeClickBody({
          user: 'UAPPROVER1',
          viewId: homeOf('UAPPROVER1')?.id ?? '',
          actionId: actionIdFor('approve'),
          value: encodeActionRef({ gateId: 'gate_1', planHash: PLAN }),
        }),
        { secret: SECRET },
      ),
      clickThread('UAPPROVER2', 'gate_1', gateTs, 'r2'),
    ]);
    await fake.waitFor(() => decisions().length === 2 && fake.responses.some((r) => r.id === 'r2'));
    await fake.waitFor(() => publishes('UAPPROVER1') >= 2);
    const winner = engine.gates.get('gate_1')?.decision?.by;
    expect(['UAPPROVER1', 'UAPPROVER2']).toContain(winner);
    // The other one was told it was already decided, where they clicked.
    const threadAnswer = String(fake.responses.find((r) => r.id === 'r2')?.body.text ?? '');
    if (winner === 'UAPPROVER1') expect(threadAnswer).toContain('already decided');
    else await fake.waitFor(() => homeText('UAPPROVER1').includes('already decided'));
  });

  it('refuses from Home what the engine refuses: expired, plan changed, not authorised', async () => {
    await openGate('gate_1', 'run_0000000000000001');
    await openHome('UAPPROVER1');

    const g = engine.gates.get('gate_1');
    if (g === undefined) throw new Error('no gate');
    engine.gates.set('gate_1', { ...g, status: 'expired' });
    await clickHome('UAPPROVER1', 'gate_1');
    await fake.waitFor(() => homeText('UAPPROVER1').includes('This gate has expired'));

    await openGate('gate_2', 'run_0000000000000002');
    await openHome('UAPPROVER1');
    const g2 = engine.gates.get('gate_2');
    if (g2 === undefined) throw new Error('no gate');
    // The plan changed after the tab was published: the button's hash no longer matches.
    engine.gates.set('gate_2', { ...g2, planHash: 'ffffff0123456789abcdef' });
    await clickHome('UAPPROVER1', 'gate_2');
    await fake.waitFor(() => homeText('UAPPROVER1').includes('The plan changed'));

    await openGate('gate_3', 'run_0000000000000003');
    await openHome('UAPPROVER1');
    const g3 = engine.gates.get('gate_3');
    if (g3 === undefined) throw new Error('no gate');
    // The policy changed: UAPPROVER1's group no longer approves this gate.
    engine.gates.set('gate_3', { ...g3, approverGroups: ['SOTHER'] });
    await clickHome('UAPPROVER1', 'gate_3');
    await fake.waitFor(() => homeText('UAPPROVER1').includes('You are not an approver'));
    expect(engine.gates.get('gate_3')?.status).toBe('pending');
  });

  it("refuses a Home click on a gate the tab never offered that person with the engine's reason", async () => {
    await openGate('gate_1', 'run_0000000000000001');
    await openHome('UOPERATOR');
    await openHome('UOTHER');
    // The requester (and someone from another site) clicking with a crafted value: the gate's own channel, and
    // the engine's checks, as for any click.
    await clickHome('UOPERATOR', 'gate_1');
    await clickHome('UOTHER', 'gate_1');
    await fake.waitFor(() => homeText('UOPERATOR').includes('You requested this run'));
    await fake.waitFor(() => homeText('UOTHER').includes('You are not an approver for site xizang'));
    expect(decisions().map((d) => [d.user, d.channel])).toEqual([
      ['UOPERATOR', 'CXIZANG'],
      ['UOTHER', 'CXIZANG'],
    ]);
    expect(engine.gates.get('gate_1')?.status).toBe('pending');
  });

  it('counts a click on a tab published before a restart while its gate waits, and refuses it after', async () => {
    await openGate('gate_1', 'run_0000000000000001');
    await openGate('gate_2', 'run_0000000000000002');
    await openHome('UAPPROVER1');
    await openHome('UAPPROVER2');
    await chat.stop();
    // A new process (or another replica) that never published these tabs.
    await startChat();
    await clickHome('UAPPROVER1', 'gate_1');
    await fake.waitFor(() => engine.gates.get('gate_1')?.decision?.by === 'UAPPROVER1');
    expect(decisions()).toMatchObject([{ gateId: 'gate_1', user: 'UAPPROVER1', channel: 'CXIZANG', via: 'home' }]);

    // gate_1 no longer waits: a click on UAPPROVER2's old tab is refused before the engine, and the tab republished.
    const before = publishes('UAPPROVER2');
    await clickHome('UAPPROVER2', 'gate_1');
    await fake.waitFor(() => homeText('UAPPROVER2').includes('no longer waits for a decision'));
    expect(publishes('UAPPROVER2')).toBeGreaterThan(before);
    expect(decisions()).toHaveLength(1);
    expect(homeText('UAPPROVER2')).toContain(encodeActionRef({ gateId: 'gate_2', planHash: PLAN }));
  });

  it('refreshes the tabs of the people concerned when a gate opens and when it closes', async () => {
    await openHome('UAPPROVER2');
    await openHome('UOPERATOR');
    await openHome('UOTHER');
    expect(homeText('UAPPROVER2')).not.toContain('opsgate.gate.');
    const other = publishes('UOTHER');

    await openGate('gate_1', 'run_0000000000000001');
    await fake.waitFor(() => homeText('UAPPROVER2').includes('opsgate.gate.approve'));
    // The requester's tab is published again too, showing the request waiting.
    await fake.waitFor(() => homeText('UOPERATOR').includes('run_0000000000000001'));

    const g = engine.gates.get('gate_1');
    if (g === undefined) throw new Error('no gate');
    engine.gates.set('gate_1', { ...g, status: 'decided', decision: { choice: 'reject', by: 'UAPPROVER1', at: 1 } });
    events.push({
      site: 'xizang',
      runId: 'run_0000000000000001',
      at: 2,
      type: 'gate.decided',
      gateId: 'gate_1',
      stepId: 'restart',
      choice: 'reject',
      by: 'UAPPROVER1',
    });
    await fake.waitFor(() => !homeText('UAPPROVER2').includes('opsgate.gate.approve'));
    // Someone at another site only is left alone.
    expect(publishes('UOTHER')).toBe(other);
  });

  it('splits a long list into pages within 100 blocks, each page reachable', async () => {
    for (let i = 0; i < 60; i++) {
      const id = `gate_${String(i).padStart(2, '0')}`;
      const runId = `run_${String(i).padStart(16, '0')}`;
      engine.runs.set(runId, {
        id: runId,
        site: 'xizang',
        title: 'upgrade',
        state: 'waiting',
        requester: 'UOPERATOR',
        startedAt: 1,
      });
      engine.gates.set(id, {
        id,
        runId,
        site: 'xizang',
        stepId: 's',
        stepTitle: `step ${i}`,
        kind: 'approval',
        status: 'pending',
        planHash: PLAN,
        requester: 'UOPERATOR',
        choices: ['approve', 'reject'],
        targets: [{ host: 'redis-a', commands: ['systemctl restart redis'] }],
        expiresAt: Date.now() + 3_600_000,
        approvers: [],
        approverGroups: ['SAPP'],
      });
    }
    await openHome('UAPPROVER1');
    const seen = new Set<string>();
    for (let page = 1; ; page++) {
      const view = homeOf('UAPPROVER1')?.view;
      expect(view?.blocks?.length ?? 0).toBeLessThanOrEqual(100);
      for (const m of JSON.stringify(view?.blocks).matchAll(/g1:(gate_\d\d):/g)) seen.add(m[1] ?? '');
      const text = JSON.stringify(view?.blocks);
      if (!text.includes('Next page')) break;
      expect(page).toBeLessThan(20);
      const before = publishes('UAPPROVER1');
      await postSigned(
        url,
        homeClickBody({
          user: 'UAPPROVER1',
          viewId: homeOf('UAPPROVER1')?.id ?? '',
          actionId: 'opsgate.home.next',
          value: String(page + 1),
        }),
        { secret: SECRET },
      );
      await fake.waitFor(() => publishes('UAPPROVER1') > before);
      expect(homeText('UAPPROVER1')).toContain(`Page ${page + 1} of`);
    }
    expect(seen.size).toBe(60);
  });
});

describe('the receiver guard and Home', () => {
  it('passes app_home_opened only, strictly validated, and Home clicks without a channel', async () => {
    const other = { ...homeOpenedEvent('UAPPROVER1'), event: { type: 'message', user: 'UAPPROVER1', text: 'hi' } };
    const refused = await postSignedJson(url, other, { secret: SECRET });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('only app_home_opened');

    const bad = {
      ...homeOpenedEvent('UAPPROVER1'),
      event: { type: 'app_home_opened', user: 'nobody', tab: 'home', event_ts: '1' },
    };
    expect((await postSignedJson(url, bad, { secret: SECRET })).status).toBe(400);

    // A "Home" click that names a channel is not a Home click.
    const payload = JSON.parse(
      new URLSearchParams(
        homeClickBody({
          user: 'UAPPROVER1',
          viewId: 'V1',
          actionId: actionIdFor('approve'),
          value: 'g1:gate_1:abcdef012345',
        }),
      ).get('payload') ?? '{}',
    ) as Record<string, unknown>;
    const withChannel = new URLSearchParams({ payload: JSON.stringify({ ...payload, channel: { id: 'CXIZANG' } }) });
    const r = await postSigned(url, withChannel.toString(), { secret: SECRET });
    expect(r.status).toBe(400);
    expect(fake.ok('views.publish')).toEqual([]);

    // The Messages tab opening publishes nothing.
    expect((await postSignedJson(url, homeOpenedEvent('UAPPROVER1', 'messages'), { secret: SECRET })).status).toBe(200);
    await openHome('UAPPROVER1');
    expect(fake.ok('views.publish')).toHaveLength(1);
  });
});
