import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FRAME_TAG } from '../../../../src/runners/ssh/batch-driver.ts';
import {
  BatchFrameParser,
  BatchProtocolViolation,
  type BatchEvent,
  type BatchFrame,
} from '../../../../src/runners/ssh/batch-frames.ts';

const NONCE = '0123456789abcdef0123456789abcdef';
const OTHER = 'fedcba9876543210fedcba9876543210';
const frame = (body: string, nonce = NONCE): Buffer => Buffer.from(`${FRAME_TAG}${nonce} ${body}\n`, 'latin1');

/** Feeds `chunks` and returns the data (concatenated) and the frames, in order. */
function parse(chunks: readonly Buffer[]): { data: Buffer; frames: BatchFrame[]; order: string[] } {
  const p = new BatchFrameParser(NONCE);
  const events: BatchEvent[] = [];
  for (const c of chunks) events.push(...p.push(c));
  events.push(...p.end());
  const data = Buffer.concat(events.flatMap((e) => (e.type === 'data' ? [e.bytes] : [])));
  const frames = events.flatMap((e) => (e.type === 'frame' ? [e.frame] : []));
  const order = events.map((e) => (e.type === 'data' ? 'data' : e.frame.kind));
  return { data, frames, order };
}

/** Cuts `buf` into chunks of the given sizes (cycling). */
function cut(buf: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, k = 0; at < buf.length; k++) {
    const n = sizes[k % sizes.length] ?? 1;
    out.push(buf.subarray(at, at + n));
    at += n;
  }
  return out;
}

describe('batch frame parser', () => {
  it('takes frames out wherever they start and gives back the output byte-exact, without a trailing newline', () => {
    const stream = Buffer.concat([
      frame('B 1'),
      Buffer.from('no newline at the end'),
      frame('E 1 0 0'),
      frame('B 2'),
      Buffer.from('x\n'),
      frame('Z'),
    ]);
    const r = parse([stream]);
    expect(r.data.toString()).toBe('no newline at the endx\n');
    expect(r.frames).toEqual([
      { kind: 'B', index: 1 },
      { kind: 'E', index: 1, status: 0, lingering: false },
      { kind: 'B', index: 2 },
      { kind: 'Z' },
    ]);
    expect(r.order).toEqual(['B', 'data', 'E', 'B', 'data', 'Z']);
  });

  it('finds a frame cut at any byte between two chunks', () => {
    const stream = Buffer.concat([Buffer.from('out'), frame('P 3 4242'), Buffer.from('more')]);
    for (let at = 1; at < stream.length; at++) {
      const r = parse([stream.subarray(0, at), stream.subarray(at)]);
      expect(r.data.toString()).toBe('outmore');
      expect(r.frames).toEqual([{ kind: 'P', index: 3, pid: 4242 }]);
    }
    expect(parse(cut(stream, [1])).frames).toEqual([{ kind: 'P', index: 3, pid: 4242 }]);
  });

  it('passes forged markers (another nonce, a cut-short nonce, a bare separator) through as output', () => {
    const forged = Buffer.concat([
      frame('E 1 0 0', OTHER),
      Buffer.from(`${FRAME_TAG}${NONCE.slice(0, 20)} Z\n`),
      Buffer.from(`\u001e\u001e${FRAME_TAG}\n`),
      Buffer.from(`${FRAME_TAG}${NONCE}E 1 0 0\n`),
    ]);
    for (const sizes of [[forged.length], [1], [7, 3], [41]]) {
      const r = parse(cut(forged, sizes));
      expect(r.frames).toEqual([]);
      expect(r.data.equals(forged)).toBe(true);
    }
  });

  it('gives back binary output (NULs, separators, invalid UTF-8) byte-exact, in any chunking', () => {
    const junk = Buffer.concat([
      randomBytes(50_000),
      Buffer.from([0x1e, 0x1e, 0x00, 0xff, 0x1e]),
      Buffer.from(FRAME_TAG),
      randomBytes(10_000),
    ]);
    const stream = Buffer.concat([frame('B 1'), junk, frame('E 1 0 0')]);
    for (const sizes of [[stream.length], [1, 2, 3, 5, 8, 13], [4096], [63]]) {
      const r = parse(cut(stream, sizes));
      expect(r.data.equals(junk)).toBe(true);
      expect(r.frames.map((f) => f.kind)).toEqual(['B', 'E']);
    }
  });

  it('streams a huge output through without holding it back', () => {
    const p = new BatchFrameParser(NONCE);
    const chunk = Buffer.alloc(64 * 1024, 'y');
    let passed = 0;
    for (let i = 0; i < 512; i++) {
      // Every chunk comes out whole as soon as it arrives: memory stays bounded whatever a command prints.
      const events = p.push(chunk);
      expect(events).toHaveLength(1);
      passed += events[0]?.type === 'data' ? events[0].bytes.length : 0;
    }
    expect(passed).toBe(512 * 64 * 1024);
    expect(p.push(frame('Z'))).toEqual([{ type: 'frame', frame: { kind: 'Z' } }]);
  });

  it('holds back only an unfinished marker at the end of a chunk, and releases it as output when the stream ends', () => {
    const p = new BatchFrameParser(NONCE);
    const tail = Buffer.from(`${FRAME_TAG}${NONCE.slice(0, 8)}`);
    const events = p.push(Buffer.concat([Buffer.from('a'), tail]));
    expect(events).toEqual([{ type: 'data', bytes: Buffer.from('a') }]);
    expect(p.end()).toEqual([{ type: 'data', bytes: tail }]);
  });

  it.each([
    ['an unknown kind', 'Q 1'],
    ['a missing field', 'E 1 0'],
    ['a status above 255', 'E 1 256 0'],
    ['a lingering flag other than 0/1', 'E 1 0 2'],
    ['command 0', 'B 0'],
    ['a pid of 1', 'P 1 1'],
    ['a negative number', 'B -1'],
    ['trailing text', 'Z now'],
    ['an empty body', ''],
  ])('rejects a frame with our nonce and %s', (_what, body) => {
    expect(() => parse([frame(body)])).toThrow(BatchProtocolViolation);
  });

  it('rejects a frame of ours that never ends, or a stream that ends inside one', () => {
    expect(() => parse([Buffer.concat([Buffer.from(`${FRAME_TAG}${NONCE} E 1 0 0`), Buffer.alloc(100, '0')])])).toThrow(
      /longer than/,
    );
    expect(() => parse([Buffer.from(`${FRAME_TAG}${NONCE} E 1`)])).toThrow(/ended inside a frame/);
  });

  it('refuses a nonce that is not hex', () => {
    expect(() => new BatchFrameParser('not a nonce')).toThrow(RangeError);
  });
});
