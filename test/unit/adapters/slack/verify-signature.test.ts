import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifySignature } from '../../../../src/adapters/slack/verify-signature.ts';

const SECRET = 'unit-secret';
const NOW_MS = 1_700_000_000_000;
const NOW = NOW_MS / 1000;
const body = Buffer.from('command=%2Fprecheck&text=xizang');
const sign = (ts: number | string, b: Buffer = body, secret = SECRET) =>
  `v0=${createHmac('sha256', secret).update(`v0:${ts}:`).update(b).digest('hex')}`;
const check = (timestamp: string | string[] | undefined, signature: string | string[] | undefined, b = body) =>
  verifySignature(SECRET, { timestamp, signature, body: b }, NOW_MS);

describe('verifySignature', () => {
  it('accepts a request signed with the secret within five minutes either way', () => {
    for (const ts of [NOW, NOW - 300, NOW + 300, NOW + 299])
      expect(check(String(ts), sign(ts))).toEqual({ ok: true, value: undefined });
  });

  it('refuses a timestamp more than five minutes in the future, like a stale one', () => {
    expect(check(String(NOW + 301), sign(NOW + 301))).toEqual({
      ok: false,
      error: 'the request timestamp is more than 5 minutes in the future',
    });
    expect(check(String(NOW + 86_400 * 365), sign(NOW + 86_400 * 365)).ok).toBe(false);
    expect(check(String(NOW - 301), sign(NOW - 301))).toEqual({
      ok: false,
      error: 'the request timestamp is more than 5 minutes old',
    });
  });

  it('refuses a forged, missing, repeated or malformed signature or timestamp', () => {
    const ts = String(NOW);
    expect(check(ts, sign(NOW, body, 'other-secret'))).toEqual({ ok: false, error: 'signature mismatch' });
    expect(check(ts, sign(NOW), Buffer.from('command=%2Fprecheck&text=lhasa'))).toEqual({
      ok: false,
      error: 'signature mismatch',
    });
    expect(check(undefined, sign(NOW)).ok).toBe(false);
    expect(check(ts, undefined).ok).toBe(false);
    expect(check([ts, ts], sign(NOW)).ok).toBe(false);
    expect(check(ts, [sign(NOW), sign(NOW)]).ok).toBe(false);
    for (const bad of ['', 'Infinity', '1e9', ' 1700000000', '1700000000.5', '-1', '0x10']) {
      expect(check(bad, sign(bad)).ok, bad).toBe(false);
    }
    for (const bad of ['', 'v0=', 'v1=' + sign(NOW).slice(3), sign(NOW).toUpperCase(), `${sign(NOW)}00`]) {
      expect(check(ts, bad).ok, bad).toBe(false);
    }
  });
});
