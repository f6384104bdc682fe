import { StringDecoder } from 'node:string_decoder';
import type { ClientChannel } from 'ssh2';
import type { Clock } from '../../ports/clock.ts';
import type { CommandRequest, CommandResult, ExecOptions, OutputChunk } from '../../ports/remote.ts';
import { OutputCapture, type CaptureLimits } from './output-capture.ts';
import { killGroupCommand, PgidMarkerFilter, wrapCommand } from './remote-wrapper.ts';
import type { RunnerLog } from './runner-log.ts';
import type { SecretRedactor } from './secret-redactor.ts';
import type { PooledConnection } from './ssh-connection-pool.ts';
import { SshCommandAbortedError, SshNonZeroExitError, SshTimeoutError, SshTransferError, SshUnreachableError } from './ssh-errors.ts';

/** What one command needs from its session. */
export interface CommandContext {
  readonly host: string;
  readonly redactor: SecretRedactor;
  readonly clock: Clock;
  readonly log: RunnerLog;
  readonly limits: CaptureLimits;
  /** A fresh unique id (nonce of the wrapper marker, spool file names). */
  readonly newId: () => string;
  /** Where the spool file of `stream` goes if it is needed. */
  readonly spoolPath: (id: string, stream: 'stdout' | 'stderr') => string;
}

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
    if ((opts.signal as AbortSignal | undefined)?.aborted === true) throw new SshCommandAbortedError(ctx.host, command, 'not started');
    const id = ctx.newId();
    const startedAt = ctx.clock.now();
    const channel = await openExec(conn, ctx.host, wrapCommand(req.command, id));
    ctx.log.debug({ host: ctx.host, command }, 'command started');
    const outcome = await drive(conn, ctx, channel, id, req, opts);
    const base = { host: ctx.host, command, startedAt, durationMs: ctx.clock.now() - startedAt };
    if (outcome.stop !== undefined) {
      const killed = await outcome.killed;
      ctx.log.warn({ host: ctx.host, command, reason: outcome.stop.kind, killed }, 'command stopped');
      if (outcome.stop.kind === 'timeout') throw new SshTimeoutError(ctx.host, command, outcome.stop.ms, killed);
      throw new SshCommandAbortedError(ctx.host, command, killed);
    }
    if (outcome.lost !== undefined) throw outcome.lost;
    const result: CommandResult = {
      ...base,
      exitCode: outcome.exitCode,
      ...(outcome.signal === undefined ? {} : { signal: outcome.signal }),
      stdout: outcome.stdout,
      stderr: outcome.stderr,
    };
    ctx.log.debug({ host: ctx.host, exitCode: result.exitCode, signal: result.signal, ms: result.durationMs }, 'command finished');
    if (req.check === true && (result.exitCode !== 0 || result.signal !== undefined)) throw new SshNonZeroExitError(result);
    return result;
  } finally {
    release();
  }
}

