import { describe, expect, it } from 'vitest';
import type { CapturedOutput } from '../../../../src/core/ports/remote.ts';
import type { BatchEvent, BatchFrame } from '../../../../src/runners/ssh/batch-frames.ts';
import { BatchProtocolViolation } from '../../../../src/runners/ssh/batch-frames.ts';
import { BatchTracker, type BatchListener, type BatchStream } from '../../../../src/runners/ssh/batch-tracker.ts';
import type { OutputSink } from '../../../../src/runners/ssh/output-sink.ts';

/** A sink that keeps its bytes; `head` of its capture is the whole text. */
function textSink(log: string[], key: string): OutputSink {
  const parts: Buffer[] = [];
  return {
    write: (b) => void parts.push(b),
    end: (): CapturedOutput => {
      log.push(`end ${key}`);
      return { head: Buffer.concat(parts).toString(), tail: '', totalBytes: 0, truncated: false, sha256: '' };
    },
  };
}

function setup(count: number) {
  const calls: string[] = [];
  const settled = new Map<number, [string, string]>();
  const listener: BatchListener = {
    driver: (pid) => void calls.push(`driver ${pid}`),
    begin: (i) => void calls.push(`begin ${i}`),
    pid: (i, pid) => void calls.push(`pid ${i} ${pid}`),
    end: (i, s, l) => void calls.push(`end ${i} ${s}${l ? ' lingering' : ''}`),
    settled: (i, out, err) => void settled.set(i, [out.head, err.head]),
    complete: () => void calls.push('complete'),
    refused: (r) => void calls.push(`refused ${r}`),
  };
  const sinkLog: string[] = [];
  const tracker = new BatchTracker(count, (i, s) => textSink(sinkLog, `${i}:${s}`), listener);
  const f = (stream: BatchStream, frame: BatchFrame): void => tracker.event(stream, { type: 'frame', frame });
  const d = (stream: BatchStream, text: string): void =>
    tracker.event(stream, { type: 'data', bytes: Buffer.from(text) } satisfies BatchEvent);
  const both = (frame: BatchFrame): void => {
    f('stdout', frame);
    f('stderr', frame);
  };
  return { tracker, calls, settled, sinkLog, f, d, both };
}

describe('batch tracker', () => {
  it('gives each command the bytes of its own section on each stream, and completes on Z', () => {
    const t = setup(2);
    t.d('stdout', 'banner ');
    t.f('stderr', { kind: 'H', pid: 100 });
    t.both({ kind: 'B', index: 1 });
    t.d('stdout', 'one');
    t.f('stderr', { kind: 'P', index: 1, pid: 101 });
    t.d('stderr', 'err1');
    t.both({ kind: 'E', index: 1, status: 0, lingering: false });
    t.d('stdout', ' late');
    t.both({ kind: 'B', index: 2 });
    t.d('stderr', 'err2');
    t.both({ kind: 'E', index: 2, status: 3, lingering: true });
    t.both({ kind: 'Z' });
    expect(t.calls).toEqual([
      'driver 100',
      'begin 1',
      'pid 1 101',
      'end 1 0',
      'begin 2',
      'end 2 3 lingering',
      'complete',
    ]);
    // Before the first B: command 1's (a login script's output); after E 1, before B 2: still command 1's.
    expect(t.settled.get(1)).toEqual(['banner one late', 'err1']);
    expect(t.settled.get(2)).toEqual(['', 'err2']);
  });

  it.each<[string, (t: ReturnType<typeof setup>) => void]>([
    ['a B that skips a command', (t) => t.f('stdout', { kind: 'B', index: 2 })],
    [
      'a B beyond the list',
      (t) => {
        t.both({ kind: 'B', index: 1 });
        t.both({ kind: 'E', index: 1, status: 0, lingering: false });
        t.both({ kind: 'B', index: 2 });
        t.both({ kind: 'E', index: 2, status: 0, lingering: false });
        t.f('stdout', { kind: 'B', index: 3 });
      },
    ],
    [
      'a B before the running command ended',
      (t) => {
        t.f('stdout', { kind: 'B', index: 1 });
        t.f('stdout', { kind: 'B', index: 2 });
      },
    ],
    [
      'an E of another command',
      (t) => {
        t.f('stdout', { kind: 'B', index: 1 });
        t.f('stdout', { kind: 'E', index: 2, status: 0, lingering: false });
      },
    ],
    [
      'two E for one command',
      (t) => {
        t.f('stdout', { kind: 'B', index: 1 });
        t.f('stdout', { kind: 'E', index: 1, status: 0, lingering: false });
        t.f('stdout', { kind: 'E', index: 1, status: 0, lingering: false });
      },
    ],
    [
      'streams that disagree on the status',
      (t) => {
        t.both({ kind: 'B', index: 1 });
        t.f('stdout', { kind: 'E', index: 1, status: 0, lingering: false });
        t.f('stderr', { kind: 'E', index: 1, status: 1, lingering: false });
      },
    ],
    [
      'a P on stdout',
      (t) => {
        t.f('stdout', { kind: 'B', index: 1 });
        t.f('stdout', { kind: 'P', index: 1, pid: 5 });
      },
    ],
    [
      'an H after the start',
      (t) => {
        t.f('stderr', { kind: 'B', index: 1 });
        t.f('stderr', { kind: 'H', pid: 5 });
      },
    ],
    [
      'a Z while a command runs',
      (t) => {
        t.f('stdout', { kind: 'B', index: 1 });
        t.f('stdout', { kind: 'Z' });
      },
    ],
    [
      'a frame after Z',
      (t) => {
        t.f('stdout', { kind: 'Z' });
        t.f('stdout', { kind: 'B', index: 1 });
      },
    ],
  ])('rejects %s', (_what, play) => {
    expect(() => play(setup(2))).toThrow(BatchProtocolViolation);
  });

  it('on a channel that ends mid-batch settles the commands that ended and drops the one that did not', () => {
    const t = setup(3);
    t.both({ kind: 'B', index: 1 });
    t.d('stdout', 'done');
    t.both({ kind: 'E', index: 1, status: 0, lingering: false });
    t.both({ kind: 'B', index: 2 });
    t.d('stdout', 'half');
    t.tracker.close();
    expect(t.settled.get(1)).toEqual(['done', '']);
    expect(t.settled.has(2)).toBe(false);
    expect(t.tracker.ended(2)).toBe(false);
    // Every sink was closed (spool files too), the unfinished command's included.
    expect(t.sinkLog.filter((l) => l.startsWith('end 2'))).toEqual(['end 2:stdout']);
  });

  it('settles a command whose E came on one stream only before the channel ended', () => {
    const t = setup(1);
    t.both({ kind: 'B', index: 1 });
    t.f('stdout', { kind: 'E', index: 1, status: 7, lingering: false });
    t.d('stderr', 'tail');
    t.tracker.close();
    expect(t.settled.get(1)).toEqual(['', 'tail']);
  });

  it('counts the bytes that come after Z instead of giving them to a command', () => {
    const t = setup(1);
    t.both({ kind: 'B', index: 1 });
    t.both({ kind: 'E', index: 1, status: 0, lingering: true });
    t.both({ kind: 'Z' });
    t.d('stdout', 'xyz');
    expect(t.tracker.stray).toBe(3);
    expect(t.settled.get(1)).toEqual(['', '']);
  });
});
