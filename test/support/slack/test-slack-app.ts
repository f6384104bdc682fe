import { createHmac } from 'node:crypto';
import { createSlackApp, type SlackApp } from '../../../src/adapters/slack/create-slack-app.ts';
import type { AppLog } from '../../../src/adapters/slack/app-log.ts';
import type { ReplayGuard } from '../../../src/core/ports/replay-guard.ts';
import type { Site } from '../../../src/core/sites/site.ts';
import { chatSite } from '../chat-site.ts';
import type { FakeChatEngine } from './fake-chat-engine.ts';
import type { FakeSlackWebApi } from './fake-web-api.ts';

/** One log call, as a pino-like logger received it. */
export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly obj: object;
  readonly msg: string;
}

/** A logger that keeps every entry, for tests that check what was logged (and how often). */
export function recordingLog(): { readonly log: AppLog; readonly entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (obj: object, msg: string) => void entries.push({ level, obj, msg });
  return { log: { info: at('info'), warn: at('warn'), error: at('error') }, entries };
}

/** The chat sites of the receiver tests: xizang (approvers in SAPPROVERS) and lhasa. */
export const receiverTestSites: readonly Site[] = [
  chatSite('xizang', 'CXIZANG', { approverGroups: ['SAPPROVERS'] }),
  chatSite('lhasa', 'CLHASA'),
];

/** A Slack app on Bolt's real HTTP receiver (random port) over a fake chat engine and the fake Web API. */
export interface TestSlackApp {
  readonly app: SlackApp;
  readonly url: string;
  readonly entries: LogEntry[];
  stop(): Promise<void>;
}

/** Starts a Slack app the way `opsgate start` does in HTTP mode, against `fake` and `engine`. */
export async function startTestSlackApp(opts: {
  readonly secret: string;
  readonly fake: FakeSlackWebApi;
  readonly engine: FakeChatEngine;
  readonly replays?: ReplayGuard;
  readonly maxWorkDelayMs?: number;
}): Promise<TestSlackApp> {
  const { log, entries } = recordingLog();
  const app = createSlackApp({
    signingSecret: opts.secret,
    token: 'xoxb-test',
    socketMode: false,
    slackApiUrl: opts.fake.apiUrl,
    port: 0,
    botId: 'BBOT',
    botUserId: 'UBOT',
    deps: { engine: opts.engine, sites: receiverTestSites },
    log,
    minPostIntervalMs: 0,
    ...(opts.replays === undefined ? {} : { replays: opts.replays }),
    ...(opts.maxWorkDelayMs === undefined ? {} : { maxWorkDelayMs: opts.maxWorkDelayMs }),
  });
  const { port } = await app.start();
  return { app, url: `http://127.0.0.1:${port}/slack/events`, entries, stop: () => app.stop() };
}

/** How a raw test request is sent: signed with `secret` (unless absent) at `timestampSec` (default now). */
export interface RawRequest {
  readonly secret?: string;
  readonly contentType?: string;
  readonly timestampSec?: number;
}

/**
 * POSTs any body, signed like Slack signs (or not), and gives the status and the answer's text. A request the
 * receiver never answers fails after 10 s instead of hanging the test.
 */
export async function postRaw(
  url: string,
  body: string | Buffer,
  req: RawRequest = {},
): Promise<{ status: number; text: string }> {
  const ts = req.timestampSec ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {};
  if (req.contentType !== undefined) headers['content-type'] = req.contentType;
  if (req.secret !== undefined) {
    headers['x-slack-request-timestamp'] = String(ts);
    // Over the bytes, as Slack signs: a body that is not UTF-8 is signed as sent.
    headers['x-slack-signature'] =
      `v0=${createHmac('sha256', req.secret).update(`v0:${ts}:`).update(Buffer.from(body)).digest('hex')}`;
  }
  const res = await fetch(url, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : new Uint8Array(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, text: await res.text() };
}

/** Resolves once `predicate` holds (polled every 20 ms), or rejects after `timeoutMs` naming `what`. */
export async function until(what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
