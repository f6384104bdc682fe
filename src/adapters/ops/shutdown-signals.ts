/** The first SIGTERM/SIGINT, for an orderly stop; a second one ends the process at once. */
export interface ShutdownSignals {
  /** Resolves with the first signal received. */
  readonly received: Promise<NodeJS.Signals>;
  /** Removes the handlers (after an orderly stop that did not come from a signal). */
  dispose(): void;
}

export interface ShutdownSignalOptions {
  /** Called on the second signal; `process.exit(128 + signal number)` by default. */
  readonly onSecond?: (signal: NodeJS.Signals) => void;
  /** After the first signal, the process exits on its own after this long whatever still runs (a hung close). */
  readonly hardDeadlineMs?: number;
  /** Called at the hard deadline instead of `onSecond`: to log why, then exit. */
  readonly onDeadline?: (signal: NodeJS.Signals) => void;
  readonly emitter?: NodeJS.EventEmitter;
}

const CODE: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Watches SIGTERM and SIGINT: the first resolves `received` (the caller stops taking work, lets the running step
 * finish, closes connections); a second one, from an impatient operator or systemd's final kill, exits at once.
 */
export function watchShutdownSignals(opts: ShutdownSignalOptions = {}): ShutdownSignals {
  const emitter = opts.emitter ?? process;
  const onSecond = opts.onSecond ?? ((s: NodeJS.Signals) => process.exit(CODE[s] ?? 1));
  let first: NodeJS.Signals | undefined;
  let resolve: (s: NodeJS.Signals) => void = () => {};
  const received = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const handler = (signal: NodeJS.Signals) => {
    if (first !== undefined) return onSecond(signal);
    first = signal;
    const onDeadline = opts.onDeadline ?? onSecond;
    if (opts.hardDeadlineMs !== undefined) setTimeout(() => onDeadline(signal), opts.hardDeadlineMs).unref();
    resolve(signal);
  };
  emitter.on('SIGTERM', handler);
  emitter.on('SIGINT', handler);
  return {
    received,
    dispose() {
      emitter.off('SIGTERM', handler);
      emitter.off('SIGINT', handler);
    },
  };
}
