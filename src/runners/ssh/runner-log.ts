/** The slice of a pino logger the runner uses; constant messages, data in fields, never a secret. */
export interface RunnerLog {
  debug(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
}

/** A logger that drops everything, for callers that pass none. */
export const silentLog: RunnerLog = { debug: () => undefined, warn: () => undefined };
