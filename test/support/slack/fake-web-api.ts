import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the fake received, with its form fields (JSON fields such as `blocks` already parsed). */
export interface RecordedCall {
  readonly method: string;
  readonly params: Record<string, unknown>;
  /** HTTP status the fake answered with (429 for a scripted rate limit). */
  readonly status: number;
  /** The `error` of an `ok: false` answer. */
  readonly error?: string;
  /** The JSON answer (for a post: its `ts`). */
  readonly answer?: Record<string, unknown>;
}

/** A JSON POST to a `response_url` (`respond()` in Bolt). */
export interface RecordedResponse {
  readonly id: string;
  readonly body: Record<string, unknown>;
}

interface StoredMessage {
  channel: string;
  ts: string;
  text: unknown;
  blocks: unknown;
  thread_ts?: string;
  metadata?: unknown;
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'files', 'metadata', 'view']);

/**
 * A local stand-in for Slack's Web API (`WebClient({ slackApiUrl: fake.apiUrl })`), recording every call:
 * auth.test, chat.postMessage / update / postEphemeral, the files.uploadV2 flow (getUploadURLExternal, the
 * upload POST, completeUploadExternal), users.info, usergroups.users.list, conversations.history and
 * conversations.replies (with `metadata` when `include_all_metadata`, `oldest`, `limit`/`cursor` pages),
 * conversations.members (`limit`/`cursor` pages) and views.publish (a Home view per user, kept with its id); plus
 * `response_url` targets.
 * Rate limits and errors are scripted per method.
 */
