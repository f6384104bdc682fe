import type {
  CommandRequest,
  CommandResult,
  ExecOptions,
  HostListOutcome,
  ListOutcome,
} from '../../core/ports/remote.ts';
import { DEFAULT_FAN_OUT_CONCURRENCY } from './fan-out-hosts.ts';
import { CHANNELS_PER_CONNECTION } from './ssh-connection-pool.ts';
import {
  SshAuthFailedError,
  SshHostKeyMismatchError,
  SshUnknownHostKeyError,
  SshUnreachableError,
} from './ssh-errors.ts';

/** How a list of commands per host is spread over several hosts. */
export interface FanOutSequenceOptions extends ExecOptions {
  /** At most this many hosts at once (default 50). */
  readonly concurrency?: number;
  /**
   * Commands of one host running at once (default 1: strictly one after the other, in the given order).
   * More than 1 only for commands that do not depend on each other (e.g. read-only checks): they still start
   * in the given order, but a later one may start, and end, before an earlier one ends. At most
   * `CHANNELS_PER_CONNECTION` (one channel stays free for killing a timed-out command).
   */
  readonly channelsPerHost?: number;
  /** On a host, start none of its remaining commands after its first failure (those are `skipped`). */
  readonly stopOnFailure?: boolean;
  /**
   * Run each host's whole list over ONE exec channel (`SshSession.runBatch`) instead of one channel per
   * command: the same per-command results at a fraction of the host's CPU. Needs bash on the host; not
   * with `channelsPerHost` above 1 nor with a request's `stdin`.
   */
  readonly batch?: boolean;
}

/** The outcome of one command of a host's list (the remote port's `ListOutcome`). */
export type CommandOutcome = ListOutcome;

/** One host's outcomes, one per command of its list and in the list's order (the port's `HostListOutcome`). */
export type HostSequenceOutcome = HostListOutcome;

/** True for an error after which no other command of the host can succeed: the connection itself failed. */
export function isConnectionError(e: Error): boolean {
  return (
    e instanceof SshUnreachableError ||
    e instanceof SshAuthFailedError ||
    e instanceof SshHostKeyMismatchError ||
    e instanceof SshUnknownHostKeyError
  );
}

/** True when a command's outcome counts as a failure: an error, a non-zero exit or a signal. */
export function isFailedCommand(o: CommandOutcome): boolean {
  if (o.status === 'error') return true;
  if (o.status === 'skipped') return false;
  return o.result.exitCode !== 0 || o.result.signal !== undefined;
}

/**
 * Runs each host's list of commands as a pipeline of its own: no host waits for another between commands
 * (no barrier per command, unlike one `fanOut` per command). Hosts start in the given order, at most
 * `concurrency` at a time; on a host, at most `channelsPerHost` commands run at once, started in list order.
 * A connection error ends the host (its remaining commands are `skipped`: each would dial again and fail the
 * same way); other errors (timeout, `check`) end only that command unless `stopOnFailure`. Once `signal` is
 * aborted nothing new starts anywhere. Never throws for a host's or a command's failure; outcomes come back
 * in the order of `hosts`, each host's in the order of its commands; `redact` is applied to the command line
 * each outcome names (the runner's results are redacted already).
 */
export async function fanOutSequenceHosts(
  hosts: readonly string[],
  commandsOf: (host: string) => readonly CommandRequest[],
  runOne: (host: string, req: CommandRequest) => Promise<CommandResult>,
  opts: Pick<FanOutSequenceOptions, 'concurrency' | 'channelsPerHost' | 'stopOnFailure' | 'signal'> = {},
  redact: (text: string) => string = (text) => text,
): Promise<HostSequenceOutcome[]> {
  const concurrency = opts.concurrency ?? DEFAULT_FAN_OUT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`fan-out concurrency must be a positive integer, got ${String(opts.concurrency)}`);
  }
  const channels = opts.channelsPerHost ?? 1;
  if (!Number.isInteger(channels) || channels < 1 || channels > CHANNELS_PER_CONNECTION) {
    throw new RangeError(
      `channelsPerHost must be an integer from 1 to ${CHANNELS_PER_CONNECTION}, got ${String(opts.channelsPerHost)}`,
    );
  }
  // Every list is built before anything starts, so that a bad list fails with no host touched.
  const lists = hosts.map((h) => commandsOf(h));
  const skippedAll = (list: readonly CommandRequest[]): CommandOutcome[] =>
    list.map((req) => ({ command: redact(req.command), status: 'skipped' }));
  const results: HostSequenceOutcome[] = hosts.map((host, i) => ({ host, outcomes: skippedAll(lists[i] ?? []) }));
  const aborted = (): boolean => opts.signal?.aborted === true;

  const runHost = async (i: number): Promise<void> => {
    const host = hosts[i] as string;
    const list = lists[i] ?? [];
    const outcomes: CommandOutcome[] = skippedAll(list);
    let next = 0;
    let stopped = false;
    const worker = async (): Promise<void> => {
      while (!stopped && !aborted() && next < list.length) {
        const k = next++;
        const req = list[k] as CommandRequest;
        let outcome: CommandOutcome;
        try {
          outcome = { command: redact(req.command), status: 'done', result: await runOne(host, req) };
        } catch (e) {
          const error = e instanceof Error ? e : new Error(String(e));
          outcome = { command: redact(req.command), status: 'error', error };
          if (isConnectionError(error)) stopped = true;
        }
        outcomes[k] = outcome;
        if (opts.stopOnFailure === true && isFailedCommand(outcome)) stopped = true;
      }
    };
    await Promise.all(Array.from({ length: Math.min(channels, list.length) }, worker));
    results[i] = { host, outcomes };
  };

  let nextHost = 0;
  const hostWorker = async (): Promise<void> => {
    while (!aborted() && nextHost < hosts.length) await runHost(nextHost++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, hosts.length) }, hostWorker));
  return results;
}
