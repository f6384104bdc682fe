import type { Server } from 'node:http';

/** What an `AckFirstQueue` needs; everything has a default but `onError`. */
export interface AckFirstQueueOptions {
  readonly now?: () => number;
  /**
   * A job waits for the receiver to be idle at most this long (default 1000 ms); then it starts even while
   * requests are being acknowledged, so that a steady flow of requests never starves the work.
   */
  readonly maxDelayMs?: number;
  /**
   * At most this many jobs run at once (default 4), and a turn of the event loop starts no more: the requests
   * that arrived meanwhile are counted (and acked) before the next ones start.
   */
  readonly maxConcurrent?: number;
  /** A job that threw (after its own error handling): reported, never lost silently. */
  onError(lane: string, e: unknown): void;
}

interface Job {
  readonly run: () => Promise<void>;
  readonly at: number;
}

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * The work done after Slack's requests are acknowledged (the 3 s deadline applies to the acks only), run so
 * that it does not delay other acks: a job starts when no request is being received or acknowledged (the
 * HTTP server's requests are counted from their headers to their response), or once it has waited
 * `maxDelayMs`. Jobs of one lane (what they act on: a run, a gate) run one at a time in arrival order; lanes
 * run side by side, at most `maxConcurrent` jobs at once. A failed job is reported and the lane goes on;
 * `drain()` runs everything left.
 */
export class AckFirstQueue {
  private readonly lanes = new Map<string, Job[]>();
  private readonly busy = new Set<string>();
  private readonly idleWaiters: (() => void)[] = [];
  private inFlight = 0;
  private draining = false;
  private pumpScheduled = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly now: () => number;
  private readonly maxDelayMs: number;
  private readonly maxConcurrent: number;

  constructor(private readonly opts: AckFirstQueueOptions) {
    this.now = opts.now ?? Date.now;
    this.maxDelayMs = opts.maxDelayMs ?? 1000;
    this.maxConcurrent = Math.max(1, opts.maxConcurrent ?? 4);
  }

  /** Counts the server's requests from arrival to response (or a dropped connection). */
  track(server: Server): void {
    server.prependListener('request', (_req, res) => {
      this.requestStarted();
      res.once('close', () => this.requestEnded());
    });
  }

  /** A request is being received or acknowledged (for receivers other than an HTTP server). */
  requestStarted(): void {
    this.inFlight++;
  }

  requestEnded(): void {
    this.inFlight--;
    if (this.inFlight === 0) this.schedulePump();
  }

  /** Adds a job to its lane; it starts after the jobs before it in the lane, once acks are out of the way. */
  push(lane: string, run: () => Promise<void>): void {
    const jobs = this.lanes.get(lane);
    if (jobs === undefined) this.lanes.set(lane, [{ run, at: this.now() }]);
    else jobs.push({ run, at: this.now() });
    this.schedulePump();
  }

  /** Jobs waiting or running. */
  get size(): number {
    let n = this.busy.size;
    for (const jobs of this.lanes.values()) n += jobs.length;
    return n;
  }

  /** Runs every job left without waiting for idle (on shutdown) and resolves when all have finished. */
  async drain(): Promise<void> {
    this.draining = true;
    this.pump();
    if (this.size > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  /** Starts the pump after the I/O already waiting: requests that arrived meanwhile are counted first. */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    void nextTurn().then(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.now();
    let nextDue = Infinity;
    for (const [lane, jobs] of this.lanes) {
      // Further jobs start when one of these ends (after the I/O waiting then).
      if (this.busy.size >= this.maxConcurrent) return;
      if (this.busy.has(lane)) continue;
      const head = jobs[0];
      if (head === undefined) continue;
      if (this.draining || this.inFlight === 0 || now - head.at >= this.maxDelayMs) this.start(lane, jobs);
      else nextDue = Math.min(nextDue, head.at + this.maxDelayMs);
    }
    if (nextDue !== Infinity) this.timer = setTimeout(() => this.pump(), Math.max(0, nextDue - now));
  }

  private start(lane: string, jobs: Job[]): void {
    const job = jobs.shift();
    if (job === undefined) return;
    if (jobs.length === 0) this.lanes.delete(lane);
    this.busy.add(lane);
    void new Promise<void>((resolve) => resolve(job.run()))
      .catch((e: unknown) => {
        try {
          this.opts.onError(lane, e);
        } catch {
          // A reporter that throws must not stop the lane.
        }
      })
      .finally(() => {
        this.busy.delete(lane);
        if (this.size === 0) for (const w of this.idleWaiters.splice(0)) w();
        else if (this.lanes.size > 0) this.schedulePump();
      });
  }
}
