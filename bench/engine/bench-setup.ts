import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { CommandRequest, CommandResult, HostOutcome, RemoteSession } from '../../src/core/ports/remote.ts';
import type { EngineEvent, EventSink } from '../../src/core/ports/events.ts';
import type { Site } from '../../src/core/sites/site.ts';
import type { HostCommand } from '../../src/core/plan/step-schema.ts';
import { defineRunbook } from '../../src/core/ports/runbook.ts';

/** The bench's gate policy: requester U_REQ, approver U_APP. */
export const benchPolicy: Site['policy'] = {
  approvers: ['U_APP'],
  approverGroups: [],
  approvalsNeeded: 1,
  requesterMayApprove: false,
  expiresAfterMs: 3_600_000,
};

/** The bench site of the in-process runner: one host, h1. */
export const benchSite: Site = {
  name: 'bench',
  hosts: ['h1'],
  groups: {},
  obClusters: [],
  policy: benchPolicy,
  channel: 'C_BENCH',
  starters: { users: [], groups: [] },
  manualScripted: false,
};

/**
 * `steps` plain actions, then `gated` destructive ones, each with a precondition and a verification probe, so
 * that a step costs what a real one does in the engine (three runner calls).
 */
export const benchRunbook = defineRunbook({
  id: 'bench',
  title: 'engine benchmark',
  args: z.object({ steps: z.number().int().min(0), gated: z.number().int().min(0), host: z.string().default('h1') }),
  build(site, { steps, gated, host }) {
    const on = (command: string): HostCommand[] => [{ host, command }];
    const targets = { kind: 'hosts' as const, hosts: [host] };
    const probes = {
      preconditions: [{ kind: 'path-exists' as const, path: '/tmp' }],
      verify: [{ kind: 'path-exists' as const, path: '/tmp' }],
    };
    const plain = Array.from({ length: steps }, (_, i) => ({
      kind: 'action' as const,
      id: `s${i}`,
      title: `step ${i}`,
      targets,
      commands: on('true'),
      ...probes,
      irreversible: { reason: 'bench' },
    }));
    const gates = Array.from({ length: gated }, (_, i) => ({
      kind: 'action' as const,
      id: `g${i}`,
      title: `gated ${i}`,
      targets,
      commands: on('true'),
      ...probes,
      destructive: true,
      gate: { prompt: 'go?' },
      irreversible: { reason: 'bench' },
    }));
    return { runbook: 'bench', site: site.name, title: 'bench', steps: [...plain, ...gates] };
  },
});

/** A runner that answers at once (exit 0), so that only the engine's own cost is left. */
export class InstantRemote implements RemoteSession {
  async exec(host: string, req: CommandRequest): Promise<CommandResult> {
    const sha256 = createHash('sha256').update('').digest('hex');
    const out = { head: '', tail: '', totalBytes: 0, truncated: false, sha256 };
    return { host, command: req.command, exitCode: 0, stdout: out, stderr: out, startedAt: Date.now(), durationMs: 0 };
  }

  async fanOut(hosts: readonly string[], req: (host: string) => CommandRequest): Promise<readonly HostOutcome[]> {
    return Promise.all(
      hosts.map(async (host) => ({ host, status: 'done' as const, result: await this.exec(host, req(host)) })),
    );
  }

  async upload(): Promise<never> {
    throw new Error('not in the bench');
  }
  learnSecret(): void {}
  redact(text: string): string {
    return text;
  }
  async close(): Promise<void> {}
}

/** Adds the time spent inside a runner (opening, commands, closing) to `meter.ms`. */
export function timedOpener(open: () => Promise<RemoteSession>, meter: { ms: number }): () => Promise<RemoteSession> {
  const time = async <T>(f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      meter.ms += performance.now() - t0;
    }
  };
  return async () => {
    const s = await time(open);
    return {
      exec: (host, req, opts) => time(() => s.exec(host, req, opts)),
      fanOut: (hosts, req, opts) => time(() => s.fanOut(hosts, req, opts)),
      upload: (host, req) => time(() => s.upload(host, req)),
      learnSecret: (v) => s.learnSecret(v),
      redact: (t) => s.redact(t),
      close: () => time(() => s.close()),
    };
  };
}

/**
 * Wraps a sink, stamping each event with a high-resolution time and the runner time so far, and waking whoever waits
 * for it.
 */
export class TimedEvents implements EventSink {
  /** Each event with its time and the runner time spent so far (`meter.ms`). */
  readonly log: { event: EngineEvent; t: number; runnerMs: number }[] = [];
  private waiters: { pred: (e: EngineEvent) => boolean; resolve: (t: number) => void }[] = [];

  constructor(
    private readonly inner: EventSink,
    private readonly meter: { ms: number },
  ) {}

  async emit(event: EngineEvent): Promise<void> {
    await this.inner.emit(event);
    const t = performance.now();
    this.log.push({ event, t, runnerMs: this.meter.ms });
    this.waiters = this.waiters.filter((w) => (w.pred(event) ? (w.resolve(t), false) : true));
  }

  /** Resolves with the time of the first matching event, past or future. */
  when(pred: (e: EngineEvent) => boolean): Promise<number> {
    const seen = this.log.find((l) => pred(l.event));
    if (seen !== undefined) return Promise.resolve(seen.t);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }
}

/** p50 and p99 of a sample, in ms with two decimals. */
export function stats(xs: readonly number[]): { p50: number; p99: number; n: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
  const r = (x: number) => Math.round(x * 100) / 100;
  return { p50: r(at(0.5)), p99: r(at(0.99)), n: s.length };
}
