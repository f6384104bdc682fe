import type { CommandRequest, ExecOptions } from '../../core/ports/remote.ts';
import { batchCommandLine, batchStdin, newBatchNonce } from './batch-driver.ts';
import { BatchFrameParser, BatchProtocolViolation } from './batch-frames.ts';
import {
  batchOutcomes,
  closedBy,
  type BatchCommandState,
  type BatchFailure,
  type BatchStop,
} from './batch-outcomes.ts';
import { BatchTracker, type BatchStream } from './batch-tracker.ts';
import { killGroup, openExec, type OpenedExec } from './open-exec.ts';
import type { CommandOutcome } from './fan-out-sequence-hosts.ts';
import { streamSink } from './output-sink.ts';
import type { CommandContext } from './command-context.ts';
import type { PooledConnection } from './ssh-connection-pool.ts';

/** How a batch runs. */
export interface BatchOptions extends ExecOptions {
  /** Start none of the remaining commands after the first that exits non-zero (those are `skipped`). */
  readonly stopOnFailure?: boolean;
}

/** How long a stopped command may take to end after the kill before we end the whole batch (kill grace + margin). */
const STOP_WAIT_MS = 6000;

/**
 * Runs a host's list of commands over ONE exec channel (see `batch-driver.ts`), with the per-command results
 * of `runRemoteCommand`: exit code, separate stdout and stderr (streamed, redacted, captured bounded with
 * spooling), duration, a timeout that kills the command's process group. Never throws for a command's
 * failure or a broken batch: one outcome per request, commands that did not start are `skipped`. Throws only
 * when the channel cannot be opened (nothing ran).
 */
export async function runBatch(
  conn: PooledConnection,
  ctx: CommandContext,
  reqs: readonly CommandRequest[],
  opts: BatchOptions = {},
): Promise<CommandOutcome[]> {
  const commands = reqs.map((r) => ctx.redactor.redact(r.command));
  const states: BatchCommandState[] = reqs.map(() => ({}));
  const aborted = (): boolean => opts.signal?.aborted === true;
  if (reqs.length === 0 || aborted()) return batchOutcomes(ctx.host, reqs, commands, states, undefined);
  const release = await conn.channels.acquire();
  try {
    if (aborted()) return await batchOutcomes(ctx.host, reqs, commands, states, undefined);
    const opened = await openExec(
      conn,
      ctx.host,
      batchCommandLine(
        reqs.map((r) => r.command),
        opts.stopOnFailure === true,
      ),
    );
    ctx.log.debug({ host: ctx.host, commands: reqs.length }, 'batch started');
    const failure = await drive(conn, ctx, opened, reqs, commands, states, opts);
    if (failure !== undefined)
      ctx.log.warn(
        { host: ctx.host, failure: failure.kind, why: failure.kind === 'protocol' ? failure.problem : failure.reason },
        'batch broken',
      );
    return await batchOutcomes(ctx.host, reqs, commands, states, failure);
  } finally {
    release();
  }
}

