import { createHmac, timingSafeEqual } from 'node:crypto';
import { err, ok, type Result } from '../../core/result.ts';

/**
 * How far a request's timestamp may be from this machine's clock, in either direction (Slack's documented rule:
 * five minutes). Bolt's own check refuses only the past, so a request signed for an hour ahead would stay valid
 * for an hour and five minutes.
 */
export const SIGNATURE_WINDOW_SEC = 300;

/** What a request carries to prove it comes from Slack. */
export interface SignedRequest {
  /** `X-Slack-Request-Timestamp`: whole Unix seconds. */
  readonly timestamp: string | readonly string[] | undefined;
  /** `X-Slack-Signature`: `v0=` and the hex HMAC-SHA256 of `v0:<timestamp>:<body>`. */
  readonly signature: string | readonly string[] | undefined;
  readonly body: Buffer;
}

/**
 * Checks a request's Slack signature with the signing secret, and that its timestamp is within
 * `SIGNATURE_WINDOW_SEC` of `nowMs` either way. The error is a short reason for the sender and the log; it never
 * quotes the signature or the secret.
 */
export function verifySignature(secret: string, req: SignedRequest, nowMs: number): Result<void, string> {
  const ts = typeof req.timestamp === 'string' ? req.timestamp : undefined;
  const sig = typeof req.signature === 'string' ? req.signature : undefined;
  if (ts === undefined) return err('missing or repeated X-Slack-Request-Timestamp header');
  if (sig === undefined) return err('missing or repeated X-Slack-Signature header');
  if (!/^[0-9]{1,12}$/.test(ts)) return err('X-Slack-Request-Timestamp is not whole Unix seconds');
  const skew = Number(ts) - Math.floor(nowMs / 1000);
  if (skew < -SIGNATURE_WINDOW_SEC) return err('the request timestamp is more than 5 minutes old');
  if (skew > SIGNATURE_WINDOW_SEC) return err('the request timestamp is more than 5 minutes in the future');
  const m = /^v0=([0-9a-f]{64})$/.exec(sig);
  if (m === null) return err('X-Slack-Signature is not a v0 signature');
  const expected = createHmac('sha256', secret).update(`v0:${ts}:`).update(req.body).digest();
  const given = Buffer.from(m[1] ?? '', 'hex');
  return timingSafeEqual(given, expected) ? ok(undefined) : err('signature mismatch');
}
