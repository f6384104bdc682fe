import type { Clock } from '../../core/ports/clock.ts';
import type { WorkerInfo, WorkerRegistry } from '../../core/ports/worker-registry.ts';

export interface HeartbeatOptions {
  readonly registry: WorkerRegistry;
  readonly info: WorkerInfo;
  readonly clock: Clock;
  readonly intervalMs: number;
  /** Called when a beat cannot be written (Redis away); beating goes on. */
  readonly onError?: (e: unknown) => void;
}

/** A running heartbeat. */
export interface Heartbeat {
  /** Resolves once the first beat is written (or failed: `onError` heard of it). */
  readonly ready: Promise<void>;
  /** Beats once more marked draining, so that nobody counts on this worker for new steps. */
  drain(): Promise<void>;
  /** Stops beating and removes this worker from the registry. */
  stop(): Promise<void>;
}

/**
 * Publishes a worker's heartbeat every `intervalMs`; each beat is valid for three intervals, so one slow beat
 * never makes a live worker look gone while a killed one drops out within three intervals.
 */
export function startHeartbeat(opts: HeartbeatOptions): Heartbeat {
  const ttl = opts.intervalMs * 3;
  let info = opts.info;
  const beat = () => opts.registry.beat(info, opts.clock.now(), ttl);
  const safeBeat = () => beat().catch((e: unknown) => opts.onError?.(e));
  const timer = setInterval(() => void safeBeat(), opts.intervalMs);
  timer.unref();
  return {
    ready: safeBeat(),
    async drain() {
      info = { ...info, draining: true };
      await safeBeat();
    },
    async stop() {
      clearInterval(timer);
      await opts.registry.remove(info.id).catch((e: unknown) => opts.onError?.(e));
    },
  };
}
