import type { Logger } from 'pino';

/** How long one closer of the runtime (a connection, a queue, the SSH sessions) may take before it is left behind. */
export const CLOSE_STEP_MS = 5000;

/** Resolves `true` when `p` settles within `ms`, `false` otherwise (`p` goes on; its outcome is ignored). */
export async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      p.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** One thing the runtime closes, and how long it may take (`CLOSE_STEP_MS` unless it says). */
export interface Closer {
  readonly name: string;
  readonly close: () => Promise<unknown>;
  readonly boundMs?: number;
}

/**
 * Runs every closer in order, each for at most its bound: a client that waits for a server that went away (a
 * QUIT to a Redis that restarted, a BullMQ close during a Redis outage) must not keep the process alive. A closer
 * left behind is logged; its failures are ignored, as are those of the others.
 */
export async function closeInOrder(closers: readonly Closer[], log: Pick<Logger, 'warn' | 'debug'>): Promise<void> {
  for (const c of closers) {
    const boundMs = c.boundMs ?? CLOSE_STEP_MS;
    const started = Date.now();
    if (await settlesWithin(c.close(), boundMs)) log.debug({ closer: c.name, ms: Date.now() - started }, 'closed');
    else log.warn({ closer: c.name, afterMs: boundMs }, 'close left behind');
  }
}
