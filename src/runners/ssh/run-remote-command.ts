import type { CommandRequest, CommandResult, ExecOptions } from '../../core/ports/remote.ts';
import { killGroup, openExec, type OpenedExec } from './open-exec.ts';
import { streamSink } from './output-sink.ts';
import { PgidMarkerFilter, wrapCommand } from './wrap-command.ts';
import type { PooledConnection } from './ssh-connection-pool.ts';
import {
  SshCommandAbortedError,
  SshNonZeroExitError,
  SshTimeoutError,
  SshTransferError,
  SshUnreachableError,
} from './ssh-errors.ts';
import type { CommandContext } from './command-context.ts';

/** How long a stopped command's channel may take to close before we close it ourselves (kill grace + margin). */
const STOP_WAIT_MS = 6000;

/** Why a running command is being stopped by us. */
type StopReason = { readonly kind: 'timeout'; readonly ms: number } | { readonly kind: 'abort' };

/**
 * Runs one command over an open connection: streams redacted output, captures it bounded, and on timeout or
 * abort kills the command's whole process group over the same connection before throwing.
 */
export async function runRemoteCommand(
  conn: PooledConnection,
  ctx: CommandContext,
  req: CommandRequest,
  opts: ExecOptions = {},
): Promise<CommandResult> {
  const command = ctx.redactor.redact(req.command);
  if (opts.signal?.aborted === true) throw new SshCommandAbortedError(ctx.host, command, 'not started');
  const release = await conn.channels.acquire();
  try {
    // Narrowing does not know the signal may have fired while we waited for a channel.
    if ((opts.signal as AbortSignal | undefined)?.aborted === true)
      throw new SshCommandAbortedError(ctx.host, command, 'not started');
    const id = ctx.newId();
    const startedAt = ctx.clock.now();
    const opened = await openExec(conn, ctx.host, wrapCommand(req.command, id));
    ctx.log.debug({ host: ctx.host, command }, 'command started');
    const outcome = await drive(conn, ctx, opened, id, req, opts);
    const base = { host: ctx.host, command, startedAt, durationMs: ctx.clock.now() - startedAt };
    if (outcome.stop !== undefined) {
      const killed = await outcome.killed;
      ctx.log.warn({ host: ctx.host, command, reason: outcome.stop.kind, killed }, 'command stopped');
      if (outcome.stop.kind === 'timeout') throw new SshTimeoutError(ctx.host, command, outcome.stop.ms, killed);
      throw new SshCommandAbortedError(ctx.host, command, killed);
    }
    if (outcome.lost !== undefined) throw outcome.lost;
    if (outcome.exitCode === null && outcome.signal === undefined) {
      // Neither an exit status nor a signal: we cannot tell success from failure, so it is not a result.
      throw new SshTransferError(ctx.host, `running "${command}" (the channel closed without an exit status)`);
    }
    const result: CommandResult = {
      ...base,
      exitCode: outcome.exitCode,
      ...(outcome.signal === undefined ? {} : { signal: outcome.signal }),
      stdout: outcome.stdout,
      stderr: outcome.stderr,
    };
    ctx.log.debug(
      { host: ctx.host, exitCode: result.exitCode, signal: result.signal, ms: result.durationMs },
      'command finished',
    );
    if (req.check === true && (result.exitCode !== 0 || result.signal !== undefined))
      throw new SshNonZeroExitError(result);
    return result;
  } finally {
    release();
  }
}

interface Outcome {
  readonly exitCode: number | null;
  readonly signal?: string;
  readonly stdout: CommandResult['stdout'];
  readonly stderr: CommandResult['stderr'];
  readonly stop?: StopReason;
  readonly killed: Promise<boolean>;
  readonly lost?: SshUnreachableError;
}

function drive(
  conn: PooledConnection,
  ctx: CommandContext,
  { channel, exit }: OpenedExec,
  id: string,
  req: CommandRequest,
  opts: ExecOptions,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const marker = new PgidMarkerFilter(id);
    const out = streamSink(ctx, 'stdout', ctx.spoolPath(id, 'stdout'), opts.onOutput);
    const err = streamSink(ctx, 'stderr', ctx.spoolPath(id, 'stderr'), opts.onOutput);
    let stop: StopReason | undefined;
    let killed: Promise<boolean> = Promise.resolve(false);
    let killSent = false;
    const sendKill = (): void => {
      if (killSent || marker.pgid === undefined) return;
      killSent = true;
      killed = killGroup(conn, marker.pgid);
    };
    let forceClose: NodeJS.Timeout | undefined;
    let done = false;
    const complete = (lost?: SshUnreachableError): void => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      if (forceClose !== undefined) clearTimeout(forceClose);
      opts.signal?.removeEventListener('abort', onAbort);
      const rest = marker.end();
      if (rest.length > 0) err.write(rest);
      resolve({
        exitCode: exit.code,
        ...(exit.signal === undefined ? {} : { signal: exit.signal }),
        stdout: out.end(),
        stderr: err.end(),
        ...(stop === undefined ? {} : { stop }),
        killed,
        ...(lost === undefined ? {} : { lost }),
      });
    };
    const requestStop = (reason: StopReason): void => {
      if (stop !== undefined || exit.seen || done) return;
      stop = reason;
      sendKill();
      // Whatever happens to the kill (no marker yet, a stalled connection, a process that survives), stop
      // waiting: sshd only confirms a channel close once the command's output pipes close, which may be never.
      forceClose = setTimeout(() => {
        channel.close();
        complete();
      }, STOP_WAIT_MS);
      forceClose.unref();
    };
    const timer =
      req.timeoutMs === undefined
        ? undefined
        : setTimeout(() => requestStop({ kind: 'timeout', ms: req.timeoutMs ?? 0 }), req.timeoutMs);
    const onAbort = (): void => requestStop({ kind: 'abort' });
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    channel.on('data', (chunk: Buffer) => {
      if (!done) out.write(chunk);
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      if (done) return;
      const rest = marker.write(chunk);
      if (stop !== undefined) sendKill();
      if (rest.length > 0) err.write(rest);
    });
    channel.on('close', () => {
      if (exit.seen || stop !== undefined) return complete();
      // No exit status: either the connection dropped (ssh2 closes its channels first) or sshd gave none.
      void Promise.race([conn.lost, delay(500)]).then((lost) =>
        complete(lost ?? (conn.isOpen() ? undefined : new SshUnreachableError(conn.endpoint, 'connection lost'))),
      );
    });
    if (req.stdin !== undefined) channel.end(req.stdin);
    else channel.end();
  });
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}