export class FakeSlackWebApi {
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];
  /** Each file upload's body as sent (the WebClient sends multipart form data): as text, and as bytes for pictures. */
  readonly uploads: { fileId: string; bytes: number; content: string; data: Buffer }[] = [];
  readonly messages = new Map<string, StoredMessage>();
  /** users.info answers, by user id (unknown ids get `user_not_found`). */
  readonly users = new Map<string, { deleted?: boolean; is_bot?: boolean; is_restricted?: boolean }>();
  /** usergroups.users.list answers, by group id. */
  readonly usergroups = new Map<string, string[]>();
  /** conversations.members answers, by channel id (unknown channels get `channel_not_found`). */
  readonly channelMembers = new Map<string, string[]>();
  /** The Home view last published to each user, with its id (stable per user, as Slack keeps it). */
  readonly homeViews = new Map<
    string,
    { id: string; view: { type?: string; blocks?: unknown[]; private_metadata?: string } }
  >();
  /** What apps.connections.open answers (Socket Mode), e.g. a `FakeSocketMode` url. */
  socketModeUrl: string | undefined;
  private readonly rateLimits = new Map<string, { remaining: number; retryAfter: number }>();
  private readonly failures = new Map<string, string[]>();
  private readonly waiters = new Set<() => void>();
  private seq = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeSlackWebApi> {
    const holder: { fake?: FakeSlackWebApi } = {};
    const server = createServer((req, res) => void holder.fake?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.fake = new FakeSlackWebApi(server, `http://127.0.0.1:${port}`);
    return holder.fake;
  }

  /** The base for `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A `response_url` whose POSTs are recorded under `id`. */
  responseUrl(id: string): string {
    return `${this.url}/respond/${id}`;
  }

  /** The next `times` calls of `method` get HTTP 429 with `Retry-After: retryAfterSec`. */
  rateLimit(method: string, times: number, retryAfterSec = 1): void {
    this.rateLimits.set(method, { remaining: times, retryAfter: retryAfterSec });
  }

  /** The next call of `method` gets `{ ok: false, error }`. */
  failNext(method: string, error: string): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), error]);
  }

  /** Successful calls of a method, in order. */
  ok(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && c.status === 200 && c.error === undefined);
  }

  /** Resolves when `predicate` holds (checked after every recorded request), or rejects after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `fake Slack: condition not met within ${timeoutMs} ms; calls: ${this.calls.map((c) => c.method).join(', ')}`,
          ),
        );
      }, timeoutMs);
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const path = new URL(req.url ?? '/', this.url).pathname;
    try {
      if (path.startsWith('/respond/')) {
        this.responses.push({
          id: path.slice('/respond/'.length),
          body: JSON.parse(raw.toString('utf8')) as Record<string, unknown>,
        });
        return this.send(res, 200, 'ok', 'text/plain');
      }
      if (path.startsWith('/upload/')) {
        const fileId = path.slice('/upload/'.length);
        this.uploads.push({ fileId, bytes: raw.length, content: raw.toString('utf8'), data: raw });
        this.calls.push({ method: 'upload', params: { fileId, bytes: raw.length }, status: 200 });
        return this.send(res, 200, 'OK - 1', 'text/plain');
      }
      if (!path.startsWith('/api/')) return this.send(res, 404, 'not found', 'text/plain');
      const method = path.slice('/api/'.length);
      const params = parseForm(raw.toString('utf8'), req.headers['content-type']);
      const limit = this.rateLimits.get(method);
      if (limit && limit.remaining > 0) {
        limit.remaining--;
        this.calls.push({ method, params, status: 429 });
        res.setHeader('Retry-After', String(limit.retryAfter));
        return this.send(res, 429, JSON.stringify({ ok: false, error: 'ratelimited' }));
      }
      const auth = req.headers.authorization ?? '';
      // Socket Mode opens its connection with the app-level token; everything else uses the bot token.
      const tokenOk = method === 'apps.connections.open' ? /^Bearer xapp-/.test(auth) : /^Bearer xox[bp]-/.test(auth);
      const failure = tokenOk ? this.failures.get(method)?.shift() : 'not_authed';
      const answer = failure === undefined ? this.answer(method, params) : { ok: false, error: failure };
      this.calls.push({
        method,
        params,
        status: 200,
        answer,
        ...(answer.ok === true ? {} : { error: String(answer.error) }),
      });
      return this.send(res, 200, JSON.stringify(answer));
    } finally {
      for (const w of [...this.waiters]) w();
    }
  }

  private answer(method: string, p: Record<string, unknown>): Record<string, unknown> {
    const str = (k: string): string => (typeof p[k] === 'string' ? (p[k] as string) : '');
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://acme.slack.com/',
          team: 'Acme',
          user: 'opsgate',
          team_id: 'T111',
          user_id: 'UBOT',
          bot_id: 'BBOT',
        };
      case 'chat.postMessage': {
        if (!str('channel')) return { ok: false, error: 'channel_not_found' };
        const ts = this.nextTs();
        const msg: StoredMessage = {
          channel: str('channel'),
          ts,
          text: p.text,
          blocks: p.blocks,
          ...(str('thread_ts') ? { thread_ts: str('thread_ts') } : {}),
          ...(p.metadata === undefined ? {} : { metadata: p.metadata }),
        };
        this.messages.set(`${msg.channel}:${ts}`, msg);
        return {
          ok: true,
          channel: msg.channel,
          ts,
          message: {
            type: 'message',
            text: p.text,
            ts,
            bot_id: 'BBOT',
            ...(msg.thread_ts ? { thread_ts: msg.thread_ts } : {}),
          },
        };
      }
      case 'chat.update': {
        const msg = this.messages.get(`${str('channel')}:${str('ts')}`);
        if (!msg) return { ok: false, error: 'message_not_found' };
        msg.text = p.text;
        msg.blocks = p.blocks;
        return { ok: true, channel: msg.channel, ts: msg.ts, text: p.text, message: { text: p.text } };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'files.getUploadURLExternal': {
        if (!(Number(p.length) > 0)) return { ok: false, error: 'missing_argument' };
        const fileId = `F${String(++this.seq).padStart(8, '0')}`;
        return { ok: true, upload_url: `${this.url}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const files = Array.isArray(p.files) ? (p.files as { id: string; title?: string }[]) : [];
        if (files.some((f) => !this.uploads.some((u) => u.fileId === f.id)))
          return { ok: false, error: 'file_not_found' };
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title ?? '' })) };
      }
      case 'users.info': {
        const u = this.users.get(str('user'));
        if (!u) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id: str('user'),
            team_id: 'T111',
            name: str('user').toLowerCase(),
            deleted: false,
            is_bot: false,
            is_restricted: false,
            is_ultra_restricted: false,
            ...u,
          },
        };
      }
      case 'apps.connections.open':
        return this.socketModeUrl === undefined
          ? { ok: false, error: 'socket_mode_not_enabled' }
          : { ok: true, url: this.socketModeUrl };
      case 'conversations.history':
      case 'conversations.replies': {
        const channel = str('channel');
        const thread = str('ts');
        if (method === 'conversations.replies' && !this.messages.has(`${channel}:${thread}`))
          return { ok: false, error: 'thread_not_found' };
        const inScope = (m: StoredMessage) =>
          m.channel === channel &&
          (method === 'conversations.history' ? m.thread_ts === undefined : m.ts === thread || m.thread_ts === thread);
        const all = [...this.messages.values()]
          .filter((m) => inScope(m) && Number(m.ts) >= Number(str('oldest') || 0))
          .sort((a, b) => Number(a.ts) - Number(b.ts));
        // History is newest first, replies oldest first (the parent first), as Slack answers them.
        if (method === 'conversations.history') all.reverse();
        const from = Number(str('cursor') || 0);
        const limit = Number(str('limit') || 100);
        const page = all.slice(from, from + limit);
        const meta = str('include_all_metadata') === 'true';
        const next = from + limit < all.length ? String(from + limit) : '';
        return {
          ok: true,
          messages: page.map((m) => ({
            type: 'message',
            ts: m.ts,
            text: m.text,
            bot_id: 'BBOT',
            ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
            ...(meta && m.metadata !== undefined ? { metadata: m.metadata } : {}),
          })),
          has_more: next !== '',
          response_metadata: { next_cursor: next },
        };
      }
      case 'conversations.members': {
        const all = this.channelMembers.get(str('channel'));
        if (!all) return { ok: false, error: 'channel_not_found' };
        const from = Number(str('cursor') || 0);
        const limit = Math.min(Number(str('limit') || 100), 1000);
        const next = from + limit < all.length ? String(from + limit) : '';
        return { ok: true, members: all.slice(from, from + limit), response_metadata: { next_cursor: next } };
      }
      case 'views.publish': {
        const view = p.view as { type?: string; blocks?: unknown[]; private_metadata?: string } | undefined;
        if (!str('user_id') || view?.type !== 'home') return { ok: false, error: 'invalid_arguments' };
        if ((view.blocks?.length ?? 0) > 100) return { ok: false, error: 'invalid_arguments' };
        const id = this.homeViews.get(str('user_id'))?.id ?? `VHOME${String(this.homeViews.size + 1).padStart(4, '0')}`;
        this.homeViews.set(str('user_id'), { id, view });
        return { ok: true, view: { id, type: 'home', ...view } };
      }
      case 'usergroups.users.list': {
        const users = this.usergroups.get(str('usergroup'));
        return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private nextTs(): string {
    const n = ++this.seq;
    return `${1_700_000_000 + n}.${String(n).padStart(6, '0')}`;
  }

  private send(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  }
}

function parseForm(body: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.startsWith('application/json')) return JSON.parse(body) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    out[k] = JSON_FIELDS.has(k) ? safeJson(v) : v;
  }
  return out;
}

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
