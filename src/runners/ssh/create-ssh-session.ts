import { join } from 'node:path';
import type { Clock } from '../../core/ports/clock.ts';
import type { IdSource } from '../../core/ports/ids.ts';
import type {
  CommandRequest,
  CommandResult,
  ExecOptions,
  FanOutOptions,
  HostOutcome,
  RemoteSession,
  UploadRequest,
  UploadResult,
} from '../../core/ports/remote.ts';
import { fanOutHosts } from './fan-out-hosts.ts';
import { fanOutBatchHosts } from './fan-out-batch-hosts.ts';
import {
  fanOutSequenceHosts,
  type CommandOutcome,
  type FanOutSequenceOptions,
  type HostSequenceOutcome,
} from './fan-out-sequence-hosts.ts';
import { DEFAULT_CAPTURE_LIMITS, type CaptureLimits } from './output-capture.ts';
import { MAX_BATCH_COMMAND_LINE } from './batch-driver.ts';
import { runBatch, type BatchOptions } from './run-batch.ts';
import { runRemoteCommand } from './run-remote-command.ts';
import type { CommandContext } from './command-context.ts';
import { silentLog, type RunnerLog } from './runner-log.ts';
import { SecretRedactor } from './secret-redactor.ts';
import { sftpUpload } from './sftp-upload.ts';
import { SshConnectionPool } from './ssh-connection-pool.ts';
import { SshConfigError, SshHostNotConfiguredError } from './ssh-errors.ts';
import type { SshHostConfig } from './ssh-host-config.ts';
import { randomIds } from '../../adapters/system/random-ids.ts';
import { systemClock } from '../../adapters/system/system-clock.ts';

/** What `createSshSession` needs. */
export interface SshSessionDeps {
  /** Every host the session may reach, by site-file name (jump hosts need not be listed). */
  readonly hosts: readonly SshHostConfig[];
  /** Values to redact from the start (host passwords and key passphrases are added on their own). */
  readonly secrets: readonly string[];
  /** Directory for spool files of long output (created when first needed). */
  readonly spoolDir: string;
  readonly log?: RunnerLog;
  readonly clock?: Clock;
  readonly ids?: IdSource;
  /** How much of each stream stays in memory (default 64 KiB head + 64 KiB tail). */
  readonly capture?: CaptureLimits;
}

/** A `RemoteSession` over ssh2, plus what only this runner offers. */
export interface SshSession extends RemoteSession {
  /**
   * Runs each host's list of commands as a pipeline of its own, with no barrier between hosts (see
   * `fanOutSequenceHosts`): the same per-command results, errors, redaction and timeouts as `exec`, over the
   * session's one connection per host. Bad input (unknown or repeated host, empty command, bad timeout)
   * throws before any host is touched; a host's or command's failure never throws.
   */
  fanOutSequence(
    hosts: readonly string[],
    commands: (host: string) => readonly CommandRequest[],
    opts?: FanOutSequenceOptions,
  ): Promise<readonly HostSequenceOutcome[]>;
  /**
   * Runs a host's list of commands in order over ONE exec channel (`run-batch.ts`): one outcome per command,
   * with the same results, redaction, streaming and timeouts (process-group kill) as `exec`; commands after a
   * broken batch or a failure with `stopOnFailure` are `skipped`. Bad input throws before the host is touched;
   * only a batch that cannot start (unreachable host, refused channel) throws after.
   */
  runBatch(host: string, requests: readonly CommandRequest[], opts?: BatchOptions): Promise<readonly CommandOutcome[]>;
}

/**
 * A `RemoteSession` over ssh2: one connection per host, opened on first use and shared by every command and
 * upload until `close()`; every known secret redacted before output leaves the runner.
 * Throws `SshConfigError` for a host configuration that cannot work (before any connection is made).
 */
