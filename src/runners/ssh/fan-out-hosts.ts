import type { CommandResult, FanOutOptions, HostOutcome } from '../../core/ports/remote.ts';

/** Default number of hosts worked on at once. */
export const DEFAULT_FAN_OUT_CONCURRENCY = 50;

/** True when an outcome counts as a failure for `stopOnFailure`: an error, a non-zero exit or a signal. */
export function isFailedOutcome(o: HostOutcome): boolean {
  if (o.status === 'error') return true;
  if (o.status === 'skipped') return false;
  return o.result.exitCode !== 0 || o.result.signal !== undefined;
}

/**
 * Runs `runOne` for each host: hosts start in the given order, at most `concurrency` at a time (1 with
 * `oneAtATime`); after the first failure with `stopOnFailure`/`oneAtATime`, or once `signal` is aborted, no
 * new host starts and the rest are `skipped`. Never throws for one host's failure; outcomes come back in the
 * order of `hosts`.
 */
export async function fanOutHosts(
  hosts: readonly string[],
  runOne: (host: string) => Promise<CommandResult>,
  opts: Pick<FanOutOptions, 'concurrency' | 'oneAtATime' | 'stopOnFailure' | 'signal'> = {},
): Promise<HostOutcome[]> {
  const concurrency = opts.oneAtATime === true ? 1 : (opts.concurrency ?? DEFAULT_FAN_OUT_CONCURRENCY);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`fan-out concurrency must be a positive integer, got ${String(opts.concurrency)}`);
  }
  const stopOnFailure = opts.oneAtATime === true || opts.stopOnFailure === true;
  const outcomes: (HostOutcome | undefined)[] = hosts.map(() => undefined);
  let next = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped && opts.signal?.aborted !== true && next < hosts.length) {
      const i = next++;
      const host = hosts[i] as string;
      let outcome: HostOutcome;
      try {
        outcome = { host, status: 'done', result: await runOne(host) };
      } catch (e) {
        outcome = { host, status: 'error', error: e instanceof Error ? e : new Error(String(e)) };
      }
      outcomes[i] = outcome;
      if (stopOnFailure && isFailedOutcome(outcome)) stopped = true;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, hosts.length) }, worker));
  return hosts.map((host, i) => outcomes[i] ?? { host, status: 'skipped' });
}
