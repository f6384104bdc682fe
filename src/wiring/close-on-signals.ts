/** How long after the shutdown grace a process that is still closing is ended anyway. */
export const HARD_EXIT_AFTER_GRACE_MS = 5000;

/** How long after an orderly end a process may still be kept alive by what it opened. */
const LINGER_MS = 2000;

export interface CloseOnSignalsOptions {
  /** After a signal, the process exits after this long even when `close` has not finished (a hung peer). */
  readonly deadlineMs: number;
  /** Says why the process exits before `close` finished (stderr). */
  readonly say: (line: string) => void;
}

/**
 * Runs `close` (stop workers, disconnect, stop the embedded Redis) when the process gets SIGINT or SIGTERM,
 * then exits with 130 or 143; after `deadlineMs` it exits with that code whatever `close` still waits for,
 * saying so. Returns a function that removes the handlers once the caller closed normally.
 */
export function closeOnSignals(close: () => Promise<void>, opts: CloseOnSignalsOptions): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    const code = signal === 'SIGINT' ? 130 : 143;
    setTimeout(() => {
      opts.say(`${signal}: not closed after ${opts.deadlineMs} ms (a peer that does not answer); exiting anyway`);
      process.exit(code);
    }, opts.deadlineMs).unref();
    void close()
      .catch(() => undefined)
      .finally(() => process.exit(code));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/**
 * After a command closed everything in order: when something it opened still keeps the process alive `LINGER_MS`
 * later (a socket to a peer that went away, a client timer of a library), exits with `code` anyway, saying so.
 * The timer does not keep the process alive: a process that ends on its own is not delayed.
 */
export function exitIfLingering(code: number, say: (line: string) => void): void {
  setTimeout(() => {
    say(`still running ${LINGER_MS} ms after closing (a connection to a peer that went away); exiting`);
    process.exit(code);
  }, LINGER_MS).unref();
}

/**
 * The last resort of a shutdown (`watchShutdownSignals`' `onDeadline`): logs that it did not finish within
 * `afterMs` of the signal, then exits with the signal's code.
 */
export function hardExit(
  log: { error(obj: object, msg: string): void },
  afterMs: number,
): (signal: NodeJS.Signals) => void {
  return (signal) => {
    log.error({ signal, afterMs }, 'shutdown did not finish in time: exiting now');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
}
