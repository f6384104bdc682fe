import type { CapturedOutput, CommandRequest, CommandResult } from '../../core/ports/remote.ts';
import type { ExitRecord } from './open-exec.ts';
import type { CommandOutcome } from './fan-out-sequence-hosts.ts';
import type { PooledConnection } from './ssh-connection-pool.ts';
import {
  SshBatchInterruptedError,
  SshBatchProtocolError,
  SshCommandAbortedError,
  SshNonZeroExitError,
  SshTimeoutError,
  SshUnreachableError,
} from './ssh-errors.ts';

/** Why we stopped a running command of a batch. */
export type BatchStop = { readonly kind: 'timeout'; readonly ms: number } | { readonly kind: 'abort' };

/** What the batch runner learnt about one command. */
export interface BatchCommandState {
  startedAt?: number;
  endedAt?: number;
  status?: number;
  pid?: number;
  stop?: BatchStop;
  killed?: Promise<boolean>;
  stdout?: CapturedOutput;
  stderr?: CapturedOutput;
}

/** Why a batch ended before its driver said so. */
export type BatchFailure =
  | { readonly kind: 'protocol'; readonly problem: string }
  | { readonly kind: 'interrupted'; readonly reason: string; readonly cause?: unknown };

/**
 * One outcome per request, in order: `done` for a command whose exit status and both streams came back,
 * `error` for a command we stopped (timeout, abort), a `check` that failed, or the command the batch broke
 * at; `skipped` for every command that did not start (never guessed).
 */
export async function batchOutcomes(
  host: string,
  reqs: readonly CommandRequest[],
  commands: readonly string[],
  states: readonly BatchCommandState[],
  failure: BatchFailure | undefined,
): Promise<CommandOutcome[]> {
  const out: CommandOutcome[] = [];
  let broken = false;
  for (const [i, s] of states.entries()) {
    const command = commands[i] ?? '';
    const req = reqs[i] as CommandRequest;
    if (s.stop !== undefined && s.startedAt !== undefined) {
      const killed = (await s.killed) ?? false;
      const error =
        s.stop.kind === 'timeout'
          ? new SshTimeoutError(host, command, s.stop.ms, killed)
          : new SshCommandAbortedError(host, command, killed);
      out.push({ command, status: 'error', error });
      continue;
    }
    if (s.status !== undefined && s.startedAt !== undefined && s.stdout !== undefined && s.stderr !== undefined) {
      const result: CommandResult = {
        host,
        command,
        exitCode: s.status,
        stdout: s.stdout,
        stderr: s.stderr,
        startedAt: s.startedAt,
        durationMs: (s.endedAt ?? s.startedAt) - s.startedAt,
      };
      if (req.check === true && result.exitCode !== 0)
        out.push({ command, status: 'error', error: new SshNonZeroExitError(result) });
      else out.push({ command, status: 'done', result });
      continue;
    }
    if (failure !== undefined && !broken) {
      // The first command that did not finish is where the batch broke; nothing after it ran.
      broken = true;
      const error =
        failure.kind === 'protocol'
          ? new SshBatchProtocolError(host, command, i + 1, failure.problem)
          : new SshBatchInterruptedError(host, command, i + 1, failure.reason, failure.cause);
      out.push({ command, status: 'error', error });
      continue;
    }
    out.push({ command, status: 'skipped' });
  }
  return out;
}

/**
 * Why a batch channel closed without `Z`: the connection dropped (ssh2 closes its channels first), or the driver died.
 */
export async function closedBy(conn: PooledConnection, exit: ExitRecord, driverRan: boolean): Promise<BatchFailure> {
  const lost = await Promise.race([conn.lost, delay(500)]);
  const gone = lost ?? (conn.isOpen() ? undefined : new SshUnreachableError(conn.endpoint, 'connection lost'));
  const how =
    gone !== undefined
      ? 'the connection dropped'
      : exit.signal !== undefined
        ? `the driver was killed by ${exit.signal}`
        : exit.code === 127 && !driverRan
          ? 'bash was not found on the host (batch mode needs it; use per-command mode)'
          : exit.code !== null
            ? `the driver exited ${exit.code}`
            : 'the channel closed';
  return {
    kind: 'interrupted',
    reason: `${how} before the batch ended`,
    ...(gone === undefined ? {} : { cause: gone }),
  };
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}
