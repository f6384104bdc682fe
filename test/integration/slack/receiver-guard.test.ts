import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTPReceiver, type ReceiverEvent } from '@slack/bolt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { guardReceiver } from '../../../src/adapters/slack/guard-receiver.ts';
import { FakeChatEngine } from '../../support/slack/fake-chat-engine.ts';
import { FakeSlackWebApi } from '../../support/slack/fake-web-api.ts';
import { blockActionsBody, slashCommandBody } from '../../support/slack/sign-request.ts';
import { postRaw, recordingLog, startTestSlackApp, type TestSlackApp } from '../../support/slack/test-slack-app.ts';

const SECRET = 'guard-secret';
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

let fake: FakeSlackWebApi;
let engine: FakeChatEngine;
let bot: TestSlackApp;
const escaped: unknown[] = [];
const onEscape = (e: unknown) => void escaped.push(e);

// Without the guard, Bolt's receiver rejects a promise nobody awaits: record it here rather than let it end the
// test process, and fail the test on it.
beforeAll(() => void process.on('unhandledRejection', onEscape));
afterAll(() => void process.off('unhandledRejection', onEscape));
beforeEach(async () => {
  escaped.length = 0;
  fake = await FakeSlackWebApi.start();
  fake.users.set('UOPERATOR', {});
  engine = new FakeChatEngine();
  bot = await startTestSlackApp({ secret: SECRET, fake, engine });
});
afterEach(async () => {
  await bot.stop();
  await fake.close();
});

const precheck = (id: string, text = 'xizang', command = '/precheck') =>
  slashCommandBody({
    command,
    text,
    user_id: 'UOPERATOR',
    channel_id: 'CXIZANG',
    response_url: fake.responseUrl(id),
    trigger_id: `trig-${id}`,
  });
const signed = (body: string | Buffer, contentType = FORM, timestampSec?: number) =>
  postRaw(bot.url, body, { secret: SECRET, contentType, ...(timestampSec === undefined ? {} : { timestampSec }) });
const click = JSON.parse(
  new URLSearchParams(
    blockActionsBody({
      user: 'UAPPROVER1',
      channel: 'CXIZANG',
      messageTs: '1.1',
      actionId: 'opsgate.gate.approve',
      value: 'g1:gate_1:9f2c01234567',
      responseUrl: 'http://127.0.0.1:1/unused',
    }),
  ).get('payload') ?? '{}',
) as Record<string, unknown>;
const payload = (p: unknown) => `payload=${encodeURIComponent(JSON.stringify(p))}`;

/** The bot still works: a valid signed /precheck is acknowledged and answered. */
async function answersTheNextValidRequest(id: string): Promise<void> {
  expect((await signed(precheck(id))).status).toBe(200);
  await fake.waitFor(() => fake.responses.some((r) => r.id === id));
  expect(fake.responses.find((r) => r.id === id)?.body.text).toContain('requested as run');
}

