import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeChatEngine } from '../../support/slack/fake-chat-engine.ts';
import { FakeSlackWebApi } from '../../support/slack/fake-web-api.ts';
import { blockActionsBody, slashCommandBody } from '../../support/slack/sign-request.ts';
import { postRaw, startTestSlackApp, type RawRequest, type TestSlackApp } from '../../support/slack/test-slack-app.ts';

const SECRET = 'fuzz-secret';
const SEED = 0x15_15_15;
const REQUESTS = 3000;
const AT_ONCE = 12;
const FORM = 'application/x-www-form-urlencoded';

/** A small seeded PRNG (mulberry32): the same seed sends the same requests, so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  '',
  ' ',
  'null',
  '0',
  '-1',
  '1e309',
  'true',
  '{}',
  '[]',
  '%',
  '%zz',
  '&',
  '=',
  '<!here>',
  '<@U1>',
  '<#C1>',
  '\u0000',
  '\u202e',
  '\ud800',
  '\uffff',
  'A'.repeat(5000),
  '/precheck',
  '/upgrade',
  'xizang',
  'xizang redis',
  'CXIZANG',
  'UOPERATOR',
  'UAPPROVER1',
  'opsgate.gate.approve',
  'g1:gate_1:9f2c01234567',
  '__proto__',
  'constructor',
  'block_actions',
  'url_verification',
  'view_submission',
  'event_callback',
  'shortcut',
  '1.2.abc',
];
const KEYS = [
  'type',
  'user',
  'actions',
  'event',
  'command',
  'name',
  'payload',
  'challenge',
  'ssl_check',
  '__proto__',
  'id',
  'action_id',
  'action_ts',
  'value',
  'channel',
  'container',
  'message',
  'team',
  'enterprise',
  'trigger_id',
  'text',
  'user_id',
  'channel_id',
  'function_data',
  'view',
];
const TYPES = [FORM, FORM, FORM, 'application/json', `${FORM}; charset=utf-8`, 'text/plain', 'multipart/form-data', ''];

class Fuzzer {
  constructor(
    private readonly r: () => number,
    private readonly responseUrl: string,
  ) {}

  int = (n: number) => Math.floor(this.r() * n);
  pick = <T>(xs: readonly T[]): T => xs[this.int(xs.length)] as T;
  chance = (p: number) => this.r() < p;

  string(): string {
    if (this.chance(0.6)) return this.pick(WORDS);
    return Array.from({ length: this.int(40) }, () => String.fromCharCode(this.int(0x2fff))).join('');
  }

  json(depth = 0): unknown {
    const k = this.int(depth > 3 ? 4 : 7);
    if (k === 0) return null;
    if (k === 1) return this.chance(0.5);
    if (k === 2) return this.pick([0, -1, 1.5, 1e308, 2 ** 53, -0]);
    if (k === 3) return this.string();
    if (k === 4) return Array.from({ length: this.int(4) }, () => this.json(depth + 1));
    return Object.fromEntries(Array.from({ length: this.int(5) }, () => [this.pick(KEYS), this.json(depth + 1)]));
  }

  /** Changes one place of a parsed payload: a value replaced, a key removed or added, at any depth. */
  mutateJson(v: unknown): unknown {
    if (v === null || typeof v !== 'object' || this.chance(0.25)) return this.json(2);
    const o: Record<string, unknown> = Array.isArray(v) ? { ...v } : { ...(v as object) };
    const keys = Object.keys(o);
    const key = keys.length === 0 || this.chance(0.2) ? this.pick(KEYS) : this.pick(keys);
    if (this.chance(0.2)) delete o[key];
    else o[key] = this.mutateJson(o[key]);
    return Array.isArray(v) ? Object.values(o) : o;
  }

  /** Flips, inserts or deletes a few characters, or cuts the text short. */
  mutateText(s: string): string {
    let t = s;
    for (let n = 1 + this.int(3); n > 0; n--) {
      const at = this.int(t.length + 1);
      const op = this.int(4);
      if (op === 0) t = t.slice(0, at) + String.fromCharCode(this.int(256)) + t.slice(at + 1);
      else if (op === 1) t = t.slice(0, at) + this.pick(['%', '&', '=', '"', '{', ']', '\\', '+']) + t.slice(at);
      else if (op === 2) t = t.slice(0, at) + t.slice(at + 1 + this.int(8));
      else t = t.slice(0, at);
    }
    return t;
  }

  command(): string {
    const fields = new URLSearchParams(
      slashCommandBody({
        command: this.pick(['/precheck', '/upgrade', '/runs', '/rollback', '/audit']),
        text: this.pick(['xizang', 'xizang redis --dry-run', 'lhasa', '', 'run_0000000000000001']),
        user_id: 'UOPERATOR',
        channel_id: this.pick(['CXIZANG', 'CLHASA']),
        response_url: 'x',
        trigger_id: `${this.int(1e9)}.1.fuzz`,
      }),
    );
    fields.delete('response_url');
    for (let n = this.int(3); n > 0; n--) {
      const key = this.pick([...fields.keys(), ...KEYS]);
      const op = this.int(3);
      if (op === 0) fields.delete(key);
      else if (op === 1) fields.append(key, this.string());
      else fields.set(key, this.string());
    }
    const body = this.chance(0.4) ? this.mutateText(fields.toString()) : fields.toString();
    // The response_url is added last and never mutated: an answer must not wait on a name lookup.
    return `${body}&response_url=${encodeURIComponent(this.responseUrl)}`;
  }

  click(): string {
    const base = new URLSearchParams(
      blockActionsBody({
        user: 'UAPPROVER1',
        channel: 'CXIZANG',
        messageTs: '1.1',
        actionId: this.pick(['opsgate.gate.approve', 'opsgate.gate.reject', 'other.button']),
        value: this.pick(['g1:gate_1:9f2c01234567', 'rm -rf /', '']),
        responseUrl: 'x',
      }),
    ).get('payload');
    const parsed = JSON.parse(base ?? '{}') as Record<string, unknown>;
    delete parsed.response_url;
    let json = JSON.stringify(this.chance(0.8) ? this.mutateJson(parsed) : parsed);
    if (this.chance(0.3)) json = this.mutateText(json);
    return new URLSearchParams({ payload: json }).toString();
  }

  /** One request: a body of some kind, its content type, and how it is signed. */
  request(): { body: string | Buffer; req: RawRequest } {
    const kind = this.int(6);
    const body =
      kind === 0
        ? Buffer.from(Array.from({ length: this.int(600) }, () => this.int(256)))
        : kind === 1
          ? `payload=${encodeURIComponent(JSON.stringify(this.json()) ?? '')}`
          : kind === 2
            ? (JSON.stringify(this.chance(0.5) ? { type: 'url_verification', challenge: this.json() } : this.json()) ??
              '')
            : kind === 3
              ? this.command()
              : this.click();
    const contentType = this.chance(0.8) ? (kind === 2 ? 'application/json' : FORM) : this.pick(TYPES);
    const now = Math.floor(Date.now() / 1000);
    const timestampSec = this.chance(0.05) ? now + this.int(7200) - 3600 : now;
    const secret = this.chance(0.03) ? undefined : this.chance(0.02) ? 'wrong-secret' : SECRET;
    return { body, req: { contentType, timestampSec, ...(secret === undefined ? {} : { secret }) } };
  }
}