function openExec(conn: PooledConnection, host: string, wrapped: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      conn.client.exec(wrapped, (err, channel) => {
        if (err === undefined || err === null) return resolve(channel);
        reject(conn.isOpen() ? new SshTransferError(host, 'opening a command channel', err) : new SshUnreachableError(conn.endpoint, 'connection lost', err));
      });
    } catch (e) {
      // ssh2 throws synchronously when the connection is already gone.
      reject(new SshUnreachableError(conn.endpoint, 'connection lost', e));
    }
  });
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
  channel: ClientChannel,
  id: string,
  req: CommandRequest,
  opts: ExecOptions,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const marker = new PgidMarkerFilter(id);
    const out = streamSink(ctx, 'stdout', ctx.spoolPath(id, 'stdout'), opts.onOutput);
    const err = streamSink(ctx, 'stderr', ctx.spoolPath(id, 'stderr'), opts.onOutput);
    let exitCode: number | null = null;
    let signal: string | undefined;
    let sawExit = false;
    let stop: StopReason | undefined;
    let killed: Promise<boolean> = Promise.resolve(false);
    let killSent = false;
    const sendKill = (): void => {
      if (killSent || marker.pgid === undefined) return;
      killSent = true;
      killed = killGroup(conn, marker.pgid);
    };
    let forceClose: NodeJS.Timeout | undefined;
    const requestStop = (reason: StopReason): void => {
      if (stop !== undefined || sawExit) return;
      stop = reason;
      sendKill();
      // Whatever happens to the kill (no marker yet, a stalled connection), stop waiting for the channel.
      forceClose = setTimeout(() => channel.close(), STOP_WAIT_MS);
      forceClose.unref();
    };
    const timer = req.timeoutMs === undefined ? undefined : setTimeout(() => requestStop({ kind: 'timeout', ms: req.timeoutMs ?? 0 }), req.timeoutMs);
    const onAbort = (): void => requestStop({ kind: 'abort' });
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    channel.on('data', (chunk: Buffer) => out.write(chunk));
    channel.stderr.on('data', (chunk: Buffer) => {
      const rest = marker.write(chunk);
      if (stop !== undefined) sendKill();
      if (rest.length > 0) err.write(rest);
    });
    channel.on('exit', (code: number | null, sig?: string) => {
      sawExit = true;
      exitCode = code;
      signal = sig ?? undefined;
    });
    channel.on('close', () => {
      if (timer !== undefined) clearTimeout(timer);
      if (forceClose !== undefined) clearTimeout(forceClose);
      opts.signal?.removeEventListener('abort', onAbort);
      const rest = marker.end();
      if (rest.length > 0) err.write(rest);
      const stdout = out.end();
      const stderr = err.end();
      const finish = (lost?: SshUnreachableError): void =>
        resolve({
          exitCode,
          ...(signal === undefined ? {} : { signal }),
          stdout,
          stderr,
          ...(stop === undefined ? {} : { stop }),
          killed,
          ...(lost === undefined ? {} : { lost }),
        });
      if (sawExit || stop !== undefined) return finish();
      // No exit status: either the connection dropped (ssh2 closes its channels first) or sshd gave none.
      void Promise.race([conn.lost, delay(500)]).then((lost) => finish(lost ?? (conn.isOpen() ? undefined : new SshUnreachableError(conn.endpoint, 'connection lost'))));
    });
    if (req.stdin !== undefined) channel.end(req.stdin);
    else channel.end();
  });
}

/** Decode → redact → capture and stream, for one of stdout/stderr. */
function streamSink(ctx: CommandContext, stream: 'stdout' | 'stderr', spoolPath: string, onOutput: ((c: OutputChunk) => void) | undefined) {
  const decoder = new StringDecoder('utf8');
  const redactor = ctx.redactor.stream();
  const capture = new OutputCapture(spoolPath, ctx.limits);
  const emit = (text: string): void => {
    if (text.length === 0) return;
    capture.write(text);
    if (onOutput === undefined) return;
    try {
      onOutput({ host: ctx.host, stream, text });
    } catch (e) {
      // A broken listener must not break the command (or hide its result).
      ctx.log.warn({ host: ctx.host, err: e instanceof Error ? e.message : String(e) }, 'onOutput listener threw');
    }
  };
  return {
    write(chunk: Buffer): void {
      capture.countRaw(chunk.length);
      emit(redactor.write(decoder.write(chunk)));
    },
    end() {
      emit(redactor.write(decoder.end()));
      emit(redactor.end());
      return capture.finish();
    },
  };
}

/** Kills a process group over the same connection (bypassing the channel limit: this must get through). */
async function killGroup(conn: PooledConnection, pgid: number): Promise<boolean> {
  if (!conn.isOpen()) return false;
  try {
    const channel = await openExec(conn, conn.endpoint.host, killGroupCommand(pgid));
    return await new Promise<boolean>((resolve) => {
      let code: number | null = null;
      channel.on('exit', (c: number | null) => (code = c));
      channel.on('close', () => resolve(code === 0));
      channel.resume();
      channel.stderr.resume();
      channel.end();
    });
  } catch {
    return false;
  }
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}
