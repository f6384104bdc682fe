/**
 * The root of opsgate's coded errors. Every failure that crosses a module boundary is one subclass per code,
 * with structured fields (host, step, exit code …) and the original `cause`, so that an entry point can tell
 * the user what happened and what to do next without parsing messages.
 */
export abstract class OpsgateError extends Error {
  /** Stable machine-readable code, e.g. `SSH_UNREACHABLE`. */
  abstract readonly code: string;
  /** Whether running the same thing again may succeed (only the queue entry point acts on this). */
  readonly retryable: boolean;
  /** Structured context for logs and chat renderers; never holds a secret. */
  readonly fields: Readonly<Record<string, unknown>>;

  constructor(message: string, opts: { retryable?: boolean; fields?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.retryable = opts.retryable ?? false;
    this.fields = Object.freeze({ ...(opts.fields ?? {}) });
  }
}

/** True when `e` is one of opsgate's coded errors. */
export function isOpsgateError(e: unknown): e is OpsgateError {
  return e instanceof OpsgateError;
}

/** Renders any thrown value as one line for a human: `CODE: message` for coded errors. */
export function describeError(e: unknown): string {
  if (isOpsgateError(e)) return `${e.code}: ${e.message}`;
  if (e instanceof Error) return e.message;
  return String(e);
}