let fake: FakeSlackWebApi;
let bot: TestSlackApp;
const escaped: unknown[] = [];
const onEscape = (e: unknown) => void escaped.push(e);

beforeAll(() => void process.on('unhandledRejection', onEscape));
afterAll(() => void process.off('unhandledRejection', onEscape));
beforeEach(async () => {
  fake = await FakeSlackWebApi.start();
  for (const u of ['UOPERATOR', 'UAPPROVER1']) fake.users.set(u, {});
  bot = await startTestSlackApp({ secret: SECRET, fake, engine: new FakeChatEngine() });
});
afterEach(async () => {
  await bot.stop();
  await fake.close();
});

describe('the Slack receiver under random and mutated signed bodies', () => {
  it(`survives ${REQUESTS} of them with a 2xx or 4xx answer each, then serves a valid command`, async () => {
    const fuzz = new Fuzzer(prng(SEED), fake.responseUrl('fuzz'));
    const requests = Array.from({ length: REQUESTS }, () => fuzz.request());
    const statuses = new Map<number, number>();
    const wrong: string[] = [];
    let next = 0;
    const sender = async () => {
      for (let i = next++; i < requests.length; i = next++) {
        const { body, req } = requests[i] ?? { body: '', req: {} };
        const { status, text } = await postRaw(bot.url, body, req);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if ((status < 200 || status >= 300) && (status < 400 || status >= 500))
          wrong.push(`request ${i} (seed ${SEED}): ${status} ${text}`);
      }
    };
    await Promise.all(Array.from({ length: AT_ONCE }, sender));
    expect(wrong).toEqual([]);
    expect(escaped).toEqual([]);
    // The fuzz reached every layer: refused signatures, refused bodies, and bodies taken.
    for (const status of [200, 400, 401]) expect(statuses.get(status) ?? 0, `answers ${status}`).toBeGreaterThan(20);

    const valid = slashCommandBody({
      command: '/precheck',
      text: 'xizang',
      user_id: 'UOPERATOR',
      channel_id: 'CXIZANG',
      response_url: fake.responseUrl('after'),
      trigger_id: 'trig-after',
    });
    expect((await postRaw(bot.url, valid, { secret: SECRET, contentType: FORM })).status).toBe(200);
    await fake.waitFor(() => fake.responses.some((r) => r.id === 'after'));
    expect(fake.responses.find((r) => r.id === 'after')?.body.text).toContain('requested as run');
  }, 90_000);
});
