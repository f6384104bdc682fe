import type { CommandRequest } from '../../core/ports/remote.ts';
import { DEFAULT_FAN_OUT_CONCURRENCY } from './fan-out-hosts.ts';
import type { CommandOutcome, HostSequenceOutcome } from './fan-out-sequence-hosts.ts';

/**
 * Runs each host's list as one batch (`runList`, e.g. the session's `runBatch`): hosts start in the given
 * order, at most `concurrency` at a time, none once `signal` is aborted. A batch that cannot start (the host
 * is unreachable, the channel is refused) gives its first command the error and skips the rest. Never throws
 * for a host's failure; outcomes come back in the order of `hosts`.
 */
export async function fanOutBatchHosts(
  hosts: readonly string[],
  lists: ReadonlyMap<string, readonly CommandRequest[]>,
  runList: (host: string, list: readonly CommandRequest[]) => Promise<readonly CommandOutcome[]>,
  opts: { readonly concurrency?: number; readonly signal?: AbortSignal } = {},
  redact: (text: string) => string = (text) => text,
): Promise<HostSequenceOutcome[]> {
  const concurrency = opts.concurrency ?? DEFAULT_FAN_OUT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`fan-out concurrency must be a positive integer, got ${String(opts.concurrency)}`);
  }
  const listOf = (host: string): readonly CommandRequest[] => lists.get(host) ?? [];
  const skipped = (list: readonly CommandRequest[]): CommandOutcome[] =>
    list.map((req) => ({ command: redact(req.command), status: 'skipped' }));
  const results: HostSequenceOutcome[] = hosts.map((host) => ({ host, outcomes: skipped(listOf(host)) }));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (opts.signal?.aborted !== true && next < hosts.length) {
      const i = next++;
      const host = hosts[i] as string;
      const list = listOf(host);
      try {
        results[i] = { host, outcomes: await runList(host, list) };
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        const [first, ...rest] = skipped(list);
        if (first !== undefined)
          results[i] = { host, outcomes: [{ command: first.command, status: 'error', error }, ...rest] };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, hosts.length) }, worker));
  return results;
}
