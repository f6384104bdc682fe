import type {
  BatchFanOutOptions,
  CommandRequest,
  HostListOutcome,
  ListOutcome,
} from '../../../src/core/ports/remote.ts';
import { SshUnreachableError } from '../../../src/runners/ssh/ssh-errors.ts';
import { FakeRemote } from './fake-remote.ts';

/**
 * A `FakeRemote` with the runner's batch mode: each host's list runs in order (through `exec`, so the tiny host,
 * `hang`, `unreachable` and redaction behave as for single commands) and is recorded in `batches`, one entry per
 * channel the runner would open. As in the runner, a list stops at a connection error (the rest `skipped`).
 */
export class FakeBatchRemote extends FakeRemote {
  /** One entry per batch sent: the host and its commands, in order. */
  readonly batches: { readonly host: string; readonly commands: readonly string[] }[] = [];

  async fanOutBatch(
    hosts: readonly string[],
    commands: (host: string) => readonly CommandRequest[],
    opts: BatchFanOutOptions = {},
  ): Promise<readonly HostListOutcome[]> {
    const execOpts = {
      ...(opts.onOutput === undefined ? {} : { onOutput: opts.onOutput }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    };
    return Promise.all(
      hosts.map(async (host) => {
        const list = commands(host);
        this.batches.push({ host, commands: list.map((r) => r.command) });
        const outcomes: ListOutcome[] = [];
        let broken = false;
        for (const req of list) {
          const command = this.redact(req.command);
          if (broken) {
            outcomes.push({ command, status: 'skipped' });
            continue;
          }
          try {
            outcomes.push({ command, status: 'done', result: await this.exec(host, req, execOpts) });
          } catch (e) {
            const error = e instanceof Error ? e : new Error(String(e));
            outcomes.push({ command, status: 'error', error });
            broken = error instanceof SshUnreachableError;
          }
        }
        return { host, outcomes };
      }),
    );
  }
}
