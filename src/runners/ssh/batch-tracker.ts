import type { CapturedOutput } from '../../core/ports/remote.ts';
import { assertNever } from '../../core/result.ts';
import { BatchProtocolViolation, type BatchEvent } from './batch-frames.ts';
import type { OutputSink } from './output-sink.ts';

export type BatchStream = 'stdout' | 'stderr';

/** What the tracker tells the runner, in protocol order. */
export interface BatchListener {
  /** The driver runs, with this pid. */
  driver(pid: number): void;
  /** Command `index` (1-based) is about to start. */
  begin(index: number): void;
  /** Command `index` runs as the leader of process group `pid`. */
  pid(index: number, pid: number): void;
  /** Command `index` ended with `status`; `lingering` when it left processes running in its group. */
  end(index: number, status: number, lingering: boolean): void;
  /** Both streams of command `index` are complete. */
  settled(index: number, stdout: CapturedOutput, stderr: CapturedOutput): void;
  /** The driver finished the batch (`Z` on both streams). */
  complete(): void;
  /** The driver cannot run on this host. */
  refused(reason: string): void;
}

interface StreamState {
  /** The command whose bytes the stream carries now (0 before the first `B`). */
  cur: number;
  /** The last command whose `E` this stream carried. */
  ended: number;
  done: boolean;
  /** Bytes seen after `Z` (a process a command left behind, still writing). */
  stray: number;
}

/**
 * Checks the order of one batch's frames on both streams and routes every byte to its command's sink: a
 * stream's bytes from `B i` up to `B i+1` (or `Z`) belong to command i, bytes before the first `B` to command
 * 1. Throws `BatchProtocolViolation` for a frame out of order.
 */
export class BatchTracker {
  private readonly streams: Record<BatchStream, StreamState> = {
    stdout: { cur: 0, ended: 0, done: false, stray: 0 },
    stderr: { cur: 0, ended: 0, done: false, stray: 0 },
  };
  private readonly sinks = new Map<string, OutputSink>();
  private readonly captures = new Map<string, CapturedOutput>();
  private readonly status = new Map<number, number>();
  private begun = 0;
  private driverSeen = false;

  constructor(
    private readonly count: number,
    private readonly sinkFor: (index: number, stream: BatchStream) => OutputSink,
    private readonly listener: BatchListener,
  ) {}

  /** Bytes that came after the end of the batch, per stream. */
  get stray(): number {
    return this.streams.stdout.stray + this.streams.stderr.stray;
  }

  /** True once command `index`'s exit status is known. */
  ended(index: number): boolean {
    return this.status.has(index);
  }

  event(stream: BatchStream, ev: BatchEvent): void {
    const s = this.streams[stream];
    if (ev.type === 'data') {
      if (s.done) s.stray += ev.bytes.length;
      else this.sink(Math.max(s.cur, 1), stream).write(ev.bytes);
      return;
    }
    const f = ev.frame;
    const bad = (what: string): never => {
      throw new BatchProtocolViolation(`${what} on ${stream} (at command ${s.cur} of ${this.count})`);
    };
    if (s.done) bad(`a ${f.kind} frame after the end of the batch`);
    switch (f.kind) {
      case 'H':
        if (stream !== 'stderr' || this.driverSeen || s.cur !== 0) bad('an unexpected H frame');
        this.driverSeen = true;
        return this.listener.driver(f.pid);
      case 'X':
        if (stream !== 'stderr' || s.cur !== 0) bad('an unexpected X frame');
        return this.listener.refused(f.reason);
      case 'B':
        if (f.index !== s.cur + 1 || f.index > this.count || s.ended !== s.cur) bad(`B ${f.index}`);
        if (s.cur >= 1) this.finish(s.cur, stream);
        s.cur = f.index;
        if (f.index > this.begun) {
          this.begun = f.index;
          this.listener.begin(f.index);
        }
        return;
      case 'P':
        if (stream !== 'stderr' || f.index !== s.cur || s.ended === s.cur) bad(`P ${f.index}`);
        return this.listener.pid(f.index, f.pid);
      case 'E': {
        if (f.index !== s.cur || s.ended === s.cur) bad(`E ${f.index}`);
        s.ended = f.index;
        const known = this.status.get(f.index);
        if (known !== undefined) {
          if (known !== f.status) bad(`E ${f.index} with status ${f.status} (the other stream said ${known})`);
          return;
        }
        this.status.set(f.index, f.status);
        return this.listener.end(f.index, f.status, f.lingering);
      }
      case 'Z':
        if (s.ended !== s.cur) bad('Z while a command runs');
        if (s.cur >= 1) this.finish(s.cur, stream);
        s.done = true;
        if (this.streams.stdout.done && this.streams.stderr.done) this.listener.complete();
        return;
      default:
        return assertNever(f, 'batch frame');
    }
  }

  /**
   * The channel ended (with or without `Z`): a command whose exit status is known is settled with what its
   * streams carried; every other open sink is closed and its output dropped (the command did not finish).
   */
  close(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const s = this.streams[stream];
      if (s.done) continue;
      s.done = true;
      const last = Math.max(s.cur, 1);
      if (this.status.has(last)) this.finish(last, stream);
    }
    for (const [key, sink] of this.sinks) {
      this.sinks.delete(key);
      sink.end();
    }
  }

  private sink(index: number, stream: BatchStream): OutputSink {
    const key = `${index}:${stream}`;
    let sink = this.sinks.get(key);
    if (sink === undefined) {
      sink = this.sinkFor(index, stream);
      this.sinks.set(key, sink);
    }
    return sink;
  }

  private finish(index: number, stream: BatchStream): void {
    const key = `${index}:${stream}`;
    if (this.captures.has(key)) return;
    const capture = this.sink(index, stream).end();
    this.sinks.delete(key);
    this.captures.set(key, capture);
    const other = this.captures.get(`${index}:${stream === 'stdout' ? 'stderr' : 'stdout'}`);
    if (other === undefined) return;
    const mine = capture;
    this.listener.settled(index, stream === 'stdout' ? mine : other, stream === 'stdout' ? other : mine);
  }
}
