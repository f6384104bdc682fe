import { describe, expect, it } from 'vitest';
import { parseRequestBody } from '../../../../src/adapters/slack/parse-request-body.ts';

const FORM = 'application/x-www-form-urlencoded';
const accepts = { commands: ['precheck', 'upgrade'], actionId: /^opsgate\.gate\.[a-z-]{1,16}$/ };
const parse = (body: string, type: string | undefined = FORM) => parseRequestBody(type, Buffer.from(body), accepts);
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const command = {
  command: '/precheck',
  text: 'xizang',
  user_id: 'UOPERATOR',
  channel_id: 'CXIZANG',
  trigger_id: '1.2.abc',
  response_url: 'https://hooks.slack.com/commands/T1/1/x',
};
const click = {
  type: 'block_actions',
  user: { id: 'UAPPROVER1' },
  trigger_id: '1.2.def',
  team: { id: 'T111' },
  actions: [{ type: 'button', action_id: 'opsgate.gate.approve', value: 'g1:gate_1:9f2c01234567', action_ts: '1.0' }],
};
const payload = (p: unknown) => form({ payload: JSON.stringify(p) });
const refusal = (r: ReturnType<typeof parse>) => (r.ok ? undefined : r.error);

describe('parseRequestBody', () => {
  it('passes a slash command with only the fields Slack documents', () => {
    const r = parse(form({ ...command, event: '{}', name: 'x' }));
    expect(r).toEqual({ ok: true, value: { kind: 'command', body: command } });
  });

  it('passes a click, dropping top-level fields that would make Bolt take it for another request', () => {
    const r = parse(payload({ ...click, event: 'x', command: '/precheck', name: 'x' }));
    expect(r).toEqual({ ok: true, value: { kind: 'interaction', body: click } });
  });

  it('passes a URL verification', () => {
    expect(parse('{"type":"url_verification","challenge":"abc"}', 'application/json')).toEqual({
      ok: true,
      value: { kind: 'url-verification', challenge: 'abc' },
    });
  });

  it.each([
    ['payload=null', 'payload=null', 'payload is not a JSON object'],
    ['an array payload', 'payload=[]', 'payload is not a JSON object'],
    ['a string payload', 'payload=%22x%22', 'payload is not a JSON object'],
    ['a number payload', 'payload=42', 'payload is not a JSON object'],
    ['truncated JSON', 'payload={"type":', 'payload is not a JSON object'],
    ['an empty payload object', 'payload={}', 'opsgate handles no untyped interactions, only button clicks'],
    ['a modal submission', payload({ type: 'view_submission' }), 'opsgate handles no "view_submission" interactions'],
    ['a click without a user', payload({ ...click, user: null }), 'block_actions payload: user must be an object'],
    ['a click without actions', payload({ ...click, actions: [] }), 'block_actions payload: actions'],
    [
      "another app's button",
      payload({ ...click, actions: [{ ...click.actions[0], action_id: 'x' }] }),
      'not an opsgate button',
    ],
    ['an unknown command', form({ ...command, command: '/rm' }), 'opsgate has no /rm command'],
    ['a command without fields', form({ command: '/precheck' }), 'slash command: text is missing'],
    ['a mention as user id', form({ ...command, user_id: '<!here>' }), 'slash command: user_id is not a Slack user id'],
    ['a repeated field', `${form(command)}&text=again`, 'field "text" is given more than once'],
    ['ssl_check=0', 'ssl_check=0', 'neither a slash command nor an interaction payload'],
    ['an empty body', '', 'neither a slash command nor an interaction payload'],
  ])('refuses %s with 400', (_what, body, why) => {
    expect(refusal(parse(body))).toEqual({ status: 400, reason: expect.stringContaining(why) });
  });

  it('refuses JSON that is not a URL verification, and media types Slack does not send', () => {
    expect(refusal(parse('null', 'application/json'))).toEqual({
      status: 400,
      reason: 'the body is not a JSON object',
    });
    expect(refusal(parse('{"type":"event_callback"}', 'application/json'))?.reason).toContain('only app_home_opened');
    expect(refusal(parse('{"type":"app_rate_limited"}', 'application/json'))?.reason).toContain('no Events API');
    expect(refusal(parse('{"type":"url_verification"}', 'application/json'))?.reason).toBe(
      'url_verification: challenge is missing',
    );
    expect(refusal(parse(form(command), 'text/plain'))?.status).toBe(415);
    expect(refusal(parseRequestBody(undefined, Buffer.from(form(command)), accepts))?.status).toBe(415);
  });

  const homeOpened = {
    type: 'event_callback',
    team_id: 'T111',
    api_app_id: 'A111',
    event_id: 'Ev0PV52K25',
    event_time: 1700000000,
    event: { type: 'app_home_opened', user: 'UAPPROVER1', channel: 'D0HOME', tab: 'home', event_ts: '1.0' },
  };

  it('passes app_home_opened, the one event opsgate subscribes to, with only the fields it reads', () => {
    const r = parse(
      JSON.stringify({
        ...homeOpened,
        authorizations: [{ user_id: 'UBOT' }],
        event: { ...homeOpened.event, view: { id: 'V1', blocks: [] } },
      }),
      'application/json',
    );
    expect(r).toEqual({ ok: true, value: { kind: 'event', body: homeOpened } });
  });

  it.each([
    ['a message event', { ...homeOpened, event: { type: 'message', text: 'hi' } }, 'no "message" events'],
    ['a mention as user', { ...homeOpened, event: { ...homeOpened.event, user: '<!here>' } }, 'event.user'],
    ['an unknown tab', { ...homeOpened, event: { ...homeOpened.event, tab: 'about' } }, 'event.tab'],
    ['no event id', { ...homeOpened, event_id: undefined }, 'event_id is missing'],
  ])('refuses %s with 400', (_what, body, why) => {
    expect(refusal(parse(JSON.stringify(body), 'application/json'))).toEqual({
      status: 400,
      reason: expect.stringContaining(why),
    });
  });

  const homeClick = {
    ...click,
    container: { type: 'view', view_id: 'VHOME1' },
    view: { id: 'VHOME1', type: 'home', app_id: 'A111', blocks: [{ type: 'divider' }], state: { values: {} } },
  };

  it('passes a click on the Home tab, keeping of its view only what the handler reads', () => {
    const r = parse(payload(homeClick));
    expect(r).toEqual({
      ok: true,
      value: { kind: 'interaction', body: { ...homeClick, view: { id: 'VHOME1', type: 'home', app_id: 'A111' } } },
    });
  });

  it.each([
    [
      'a modal',
      { ...homeClick, view: { ...homeClick.view, type: 'modal' } },
      'only clicks in messages and on the Home',
    ],
    ['a channel', { ...homeClick, channel: { id: 'CXIZANG' } }, 'has no channel or message'],
    ['another view id', { ...homeClick, container: { type: 'view', view_id: 'VOTHER' } }, 'is not view.id'],
    ['no view', { ...homeClick, view: undefined }, 'only clicks in messages and on the Home'],
  ])('refuses a view click with %s', (_what, body, why) => {
    expect(refusal(parse(payload(body)))).toEqual({ status: 400, reason: expect.stringContaining(why) });
  });
});