function drive(
  conn: PooledConnection,
  ctx: CommandContext,
  { channel, exit }: OpenedExec,
  reqs: readonly CommandRequest[],
  commands: readonly string[],
  states: BatchCommandState[],
  opts: BatchOptions,
): Promise<BatchFailure | undefined> {
  return new Promise((resolve) => {
    const nonce = newBatchNonce();
    const batchId = ctx.newId();
    const timers = new Set<NodeJS.Timeout>();
    const later = (ms: number, fn: () => void): NodeJS.Timeout => {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
      return t;
    };
    let driverPid: number | undefined;
    let current = 0;
    let aborting = false;
    let failure: BatchFailure | undefined;
    let done = false;
    const stateOf = (index: number): BatchCommandState => states[index - 1] as BatchCommandState;

    // On abort the driver goes first, so that it cannot start the next command when the current one dies.
    let driverGone: Promise<unknown> = Promise.resolve();
    const killDriver = (): void => {
      if (driverPid !== undefined) driverGone = killGroup(conn, driverPid);
    };
    const killCommand = (s: BatchCommandState, pid: number): void => {
      s.killed = driverGone.then(() => killGroup(conn, pid));
    };
    const finish = (): void => {
      if (done) return;
      done = true;
      for (const t of timers) clearTimeout(t);
      opts.signal?.removeEventListener('abort', onAbort);
      tracker.close();
      if (tracker.stray > 0)
        ctx.log.warn(
          { host: ctx.host, bytes: tracker.stray },
          'output after the end of a batch (a process a command left behind?) was dropped',
        );
      channel.close();
      resolve(failure);
    };
    const requestStop = (index: number, stop: BatchStop): void => {
      const s = stateOf(index);
      if (s.stop !== undefined || s.status !== undefined) return;
      s.stop = stop;
      if (s.pid !== undefined) killCommand(s, s.pid);
      // Whatever happens to the kill, stop waiting for this command: end the batch (the rest is `skipped`).
      later(STOP_WAIT_MS, () => {
        if (s.status !== undefined) return;
        killDriver();
        finish();
      });
    };
    const onAbort = (): void => {
      aborting = true;
      killDriver();
      if (current > 0) requestStop(current, { kind: 'abort' });
      else later(STOP_WAIT_MS, finish);
    };
    const timeouts = new Map<number, NodeJS.Timeout>();
    // The first command's timeout also covers a host that never starts the batch (e.g. a hanging login script).
    const firstMs = reqs[0]?.timeoutMs;
    if (firstMs !== undefined) {
      stateOf(1).startedAt = ctx.clock.now();
      timeouts.set(
        1,
        later(firstMs, () => requestStop(1, { kind: 'timeout', ms: firstMs })),
      );
    }

    const tracker = new BatchTracker(
      reqs.length,
      (index, stream) => streamSink(ctx, stream, ctx.spoolPath(`${batchId}-${index}`, stream), opts.onOutput),
      {
        driver: (pid) => {
          driverPid = pid;
          if (aborting) killDriver();
        },
        begin: (index) => {
          current = index;
          stateOf(index).startedAt = ctx.clock.now();
          ctx.log.debug({ host: ctx.host, command: commands[index - 1] }, 'command started');
          const ms = reqs[index - 1]?.timeoutMs;
          const before = timeouts.get(index);
          if (before !== undefined) clearTimeout(before);
          if (aborting) requestStop(index, { kind: 'abort' });
          else if (ms !== undefined)
            timeouts.set(
              index,
              later(ms, () => requestStop(index, { kind: 'timeout', ms })),
            );
        },
        pid: (index, pid) => {
          const s = stateOf(index);
          s.pid = pid;
          if (s.stop !== undefined && s.killed === undefined) killCommand(s, pid);
        },
        end: (index, status, lingering) => {
          const s = stateOf(index);
          s.endedAt = ctx.clock.now();
          s.status = status;
          current = 0;
          const t = timeouts.get(index);
          if (t !== undefined) clearTimeout(t);
          if (lingering)
            ctx.log.warn(
              { host: ctx.host, command: commands[index - 1] },
              'command left processes running in its process group',
            );
          ctx.log.debug(
            { host: ctx.host, exitCode: status, ms: s.endedAt - (s.startedAt ?? s.endedAt) },
            'command finished',
          );
        },
        settled: (index, stdout, stderr) => {
          const s = stateOf(index);
          s.stdout = stdout;
          s.stderr = stderr;
        },
        complete: finish,
        refused: (reason) => {
          const why =
            reason === 'no-job-control'
              ? 'bash on the host cannot give each command a process group (set -m): use per-command mode'
              : reason;
          failure ??= { kind: 'interrupted', reason: why };
        },
      },
    );

    const broken = (e: unknown): void => {
      if (!(e instanceof BatchProtocolViolation)) throw e;
      failure ??= { kind: 'protocol', problem: e.message };
      killDriver();
      if (current > 0 && stateOf(current).pid !== undefined) void killGroup(conn, stateOf(current).pid ?? 0);
      finish();
    };
    const feed =
      (stream: BatchStream, parser: BatchFrameParser) =>
      (chunk: Buffer): void => {
        if (done) return;
        try {
          for (const ev of parser.push(chunk)) tracker.event(stream, ev);
        } catch (e) {
          broken(e);
        }
      };
    const parsers = { stdout: new BatchFrameParser(nonce), stderr: new BatchFrameParser(nonce) };
    channel.on('data', feed('stdout', parsers.stdout));
    channel.stderr.on('data', feed('stderr', parsers.stderr));
    channel.on('close', () => {
      if (done) return;
      try {
        for (const stream of ['stdout', 'stderr'] as const)
          for (const ev of parsers[stream].end()) tracker.event(stream, ev);
      } catch (e) {
        return broken(e);
      }
      // A close we caused (abort, or a stopped command that would not end) is not a broken batch.
      const stopped = aborting || states.some((st) => st.stop !== undefined && st.status === undefined);
      if (stopped || failure !== undefined) return finish();
      void closedBy(conn, exit, driverPid !== undefined).then((why) => {
        failure ??= why;
        finish();
      });
    });
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    // The signal may have fired while the channel opened, before anyone listened.
    if ((opts.signal as AbortSignal | undefined)?.aborted === true) onAbort();
    channel.end(batchStdin(nonce));
  });
}
