import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackApp, type SlackApp } from '../../../src/adapters/slack/create-slack-app.ts';
import { actionIdFor, encodeActionRef } from '../../../src/commands/action-ref.ts';
import { FakeChatEngine } from '../../support/slack/fake-chat-engine.ts';
import { FakeSlackWebApi } from '../../support/slack/fake-web-api.ts';
import { FakeSocketMode } from '../../support/slack/fake-socket-mode.ts';
import { chatSite } from '../../support/chat-site.ts';
import { homeClickPayload, homeOpenedEvent } from '../../support/slack/sign-request.ts';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
let fake: FakeSlackWebApi;
let socket: FakeSocketMode;
let engine: FakeChatEngine;
let app: SlackApp;

beforeEach(async () => {
  fake = await FakeSlackWebApi.start();
  socket = await FakeSocketMode.start();
  fake.socketModeUrl = socket.url;
  fake.users.set('URANDOM', {});
  engine = new FakeChatEngine();
  app = createSlackApp({
    signingSecret: 'unused-in-socket-mode',
    token: 'xoxb-test',
    appToken: 'xapp-test',
    socketMode: true,
    slackApiUrl: fake.apiUrl,
    port: 0,
    botId: 'BBOT',
    botUserId: 'UBOT',
    deps: { engine, sites: [chatSite('xizang', 'CXIZANG')] },
    log: quiet,
    minPostIntervalMs: 0,
  });
  await app.start();
  await socket.connected;
});
afterEach(async () => {
  await app.stop();
  // Bolt's stop resolves before the WebSocket close handshake ends: let it finish before tearing the server down.
  await socket.disconnected;
  await socket.close();
  await fake.close();
});

describe('Slack app in Socket Mode', () => {
  it('acks a slash command envelope over the socket and answers through response_url after it', async () => {
    const ack = await socket.envelope('slash_commands', {
      command: '/precheck',
      text: 'xizang',
      user_id: 'UOPERATOR',
      channel_id: 'CXIZANG',
      team_id: 'T111',
      api_app_id: 'A111',
      response_url: fake.responseUrl('s1'),
      trigger_id: 'sock-1',
    });
    expect(ack.envelope_id).toEqual(expect.any(String));
    await fake.waitFor(() => fake.responses.some((r) => r.id === 's1'));
    expect(fake.responses[0]?.body.text).toContain('requested as run run_0000000000000001');
    expect(fake.ok('apps.connections.open')).toHaveLength(1);
  });

  it('checks a click the same way as over HTTP and refuses it privately', async () => {
    await socket.envelope('interactive', {
      type: 'block_actions',
      user: { id: 'URANDOM' },
      api_app_id: 'A111',
      trigger_id: 'sock-2',
      team: { id: 'T111' },
      container: { type: 'message', message_ts: '1.2', channel_id: 'CXIZANG' },
      channel: { id: 'CXIZANG' },
      message: { ts: '1.2', text: 'gate' },
      response_url: fake.responseUrl('s2'),
      actions: [
        {
          type: 'button',
          action_id: actionIdFor('approve'),
          block_id: 'b',
          value: encodeActionRef({ gateId: 'gate_x', planHash: 'abcdef012345' }),
          action_ts: '9.9',
        },
      ],
    });
    await fake.waitFor(() => fake.responses.some((r) => r.id === 's2'));
    expect(fake.responses.find((r) => r.id === 's2')?.body).toMatchObject({
      response_type: 'ephemeral',
      text: 'This gate does not exist any more.',
    });
  });

  it('publishes the Home tab on app_home_opened and takes a decision from it through the same checks', async () => {
    fake.users.set('UAPPROVER', {});
    fake.channelMembers.set('CXIZANG', ['UAPPROVER']);
    engine.gates.set('gate_h', {
      id: 'gate_h',
      runId: 'run_000000000000000h',
      site: 'xizang',
      stepId: 'restart',
      stepTitle: 'restart redis-a',
      kind: 'approval',
      status: 'pending',
      planHash: 'abcdef0123456789',
      requester: 'UOPERATOR',
      choices: ['approve', 'reject'],
      targets: [{ host: 'redis-a', commands: ['systemctl restart redis'] }],
      expiresAt: Date.now() + 60_000,
      approvers: ['UAPPROVER'],
      approverGroups: [],
    });
    await socket.envelope('events_api', homeOpenedEvent('UAPPROVER'));
    await fake.waitFor(() =>
      JSON.stringify(fake.homeViews.get('UAPPROVER')?.view.blocks ?? []).includes('opsgate.gate.approve'),
    );

    await socket.envelope(
      'interactive',
      homeClickPayload({
        user: 'UAPPROVER',
        viewId: fake.homeViews.get('UAPPROVER')?.id ?? '',
        actionId: actionIdFor('approve'),
        value: encodeActionRef({ gateId: 'gate_h', planHash: 'abcdef0123456789' }),
      }),
    );
    await fake.waitFor(() => engine.gates.get('gate_h')?.status === 'decided');
    expect(engine.calls.filter((c) => c.method === 'decide').map((c) => c.arg)).toEqual([
      expect.objectContaining({ gateId: 'gate_h', user: 'UAPPROVER', channel: 'CXIZANG', via: 'home' }),
    ]);
    await fake.waitFor(
      () => !JSON.stringify(fake.homeViews.get('UAPPROVER')?.view.blocks ?? []).includes('opsgate.gate.approve'),
    );
  });
});