export function createSshSession(deps: SshSessionDeps): SshSession {
  const hosts = indexHosts(deps.hosts);
  const redactor = new SecretRedactor(deps.secrets);
  for (const cfg of allConfigs(deps.hosts)) {
    for (const secret of [cfg.password, cfg.passphrase]) if (secret !== undefined) redactor.learn(secret);
  }
  const log = deps.log ?? silentLog;
  const clock = deps.clock ?? systemClock;
  const ids = deps.ids ?? randomIds;
  const pool = new SshConnectionPool(log);

  const configOf = (host: string): SshHostConfig => {
    const cfg = hosts.get(host);
    if (cfg === undefined) throw new SshHostNotConfiguredError(host, [...hosts.keys()]);
    return cfg;
  };
  const contextOf = (host: string): CommandContext => ({
    host,
    redactor,
    clock,
    log,
    limits: deps.capture ?? DEFAULT_CAPTURE_LIMITS,
    newId: () => ids.next(''),
    spoolPath: (id, stream) => join(deps.spoolDir, `${host.replace(/[^A-Za-z0-9_.-]/g, '_')}-${id}.${stream}.log`),
  });
  const exec = async (host: string, req: CommandRequest, opts?: ExecOptions): Promise<CommandResult> => {
    const cfg = configOf(host);
    validateRequest(host, req);
    const conn = await pool.acquire(cfg);
    return runRemoteCommand(conn, contextOf(host), req, opts);
  };

  const batch = async (
    host: string,
    reqs: readonly CommandRequest[],
    opts?: BatchOptions,
  ): Promise<readonly CommandOutcome[]> => {
    const cfg = configOf(host);
    validateBatch(host, reqs);
    const conn = await pool.acquire(cfg);
    return runBatch(conn, contextOf(host), reqs, opts);
  };

  const checkTargets = (targets: readonly string[]): void => {
    // Bad input fails before anything starts: no host is touched when one name is wrong.
    for (const h of targets) configOf(h);
    const dup = targets.find((h, i) => targets.indexOf(h) !== i);
    if (dup !== undefined) throw new SshConfigError(dup, 'listed twice in one fan-out');
  };

  const session: SshSession = {
    exec,
    async fanOut(
      targets: readonly string[],
      req: (host: string) => CommandRequest,
      opts: FanOutOptions = {},
    ): Promise<readonly HostOutcome[]> {
      checkTargets(targets);
      return fanOutHosts(targets, (host) => exec(host, req(host), execOptionsOf(opts)), opts);
    },
    async fanOutSequence(
      targets: readonly string[],
      commands: (host: string) => readonly CommandRequest[],
      opts: FanOutSequenceOptions = {},
    ): Promise<readonly HostSequenceOutcome[]> {
      checkTargets(targets);
      const lists = new Map(targets.map((h) => [h, commands(h)] as const));
      for (const [h, list] of lists) for (const req of list) validateRequest(h, req);
      const execOpts = execOptionsOf(opts);
      if (opts.batch === true) {
        if ((opts.channelsPerHost ?? 1) !== 1)
          throw new RangeError(
            'channelsPerHost must be 1 in batch mode (a batch runs its commands one after the other)',
          );
        for (const [h, list] of lists) validateBatch(h, list);
        const batchOpts = {
          ...execOpts,
          ...(opts.stopOnFailure === undefined ? {} : { stopOnFailure: opts.stopOnFailure }),
        };
        return fanOutBatchHosts(
          targets,
          lists,
          (h, list) => batch(h, list, batchOpts),
          opts,
          (text) => redactor.redact(text),
        );
      }
      return fanOutSequenceHosts(
        targets,
        (h) => lists.get(h) ?? [],
        (h, req) => exec(h, req, execOpts),
        opts,
        (text) => redactor.redact(text),
      );
    },
    runBatch: batch,
    fanOutBatch: (targets, commands, opts = {}) => session.fanOutSequence(targets, commands, { ...opts, batch: true }),
    async upload(host: string, req: UploadRequest): Promise<UploadResult> {
      const conn = await pool.acquire(configOf(host));
      return sftpUpload(conn, { host, clock, newId: () => ids.next(''), exec: (r) => exec(host, r) }, req);
    },
    learnSecret: (value: string) => redactor.learn(value),
    redact: (text: string) => redactor.redact(text),
    close: () => pool.close(),
  };
  return session;
}

/** The per-command options of a fan-out, passed on to each `exec`. */
function execOptionsOf(opts: ExecOptions): ExecOptions {
  return {
    ...(opts.onOutput === undefined ? {} : { onOutput: opts.onOutput }),
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
  };
}

/** Throws `SshConfigError` for a request that cannot run: an empty command or a bad timeout. */
function validateRequest(host: string, req: CommandRequest): void {
  if (typeof req.command !== 'string' || req.command.trim() === '') {
    throw new SshConfigError(host, 'the command is empty');
  }
  if (req.timeoutMs !== undefined && !(Number.isFinite(req.timeoutMs) && req.timeoutMs > 0)) {
    throw new SshConfigError(host, `timeoutMs must be a positive number of milliseconds, got ${req.timeoutMs}`);
  }
}

/** Throws `SshConfigError` for a list that cannot run as one batch (see `run-batch.ts`). */
function validateBatch(host: string, reqs: readonly CommandRequest[]): void {
  let size = 0;
  for (const req of reqs) {
    validateRequest(host, req);
    if (req.stdin !== undefined)
      throw new SshConfigError(host, 'a batch cannot give a command stdin: run that command with exec');
    size += Buffer.byteLength(req.command) + 8;
  }
  if (size > MAX_BATCH_COMMAND_LINE)
    throw new SshConfigError(
      host,
      `the batch's commands take ${size} bytes, more than ${MAX_BATCH_COMMAND_LINE}: split the list`,
    );
}

function indexHosts(list: readonly SshHostConfig[]): Map<string, SshHostConfig> {
  const map = new Map<string, SshHostConfig>();
  for (const cfg of allConfigs(list)) validate(cfg);
  for (const cfg of list) {
    if (map.has(cfg.name)) throw new SshConfigError(cfg.name, 'the host name appears twice');
    map.set(cfg.name, cfg);
  }
  return map;
}

/** The hosts and, recursively, their jump hosts. */
function allConfigs(list: readonly SshHostConfig[]): SshHostConfig[] {
  const out: SshHostConfig[] = [];
  const visit = (cfg: SshHostConfig, depth: number): void => {
    if (depth > 8) throw new SshConfigError(cfg.name, 'jump hosts nest more than 8 deep (a loop?)');
    out.push(cfg);
    if (cfg.jump !== undefined) visit(cfg.jump, depth + 1);
  };
  for (const cfg of list) visit(cfg, 0);
  return out;
}

function validate(cfg: SshHostConfig): void {
  if (typeof cfg.name !== 'string' || cfg.name === '')
    throw new SshConfigError(String(cfg.name), 'the host has no name');
  if (typeof cfg.address !== 'string' || cfg.address === '') throw new SshConfigError(cfg.name, 'address is empty');
  if (!Number.isInteger(cfg.port) || cfg.port < 1 || cfg.port > 65535)
    throw new SshConfigError(cfg.name, `port ${cfg.port} is not 1-65535`);
  if (typeof cfg.user !== 'string' || cfg.user === '') throw new SshConfigError(cfg.name, 'user is empty');
  if (cfg.privateKey === undefined && cfg.password === undefined)
    throw new SshConfigError(cfg.name, 'neither a private key nor a password is given');
  if (cfg.knownHosts === undefined || cfg.knownHosts === '')
    throw new SshConfigError(cfg.name, 'known_hosts is required (host keys are never accepted blindly)');
}
