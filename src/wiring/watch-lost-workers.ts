import type { Logger } from 'pino';
import type { Engine } from '../core/engine/create-engine.ts';
import { describeError } from '../core/opsgate-error.ts';

/** The watch every runtime keeps for workers that died with a step running. */
export interface LostWorkerWatch {
  /** Adds sites this process serves: it takes their lost steps over even while another of their workers lives. */
  serve(sites: readonly string[]): void;
  stop(): void;
}

/**
 * Looks for steps running on workers that stopped beating every `heartbeatMs` (the beat interval), and has the
 * engine take them over. A beat is valid for three intervals, so a killed worker's step is taken over within four
 * intervals of the kill (20 s with the default 5 s), plus the time its probes take. Every process runs this
 * watch (the bot, every worker, `opsgate run`); the engine lets exactly one take each step. After a Redis outage
 * (or a sweep that failed or stalled) nobody is judged for three intervals, so that live workers beat again first.
 */
export function watchLostWorkers(d: {
  readonly engine: Pick<Engine, 'noticeLostWorkers'>;
  readonly log: Pick<Logger, 'error'>;
  readonly heartbeatMs: number;
  /** The run store's connection: while it is down, and for a beat's validity after, nobody is judged dead. */
  readonly connection?: { on(event: 'error' | 'ready', listener: () => void): unknown };
  readonly now?: () => number;
}): LostWorkerWatch {
  const now = d.now ?? Date.now;
  const graceMs = 3 * d.heartbeatMs;
  const served = new Set<string>();
  let busy = false;
  let stopped = false;
  // When Redis was last out of reach for this process. Workers could not beat then either: their beats expired
  // for want of Redis, not of life, so they get a whole beat validity from its return to beat again.
  let down = false;
  let troubleAt = -Infinity;
  d.connection?.on('error', () => {
    down = true;
    troubleAt = now();
  });
  d.connection?.on('ready', () => {
    down = false;
    troubleAt = now();
  });
  const sweep = async () => {
    if (busy || stopped || down || now() - troubleAt < graceMs) return;
    busy = true;
    const started = now();
    try {
      await d.engine.noticeLostWorkers({ served: [...served], graceMs });
    } catch (e) {
      troubleAt = now();
      // Closing the runtime under a sweep fails it: that is not worth a line.
      if (!stopped) d.log.error({ err: describeError(e) }, 'looking for lost workers failed');
    } finally {
      // A sweep that stalled (Redis slow or away) judged beats against a stale clock reading.
      if (now() - started > d.heartbeatMs) troubleAt = now();
      busy = false;
    }
  };
  const timer = setInterval(() => void sweep(), d.heartbeatMs);
  timer.unref();
  return {
    serve(sites) {
      for (const s of sites) served.add(s);
    },
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
