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
 * watch (the bot, every worker, `opsgate run`); the engine lets exactly one take each step.
 */
export function watchLostWorkers(d: {
  readonly engine: Pick<Engine, 'noticeLostWorkers'>;
  readonly log: Pick<Logger, 'error'>;
  readonly heartbeatMs: number;
}): LostWorkerWatch {
  const served = new Set<string>();
  let busy = false;
  let stopped = false;
  const sweep = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      await d.engine.noticeLostWorkers({ served: [...served], graceMs: 3 * d.heartbeatMs });
    } catch (e) {
      // Closing the runtime under a sweep fails it: that is not worth a line.
      if (!stopped) d.log.error({ err: describeError(e) }, 'looking for lost workers failed');
    } finally {
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
