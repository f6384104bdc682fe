import { FRAME_TAG } from './batch-driver.ts';

/** A control frame of the batch driver (see `batch-driver.ts`). */
export type BatchFrame =
  | { readonly kind: 'H'; readonly pid: number }
  | { readonly kind: 'B'; readonly index: number }
  | { readonly kind: 'P'; readonly index: number; readonly pid: number }
  | { readonly kind: 'E'; readonly index: number; readonly status: number; readonly lingering: boolean }
  | { readonly kind: 'Z' }
  | { readonly kind: 'X'; readonly reason: string };

/** What one stream of a batch carries: a command's bytes, or a frame. */
export type BatchEvent =
  { readonly type: 'data'; readonly bytes: Buffer } | { readonly type: 'frame'; readonly frame: BatchFrame };

/** The host's answer does not follow the batch protocol (a broken driver or a host answering nonsense). */
export class BatchProtocolViolation extends Error {}

/** A frame's body (after the nonce) is at most this long: `E`, an index, a status and a flag. */
const MAX_BODY = 64;

/**
 * Splits one stream of a batch into data and frames. A frame is recognised only with this batch's nonce,
 * wherever it starts (a command's output need not end with a newline, and stays byte-exact); bytes that
 * could still become the start of a frame are held back until the next chunk shows what they are.
 * Throws `BatchProtocolViolation` for a frame with our nonce that does not parse.
 */
export class BatchFrameParser {
  private readonly marker: Buffer;
  private held: Buffer = Buffer.alloc(0);

  constructor(nonce: string) {
    if (!/^[0-9a-f]{16,64}$/.test(nonce)) throw new RangeError('batch nonce must be 16-64 lowercase hex digits');
    this.marker = Buffer.from(`${FRAME_TAG}${nonce} `, 'latin1');
  }

  /** The events in `chunk` (and in what was held back before it). */
  push(chunk: Buffer): BatchEvent[] {
    const buf = this.held.length === 0 ? chunk : Buffer.concat([this.held, chunk]);
    this.held = Buffer.alloc(0);
    const events: BatchEvent[] = [];
    let from = 0;
    let scan = 0;
    for (;;) {
      const at = buf.indexOf(0x1e, scan);
      if (at < 0) break;
      const avail = Math.min(this.marker.length, buf.length - at);
      if (this.marker.compare(buf, at, at + avail, 0, avail) !== 0) {
        scan = at + 1;
        continue;
      }
      const bodyAt = at + this.marker.length;
      const eol = avail < this.marker.length ? -1 : buf.indexOf(0x0a, bodyAt);
      if (eol < 0 || eol - bodyAt > MAX_BODY) {
        if (eol >= 0 || buf.length - bodyAt > MAX_BODY)
          throw new BatchProtocolViolation(`a frame longer than ${MAX_BODY} bytes`);
        // A marker (or the start of one) at the end: wait for the rest.
        this.held = Buffer.from(buf.subarray(at));
        if (at > from) events.push({ type: 'data', bytes: buf.subarray(from, at) });
        return events;
      }
      if (at > from) events.push({ type: 'data', bytes: buf.subarray(from, at) });
      events.push({ type: 'frame', frame: parseBody(buf.subarray(bodyAt, eol).toString('latin1')) });
      from = scan = eol + 1;
    }
    if (from < buf.length) events.push({ type: 'data', bytes: from === 0 ? buf : buf.subarray(from) });
    return events;
  }

  /** The stream ended: what was held back is data, unless it is a frame of ours cut short. */
  end(): BatchEvent[] {
    const rest = this.held;
    this.held = Buffer.alloc(0);
    if (rest.length === 0) return [];
    if (rest.length >= this.marker.length) throw new BatchProtocolViolation('the stream ended inside a frame');
    return [{ type: 'data', bytes: rest }];
  }
}

const INT = /^\d{1,10}$/;

function parseBody(body: string): BatchFrame {
  const [kind, ...f] = body.split(' ');
  const ints = (n: number): number[] | undefined =>
    f.length === n && f.every((x) => INT.test(x)) ? f.map(Number) : undefined;
  switch (kind) {
    case 'H': {
      const v = ints(1);
      if (v !== undefined && (v[0] ?? 0) > 1) return { kind, pid: v[0] ?? 0 };
      break;
    }
    case 'B': {
      const v = ints(1);
      if (v !== undefined && (v[0] ?? 0) >= 1) return { kind, index: v[0] ?? 0 };
      break;
    }
    case 'P': {
      const v = ints(2);
      if (v !== undefined && (v[0] ?? 0) >= 1 && (v[1] ?? 0) > 1) return { kind, index: v[0] ?? 0, pid: v[1] ?? 0 };
      break;
    }
    case 'E': {
      const v = ints(3);
      if (v !== undefined && (v[0] ?? 0) >= 1 && (v[1] ?? 256) <= 255 && (v[2] === 0 || v[2] === 1)) {
        return { kind, index: v[0] ?? 0, status: v[1] ?? 0, lingering: v[2] === 1 };
      }
      break;
    }
    case 'Z':
      if (f.length === 0) return { kind };
      break;
    case 'X':
      if (f.length === 1 && /^[a-z-]{1,32}$/.test(f[0] ?? '')) return { kind, reason: f[0] ?? '' };
      break;
    default:
      break;
  }
  throw new BatchProtocolViolation(`a frame that does not parse: ${JSON.stringify(body.slice(0, MAX_BODY))}`);
}
