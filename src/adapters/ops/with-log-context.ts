import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields every log line carries while one job runs (`runId`, `stepId`, `site`, `attempt`). */
export type LogFields = Readonly<Record<string, string | number>>;

const storage = new AsyncLocalStorage<LogFields>();

/**
 * Runs `fn` with `fields` added to every log line written under it, however deep: the engine, the SSH runner
 * and the queue share one logger, and this is what makes their lines a per-run, per-step child logger without
 * threading a logger through every call.
 */
export function withLogContext<T>(fields: LogFields, fn: () => Promise<T>): Promise<T> {
  return storage.run({ ...storage.getStore(), ...fields }, fn);
}

/** The fields of the job running now (empty outside one); pino's `mixin`. */
export function currentLogFields(): LogFields {
  return storage.getStore() ?? {};
}
