import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackApp, type SlackApp } from '../../../src/adapters/slack/create-slack-app.ts';
import { renderGate } from '../../../src/adapters/slack/render-gate.ts';
import { actionIdFor, encodeActionRef } from '../../../src/commands/action-ref.ts';
import type { Site } from '../../../src/core/sites/site.ts';
import type { GateChoice } from '../../../src/core/ports/gates.ts';
import type { GateView } from '../../../src/core/ports/views.ts';
import { FakeChatEngine } from '../../support/slack/fake-chat-engine.ts';
import { FakeSlackWebApi } from '../../support/slack/fake-web-api.ts';
import { blockActionsBody, postSigned, slashCommandBody, signedHeaders } from '../../support/slack/sign-request.ts';
import { chatSite } from '../../support/chat-site.ts';

const SECRET = 'test-signing-secret';
const sites: Site[] = [chatSite('xizang', 'CXIZANG', { approverGroups: ['SAPPROVERS'] }), chatSite('lhasa', 'CLHASA')];
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const PLAN_HASH = '9f2c0123456789abcdef0123456789abcdef';

let fake: FakeSlackWebApi;
let engine: FakeChatEngine;
let app: SlackApp;
let url: string;
let port: number;
let seq = 0;

beforeEach(async () => {
  fake = await FakeSlackWebApi.start();
  fake.usergroups.set('SAPPROVERS', ['UAPPROVER1', 'UAPPROVER2', 'UGUEST', 'UGONE']);
  for (const u of ['UAPPROVER1', 'UAPPROVER2', 'UOPERATOR', 'URANDOM']) fake.users.set(u, {});
  fake.users.set('UGUEST', { is_restricted: true });
  fake.users.set('UGONE', { deleted: true });
  engine = new FakeChatEngine();
  app = createSlackApp({
    signingSecret: SECRET,
    token: 'xoxb-test',
    socketMode: false,
    slackApiUrl: fake.apiUrl,
    port: 0,
    botId: 'BBOT',
    botUserId: 'UBOT',
    deps: { engine, sites },
    log: quiet,
    minPostIntervalMs: 0,
    maxWorkDelayMs: 60_000,
  });
  ({ port } = (await app.start()) as { port: number });
  url = `http://127.0.0.1:${port}/slack/events`;
});
afterEach(async () => {
  await app.stop();
  await fake.close();
});

function command(
  text: string,
  opts: { user?: string; channel?: string; command?: string; ts?: number; forge?: boolean } = {},
) {
  const id = `c${++seq}`;
  const body = slashCommandBody({
    command: opts.command ?? '/precheck',
    text,
    user_id: opts.user ?? 'UOPERATOR',
    channel_id: opts.channel ?? 'CXIZANG',
    response_url: fake.responseUrl(id),
    trigger_id: `trig-${id}`,
  });
  return {
    id,
    res: postSigned(url, body, {
      secret: SECRET,
      ...(opts.ts === undefined ? {} : { timestampSec: opts.ts }),
      ...(opts.forge ? { forgeWith: 'not-the-secret' } : {}),
    }),
  };
}

async function postGate(overrides: Partial<GateView> = {}): Promise<{ gate: GateView; ts: string }> {
  const gate: GateView = {
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
    targets: [{ host: 'redis-a', commands: ['systemctl restart redis'] }],
    expiresAt: 0,
    ...overrides,
  };
  engine.gates.set(gate.id, { ...gate, approvers: [], approverGroups: ['SAPPROVERS'] });
  const posted = await app.poster.post('CXIZANG', renderGate(gate), '1700000000.000001');
  return { gate, ts: posted.ts };
}

function click(user: string, messageTs: string, opts: { choice?: GateChoice; value?: string; actionTs?: string } = {}) {
  const id = `a${++seq}`;
  const body = blockActionsBody({
    user,
    channel: 'CXIZANG',
    messageTs,
    actionId: actionIdFor(opts.choice ?? 'approve'),
    value: opts.value ?? encodeActionRef({ gateId: 'gate_1', planHash: PLAN_HASH }),
    responseUrl: fake.responseUrl(id),
    actionTs: opts.actionTs ?? `${seq}.0`,
  });
  return { id, body, res: postSigned(url, body, { secret: SECRET }) };
}
const responseTo = async (id: string) => {
  await fake.waitFor(() => fake.responses.some((r) => r.id === id));
  return fake.responses.find((r) => r.id === id)?.body;
};

