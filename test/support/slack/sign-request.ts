import { createHmac } from 'node:crypto';

/**
 * Builds requests the way Slack sends them: form bodies signed with the app's signing secret
 * (`v0=hex(HMAC-SHA256(secret, "v0:" + ts + ":" + body))`), and forged or stale variants for the negative tests.
 */

export interface SignOptions {
  readonly secret: string;
  /** Unix seconds; default now. A value more than 5 minutes old is stale. */
  readonly timestampSec?: number;
  /** Sign with this secret instead (a forgery). */
  readonly forgeWith?: string;
}

export function signatureFor(secret: string, timestampSec: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`).digest('hex')}`;
}

/** Headers for a signed form POST. */
export function signedHeaders(body: string, opts: SignOptions): Record<string, string> {
  const ts = opts.timestampSec ?? Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': signatureFor(opts.forgeWith ?? opts.secret, ts, body),
  };
}

export interface SlashCommandFields {
  readonly command: string;
  readonly text: string;
  readonly user_id: string;
  readonly channel_id: string;
  readonly response_url: string;
  readonly trigger_id?: string;
}

/** The form body of a slash command invocation. */
export function slashCommandBody(f: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'deprecated',
    team_id: 'T111',
    team_domain: 'acme',
    channel_name: 'ops',
    user_name: f.user_id.toLowerCase(),
    api_app_id: 'A111',
    is_enterprise_install: 'false',
    trigger_id: f.trigger_id ?? `${Date.now()}.1.abc`,
    command: f.command,
    text: f.text,
    user_id: f.user_id,
    channel_id: f.channel_id,
    response_url: f.response_url,
  }).toString();
}

export interface ButtonClick {
  readonly user: string;
  readonly channel: string;
  readonly messageTs: string;
  readonly threadTs?: string;
  readonly actionId: string;
  readonly value: string;
  readonly responseUrl: string;
  readonly actionTs?: string;
}

/** The form body (`payload=<json>`) of a block_actions interaction: one button click. */
export function blockActionsBody(c: ButtonClick): string {
  const payload = {
    type: 'block_actions',
    user: { id: c.user, username: c.user.toLowerCase(), name: c.user.toLowerCase(), team_id: 'T111' },
    api_app_id: 'A111',
    token: 'deprecated',
    trigger_id: `${Date.now()}.2.def`,
    team: { id: 'T111', domain: 'acme' },
    container: { type: 'message', message_ts: c.messageTs, channel_id: c.channel, is_ephemeral: false },
    channel: { id: c.channel, name: 'ops' },
    message: {
      type: 'message',
      ts: c.messageTs,
      ...(c.threadTs ? { thread_ts: c.threadTs } : {}),
      text: 'gate',
      blocks: [],
    },
    response_url: c.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: c.actionId,
        block_id: 'gate:actions',
        value: c.value,
        text: { type: 'plain_text', text: 'Approve' },
        action_ts: c.actionTs ?? `${Date.now() / 1000}`,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** POSTs a signed body to a Bolt HTTP receiver. */
export async function postSigned(url: string, body: string, opts: SignOptions): Promise<Response> {
  return fetch(url, { method: 'POST', headers: signedHeaders(body, opts), body });
}

/** A click on a button of the app's Home tab. */
export interface HomeClick {
  readonly user: string;
  readonly viewId: string;
  readonly actionId: string;
  readonly value: string;
  readonly actionTs?: string;
  readonly triggerId?: string;
}

/** The `block_actions` payload of a click on the Home tab: a view container, no channel, message or response_url. */
export function homeClickPayload(c: HomeClick): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: c.user, username: c.user.toLowerCase(), name: c.user.toLowerCase(), team_id: 'T111' },
    api_app_id: 'A111',
    token: 'deprecated',
    trigger_id: c.triggerId ?? `${Date.now()}.${Math.random()}.home`,
    team: { id: 'T111', domain: 'acme' },
    container: { type: 'view', view_id: c.viewId },
    view: {
      id: c.viewId,
      team_id: 'T111',
      type: 'home',
      blocks: [],
      private_metadata: '1',
      callback_id: '',
      state: { values: {} },
      hash: '1700000000.abc',
      app_id: 'A111',
      bot_id: 'BBOT',
    },
    actions: [
      {
        type: 'button',
        action_id: c.actionId,
        block_id: 'home:gate',
        value: c.value,
        text: { type: 'plain_text', text: 'Approve' },
        action_ts: c.actionTs ?? `${Date.now() / 1000}`,
      },
    ],
  };
}

/** The form body of a click on the Home tab. */
export function homeClickBody(c: HomeClick): string {
  return new URLSearchParams({ payload: JSON.stringify(homeClickPayload(c)) }).toString();
}

/** The Events API body of `app_home_opened` (the `home` tab unless told). */
export function homeOpenedEvent(user: string, tab: 'home' | 'messages' = 'home'): Record<string, unknown> {
  return {
    token: 'deprecated',
    team_id: 'T111',
    api_app_id: 'A111',
    event: { type: 'app_home_opened', user, channel: 'D0HOME', tab, event_ts: `${Date.now() / 1000}` },
    type: 'event_callback',
    event_id: `Ev${Date.now()}${Math.floor(Math.random() * 1000)}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T111', user_id: 'UBOT', is_bot: true }],
    is_ext_shared_channel: false,
  };
}

/** POSTs a signed JSON body (an Events API delivery) to a Bolt HTTP receiver. */
export async function postSignedJson(url: string, json: unknown, opts: SignOptions): Promise<Response> {
  const body = JSON.stringify(json);
  return fetch(url, {
    method: 'POST',
    headers: { ...signedHeaders(body, opts), 'content-type': 'application/json' },
    body,
  });
}