describe("the Slack receiver's guard", () => {
  it('answers payload=null and other malformed signed bodies with a 4xx and a reason, then serves the next request', async () => {
    const cases: [string, string | Buffer, string | undefined, number, string][] = [
      ['payload=null', 'payload=null', FORM, 400, 'payload is not a JSON object'],
      ['payload=[]', 'payload=[]', FORM, 400, 'payload is not a JSON object'],
      ['payload="x"', 'payload=%22x%22', FORM, 400, 'payload is not a JSON object'],
      ['payload={}', 'payload={}', FORM, 400, 'opsgate handles no untyped interactions'],
      ['truncated JSON', 'payload=%7B%22type%22%3A%22block_actions%22%2C%22user', FORM, 400, 'not a JSON object'],
      ['a click without a user', payload({ ...click, user: null }), FORM, 400, 'user must be an object'],
      ['a click with a number for actions', payload({ ...click, actions: 5 }), FORM, 400, 'actions must be a array'],
      ['a huge body', Buffer.alloc(5 * 1024 * 1024, 'a'), FORM, 413, 'larger than'],
      ['a command as text/plain', precheck('p1'), 'text/plain', 415, 'Slack sends application/x-www-form-urlencoded'],
      ['a command without a content type', Buffer.from(precheck('p2')), undefined, 415, 'untyped'],
      ['a command without fields', 'command=%2Fprecheck', FORM, 400, 'slash command: text is missing'],
      ['a command as JSON', JSON.stringify({ command: '/precheck', text: 'xizang' }), JSON_TYPE, 400, 'no Events API'],
      ['JSON null', 'null', JSON_TYPE, 400, 'not a JSON object'],
      ['an event callback', '{"type":"event_callback","event":null}', JSON_TYPE, 400, 'only app_home_opened'],
      [
        'a message event',
        '{"type":"event_callback","event":{"type":"message","text":"hi"}}',
        JSON_TYPE,
        400,
        'no "message" events',
      ],
      ['a URL verification without challenge', '{"type":"url_verification"}', JSON_TYPE, 400, 'challenge is missing'],
      [
        'a URL verification with challenge null',
        '{"type":"url_verification","challenge":null}',
        JSON_TYPE,
        400,
        'challenge must be a string',
      ],
      ['a URL verification as a form', 'type=url_verification&challenge=x', FORM, 400, 'neither a slash command'],
      ['bytes that are not UTF-8', Buffer.from([0xff, 0xfe, 0x00, 0x7b]), FORM, 400, 'neither a slash command'],
      [
        'a repeated field',
        `${precheck('p3')}&user_id=UAPPROVER1`,
        FORM,
        400,
        'field "user_id" is given more than once',
      ],
      ['an unknown command', precheck('p4', 'x', '/deploy'), FORM, 400, 'opsgate has no /deploy command'],
    ];
    for (const [what, body, type, status, reason] of cases) {
      const res = await postRaw(bot.url, body, {
        secret: SECRET,
        ...(type === undefined ? {} : { contentType: type }),
      });
      expect({ what, status: res.status, text: res.text }).toEqual({
        what,
        status,
        text: expect.stringContaining(reason),
      });
    }
    expect(escaped).toEqual([]);
    expect(engine.calls).toEqual([]);
    expect(fake.responses).toEqual([]);
    await answersTheNextValidRequest('after');
  });

  it("answers Slack's ssl_check and a signed URL verification, and nothing else in them is read", async () => {
    const ssl = await postRaw(bot.url, `ssl_check=1&${precheck('ssl')}`, { contentType: FORM });
    expect(ssl.status).toBe(200);
    expect((await postRaw(bot.url, 'ssl_check=1&payload=null', { contentType: FORM })).status).toBe(200);
    const challenge = await signed('{"type":"url_verification","challenge":"c-123"}', JSON_TYPE);
    expect(challenge).toEqual({ status: 200, text: '{"challenge":"c-123"}' });
    await new Promise((r) => setTimeout(r, 100));
    expect(engine.calls).toEqual([]);
    expect(escaped).toEqual([]);
  });

  it('refuses a timestamp more than 5 minutes in the future like a stale one, and unsigned or forged requests', async () => {
    const now = Math.floor(Date.now() / 1000);
    const future = await signed(precheck('f1'), FORM, now + 600);
    expect(future).toEqual({ status: 401, text: 'the request timestamp is more than 5 minutes in the future' });
    expect(await signed(precheck('f2'), FORM, now + 86_400 * 365)).toMatchObject({ status: 401 });
    const stale = await signed(precheck('s1'), FORM, now - 600);
    expect(stale).toEqual({ status: 401, text: 'the request timestamp is more than 5 minutes old' });
    expect(await postRaw(bot.url, precheck('u1'), { contentType: FORM })).toMatchObject({ status: 401 });
    const forged = await postRaw(bot.url, precheck('g1'), { secret: 'not-the-secret', contentType: FORM });
    expect(forged).toEqual({ status: 401, text: 'signature mismatch' });
    await new Promise((r) => setTimeout(r, 100));
    expect(engine.calls).toEqual([]);
    // Within the window, either way, a request is taken.
    expect((await signed(precheck('f3'), FORM, now + 240)).status).toBe(200);
    expect((await signed(precheck('s2'), FORM, now - 240)).status).toBe(200);
    await fake.waitFor(() => fake.responses.length === 2);
  });

  it('answers 404 to other paths and methods, and keeps serving', async () => {
    const base = bot.url.replace('/slack/events', '');
    expect((await fetch(`${base}/other`, { method: 'POST', body: 'x' })).status).toBe(404);
    expect((await fetch(bot.url)).status).toBe(404);
    await answersTheNextValidRequest('after-404');
  });
});

describe("the Slack receiver's error boundary", () => {
  it('logs a failure escaping a request once, answers 500, and serves the next request', async () => {
    const { log, entries } = recordingLog();
    const receiver = new HTTPReceiver({ signingSecret: SECRET, endpoints: '/slack/events' });
    let calls = 0;
    guardReceiver(receiver, {
      signingSecret: SECRET,
      path: '/slack/events',
      accepts: { commands: ['precheck'], actionId: /^opsgate\./ },
      processEvent: async (event: ReceiverEvent) => {
        if (++calls === 1) throw new Error('listener blew up');
        await event.ack();
      },
      now: Date.now,
      log,
    });
    const server = (await receiver.start(0)) as Server;
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
      const body = slashCommandBody({
        command: '/precheck',
        text: 'xizang',
        user_id: 'UOPERATOR',
        channel_id: 'CXIZANG',
        response_url: 'http://127.0.0.1:1/x',
      });
      const failed = await postRaw(url, body, { secret: SECRET, contentType: FORM });
      expect(failed).toEqual({ status: 500, text: 'opsgate could not handle this request; the error was logged' });
      expect(entries.filter((e) => e.level === 'error')).toEqual([
        { level: 'error', obj: { err: 'listener blew up' }, msg: 'slack request failed' },
      ]);
      expect((await postRaw(url, body, { secret: SECRET, contentType: FORM })).status).toBe(200);
    } finally {
      await receiver.stop();
    }
  });
});