describe("Slack app through Bolt's HTTP receiver", () => {
  it('acks a signed slash command and invokes the handler after the ack', async () => {
    const { id, res } = command('xizang');
    expect((await res).status).toBe(200);
    expect(await responseTo(id)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('requested as run run_0000000000000001'),
    });
    expect(engine.calls[0]).toMatchObject({
      method: 'requestRun',
      arg: { requester: 'UOPERATOR', channel: 'CXIZANG', command: { name: 'precheck', site: 'xizang' } },
    });
  });

  it('answers the HTTP request before slow work finishes', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const original = engine.requestRun.bind(engine);
    engine.requestRun = async (req) => {
      await gate;
      return original(req);
    };
    const { id, res } = command('xizang');
    expect((await res).status).toBe(200);
    expect(fake.responses).toEqual([]);
    release();
    expect(await responseTo(id)).toMatchObject({ text: expect.stringContaining('requested') });
  });

  it('acks first: the work after an ack waits while another request is still being received, then runs', async () => {
    // A signed /precheck whose headers have arrived but not its whole body: the receiver is busy with it.
    const held = slashCommandBody({
      command: '/precheck',
      text: 'xizang',
      user_id: 'UOPERATOR',
      channel_id: 'CXIZANG',
      response_url: fake.responseUrl('held'),
      trigger_id: 'trig-held',
    });
    const headers = Object.entries({
      ...signedHeaders(held, { secret: SECRET }),
      host: '127.0.0.1',
      'content-length': String(Buffer.byteLength(held)),
      connection: 'close',
    });
    const sock = connect(port, '127.0.0.1');
    const answer = new Promise<string>((resolve) => {
      let text = '';
      sock.on('data', (d) => (text += String(d))).on('close', () => resolve(text));
    });
    await new Promise<void>((r) =>
      sock.write(
        `POST /slack/events HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${held.slice(0, 20)}`,
        () => r(),
      ),
    );
    await new Promise((r) => setTimeout(r, 50));
    const { id, res } = command('xizang');
    expect((await res).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(engine.calls).toEqual([]);
    expect(fake.responses).toEqual([]);
    sock.end(held.slice(20));
    expect(await answer).toMatch(/^HTTP\/1.1 200/);
    // Then both run.
    expect(await responseTo('held')).toMatchObject({ text: expect.stringContaining('requested as run') });
    expect(await responseTo(id)).toMatchObject({ text: expect.stringContaining('requested as run') });
    expect(engine.calls.filter((c) => c.method === 'requestRun')).toHaveLength(2);
  });

  it('rejects a forged signature and a stale timestamp with 401, without invoking anything', async () => {
    expect((await command('xizang', { forge: true }).res).status).toBe(401);
    expect((await command('xizang', { ts: Math.floor(Date.now() / 1000) - 301 }).res).status).toBe(401);
    const body = slashCommandBody({
      command: '/precheck',
      text: 'xizang',
      user_id: 'U1',
      channel_id: 'CXIZANG',
      response_url: fake.responseUrl('x'),
    });
    expect(
      (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }))
        .status,
    ).toBe(401);
    // The old ssl_check bypass must not let an unsigned click through.
    const sneaky = `ssl_check=1&${blockActionsBody({ user: 'UAPPROVER1', channel: 'CXIZANG', messageTs: '1.1', actionId: actionIdFor('approve'), value: encodeActionRef({ gateId: 'gate_1', planHash: PLAN_HASH }), responseUrl: fake.responseUrl('y') })}`;
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: sneaky,
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(engine.calls).toEqual([]);
    expect(fake.responses).toEqual([]);
  });

  it("refuses a command from a channel that is not the site's, privately and with the right channel", async () => {
    const { id } = command('xizang', { channel: 'CLHASA' });
    expect(await responseTo(id)).toMatchObject({
      response_type: 'ephemeral',
      text: 'Commands for site xizang are only accepted in its channel <#CXIZANG>.',
    });
    expect(engine.calls).toEqual([]);
  });

  it('answers an engine failure privately with what to do next', async () => {
    engine.requestRun = async () => {
      throw new Error('redis connection lost');
    };
    const { id } = command('xizang');
    expect((await responseTo(id))?.text).toBe(
      'opsgate could not handle /precheck: redis connection lost. Check /runs before trying again (it may have started), and tell an operator if it persists.',
    );
  });

  it('lists the valid sites for an unknown one', async () => {
    const { id } = command('tibet', { command: '/upgrade' });
    expect((await responseTo(id))?.text).toBe('Unknown site "tibet". Valid sites: lhasa, xizang.');
  });

  it('ignores a replayed slash command (same trigger) so nothing starts twice', async () => {
    const body = slashCommandBody({
      command: '/precheck',
      text: 'xizang',
      user_id: 'UOPERATOR',
      channel_id: 'CXIZANG',
      response_url: fake.responseUrl('r1'),
      trigger_id: 'same-trigger',
    });
    expect((await postSigned(url, body, { secret: SECRET })).status).toBe(200);
    expect((await postSigned(url, body, { secret: SECRET })).status).toBe(200);
    await fake.waitFor(() => fake.responses.length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(engine.calls.filter((c) => c.method === 'requestRun')).toHaveLength(1);
  });

  it('posts a dry-run plan in the site channel', async () => {
    engine.planText = 'redis-b: redis-cli -a *** replicaof no one';
    command('xizang redis --dry-run', { command: '/upgrade' });
    await fake.waitFor(() => fake.ok('chat.postMessage').length === 1);
    expect(fake.ok('chat.postMessage')[0]?.params).toMatchObject({
      channel: 'CXIZANG',
      text: 'Dry run: upgrade redis at xizang',
    });
    expect(JSON.stringify(fake.ok('chat.postMessage')[0]?.params.blocks)).toContain('replicaof no one');
  });

  it("uploads the audit export into the run's thread", async () => {
    engine.runs.set('run_00000000000000aa', {
      id: 'run_00000000000000aa',
      site: 'xizang',
      title: 'precheck',
      state: 'succeeded',
      requester: 'UOPERATOR',
      startedAt: 0,
      thread: { channel: 'CXIZANG', ts: '1700000000.000001' },
    });
    const { id } = command('run_00000000000000aa', { command: '/audit' });
    expect((await responseTo(id))?.text).toContain('is in its thread');
    expect(fake.ok('files.completeUploadExternal')[0]?.params).toMatchObject({
      channel_id: 'CXIZANG',
      thread_ts: '1700000000.000001',
    });
    expect(fake.uploads[0]?.content).toContain('run.requested');
  });

  it('answers /show privately with every check of the step, which the thread leaves out', async () => {
    const runId = 'run_00000000000000ab';
    engine.runs.set(runId, {
      id: runId,
      site: 'xizang',
      title: 'upgrade redis',
      state: 'succeeded',
      requester: 'UOPERATOR',
      startedAt: 0,
    });
    const at = { site: 'xizang', runId, at: 0 };
    engine.events.set(runId, [
      {
        ...at,
        type: 'step.started',
        stepId: 'r01',
        title: 'Stop keepalived',
        attempt: 1,
        phase: 'forward',
        targets: ['redis-a'],
      },
      {
        ...at,
        type: 'step.finished',
        stepId: 'r01',
        status: 'succeeded',
        hosts: [{ host: 'redis-a', exitCode: 0, durationMs: 5 }],
        probes: [{ probe: 'path-absent', host: 'redis-a', ok: true, evidence: '/app/soft/keepalived_bak is absent' }],
        findings: [],
        summary: 'done on 1 host',
      },
    ]);
    const { id } = command(`${runId} r01`, { command: '/show' });
    const body = await responseTo(id);
    expect(body?.response_type).toBe('ephemeral');
    expect(JSON.stringify(body?.blocks)).toContain('/app/soft/keepalived_bak is absent');
    expect(fake.ok('chat.postMessage')).toEqual([]);
    const other = command(`${runId}`, { command: '/show', channel: 'CLHASA' });
    expect((await responseTo(other.id))?.text).toContain('only accepted in its channel');
  });

  it('passes a click with its parsed opaque reference to the gate handler and replaces the buttons', async () => {
    const { ts } = await postGate();
    const { res } = click('UAPPROVER1', ts);
    expect((await res).status).toBe(200);
    await fake.waitFor(() => fake.ok('chat.update').length === 1);
    expect(engine.calls.find((c) => c.method === 'decide')?.arg).toMatchObject({
      gateId: 'gate_1',
      planHash: PLAN_HASH.slice(0, 12),
      choice: 'approve',
      user: 'UAPPROVER1',
      userGroups: ['SAPPROVERS'],
      channel: 'CXIZANG',
      messageTs: ts,
    });
    const updated = fake.messages.get(`CXIZANG:${ts}`);
    expect(JSON.stringify(updated?.blocks)).toContain('Approved by <@UAPPROVER1>');
    expect((updated?.blocks as { type: string }[]).some((b) => b.type === 'actions')).toBe(false);
  });

  it.each([
    ['a non-approver', 'URANDOM', {}, 'You are not an approver for site xizang.'],
    ['the requester', 'UOPERATOR', {}, 'another person must approve'],
    ['anyone on an expired gate', 'UAPPROVER1', { status: 'expired' as const }, 'expired'],
    ['a guest, even in the approver group', 'UGUEST', {}, 'Guest accounts cannot decide gates.'],
    ['a deactivated account', 'UGONE', {}, 'Your Slack account is deactivated.'],
    ['an account Slack does not know', 'UNOBODY', {}, 'Slack does not know your account'],
  ])(
    'answers a click by %s with an ephemeral message saying why, and leaves the gate as it was',
    async (_who, user, overrides, why) => {
      const { ts } = await postGate(overrides);
      const { id } = click(user, ts);
      expect(await responseTo(id)).toMatchObject({
        response_type: 'ephemeral',
        replace_original: false,
        text: expect.stringContaining(why),
      });
      expect(fake.ok('chat.update')).toEqual([]);
    },
  );

  it("puts /rollback through a failure gate's Roll back through the same account checks as a click", async () => {
    const { gate } = await postGate({ kind: 'failure', choices: ['retry', 'roll-back', 'abort'] });
    engine.runs.set(gate.runId, {
      id: gate.runId,
      site: 'xizang',
      title: 'upgrade',
      state: 'failed',
      requester: 'UOPERATOR',
      startedAt: 0,
    });
    // A guest in the approver group, and a deactivated one: refused privately, the gate left pending.
    for (const [user, why] of [
      ['UGUEST', 'Guest accounts cannot decide gates.'],
      ['UGONE', 'Your Slack account is deactivated.'],
    ] as const) {
      const refused = command(gate.runId, { command: '/rollback', user });
      expect(await responseTo(refused.id)).toMatchObject({
        response_type: 'ephemeral',
        text: `${why} Nothing was rolled back.`,
      });
    }
    expect(engine.calls.filter((c) => c.method === 'requestRollback' || c.method === 'decide')).toEqual([]);
    expect(engine.gates.get(gate.id)?.status).toBe('pending');
    // An approver whose account passes rolls back through the gate.
    const ok = command(gate.runId, { command: '/rollback', user: 'UAPPROVER1' });
    expect((await responseTo(ok.id))?.text).toContain(
      `Roll back chosen at the failure gate of step s1 of run ${gate.runId}`,
    );
    expect(engine.gates.get(gate.id)?.decision).toMatchObject({ choice: 'roll-back', by: 'UAPPROVER1' });
  });

  it('counts a double click once and tells the second clicker it was already decided', async () => {
    const { ts } = await postGate();
    const first = click('UAPPROVER1', ts);
    const second = click('UAPPROVER2', ts);
    await Promise.all([first.res, second.res]);
    await fake.waitFor(() => fake.responses.length === 1 && fake.ok('chat.update').length === 1);
    expect(fake.responses[0]?.body.text).toContain('already decided');
    expect(engine.calls.filter((c) => c.method === 'decide')).toHaveLength(2);
  });

  it('refuses a replayed click without deciding again', async () => {
    const { ts } = await postGate();
    const first = click('UAPPROVER1', ts, { actionTs: '42.0' });
    await first.res;
    const replay = await fetch(url, {
      method: 'POST',
      headers: signedHeaders(first.body, { secret: SECRET }),
      body: first.body,
    });
    expect(replay.status).toBe(200);
    await fake.waitFor(
      () =>
        fake.responses.some((r) => String(r.body.text).includes('already received')) &&
        fake.ok('chat.update').length === 1,
    );
    expect(engine.calls.filter((c) => c.method === 'decide')).toHaveLength(1);
  });

  it('refuses a click whose value is not an opsgate reference', async () => {
    const { ts } = await postGate();
    const { id } = click('UAPPROVER1', ts, { value: 'rm -rf /' });
    expect((await responseTo(id))?.text).toContain('does not belong to an opsgate gate');
    expect(engine.calls).toEqual([]);
  });
});
