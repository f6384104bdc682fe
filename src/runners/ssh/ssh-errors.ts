import { OpsgateError } from '../../core/opsgate-error.ts';
import type { CommandResult } from '../../core/ports/remote.ts';

/**
 * The coded errors of the SSH runner. Each names the host (by its site-file name) and carries structured
 * fields; none holds a secret (commands and output in them are already redacted by the session).
 */

/** Where a host was dialled: its address, and the jump host in between when there is one. */
export interface SshEndpoint {
  readonly host: string;
  readonly address: string;
  readonly port: number;
  readonly via?: string;
}

function at(e: SshEndpoint): string {
  return `${e.host} (${e.address}:${e.port}${e.via === undefined ? '' : ` via ${e.via}`})`;
}

function causeText(cause: unknown): string {
  return cause instanceof Error ? `: ${cause.message}` : '';
}

/** The host did not answer, refused, or the connection dropped. Retryable: networks come back. */
export class SshUnreachableError extends OpsgateError {
  readonly code = 'SSH_UNREACHABLE';
  constructor(
    readonly endpoint: SshEndpoint,
    readonly phase: 'connect' | 'connection lost',
    cause?: unknown,
  ) {
    super(
      phase === 'connect'
        ? `cannot reach ${at(endpoint)}${causeText(cause)}; check the address, the network path and that sshd runs`
        : `connection to ${at(endpoint)} dropped${causeText(cause)}; the command may or may not have finished`,
      { retryable: true, fields: { ...endpoint, phase }, cause },
    );
  }
}

/** The host rejected every credential we offered. Not retryable: the credentials must change. */
export class SshAuthFailedError extends OpsgateError {
  readonly code = 'SSH_AUTH_FAILED';
  constructor(
    readonly endpoint: SshEndpoint,
    readonly user: string,
    readonly methods: readonly string[],
    cause?: unknown,
  ) {
    super(
      `${at(endpoint)} rejected ${user}'s credentials (tried: ${methods.join(', ') || 'none'}); check the key or password in the site's secrets`,
      {
        fields: { ...endpoint, user, methods },
        cause,
      },
    );
  }
}

/** The host presented a key other than the one known_hosts holds: possibly a man in the middle. */
export class SshHostKeyMismatchError extends OpsgateError {
  readonly code = 'SSH_HOST_KEY_MISMATCH';
  constructor(
    readonly endpoint: SshEndpoint,
    readonly presented: string,
    readonly expected: readonly string[],
  ) {
    super(
      `host key of ${at(endpoint)} is ${presented}, known_hosts expects ${expected.join(' or ')}: refusing to connect (verify the host, then update known_hosts)`,
      { fields: { ...endpoint, presented, expected } },
    );
  }
}

/** known_hosts has no key for the host: we never accept a key blindly. */
export class SshUnknownHostKeyError extends OpsgateError {
  readonly code = 'SSH_HOST_KEY_UNKNOWN';
  constructor(
    readonly endpoint: SshEndpoint,
    readonly presented: string,
  ) {
    super(`no known_hosts entry for ${at(endpoint)} (it presented ${presented}); add its verified key to known_hosts`, {
      fields: { ...endpoint, presented },
    });
  }
}

/**
 * The login user could not become root with sudo on the host (no sudo, not in sudoers, a password the site file
 * does not give or a wrong one, a sudoers that wants a terminal). Raised before the command is sent, so nothing ran;
 * not retryable: the host's sudoers or the site file must change.
 */
export class SshBecomeError extends OpsgateError {
  readonly code = 'SSH_BECOME_FAILED';
  constructor(
    readonly endpoint: SshEndpoint,
    readonly user: string,
    readonly sudoMessage: string,
    readonly hint: string,
  ) {
    super(`${at(endpoint)}: ${user} cannot run commands as root with sudo: ${sudoMessage}; ${hint}; nothing was run`, {
      fields: { ...endpoint, user, sudoMessage },
    });
  }
}

/**
 * A command ran past its timeout and was killed with its whole process group. Not retryable on its own:
 * it may have done part of its work, so a human decides.
 */
export class SshTimeoutError extends OpsgateError {
  readonly code = 'SSH_TIMEOUT';
  constructor(
    readonly host: string,
    readonly command: string,
    readonly timeoutMs: number,
    readonly killed: boolean,
  ) {
    super(
      `${host}: command timed out after ${timeoutMs} ms${killed ? ' and was killed' : ' (could not confirm the kill)'}: ${command}`,
      {
        fields: { host, command, timeoutMs, killed },
      },
    );
  }
}

/** The caller aborted a command: it was killed with its process group, or never started. */
export class SshCommandAbortedError extends OpsgateError {
  readonly code = 'SSH_ABORTED';
  constructor(
    readonly host: string,
    readonly command: string,
    readonly killed: boolean | 'not started',
  ) {
    const what =
      killed === 'not started' ? 'before it started' : killed ? 'and killed' : '(could not confirm the kill)';
    super(`${host}: command aborted ${what}: ${command}`, { fields: { host, command, killed } });
  }
}

/** A command run with `check` ended with a non-zero exit or a signal; `result` holds its (redacted) output. */
export class SshNonZeroExitError extends OpsgateError {
  readonly code = 'SSH_NON_ZERO_EXIT';
  constructor(readonly result: CommandResult) {
    const { host, command, exitCode, signal } = result;
    const stderrTail = (result.stderr.tail || result.stderr.head).slice(-500);
    const how =
      exitCode === null || signal !== undefined ? `was killed by ${signal ?? 'a signal'}` : `exited ${exitCode}`;
    const why = stderrTail.trim() === '' ? '' : `: ${lastLines(stderrTail, 3)}`;
    super(`${host}: command ${how}: ${command}${why}`, { fields: { host, command, exitCode, signal, stderrTail } });
  }
}

/** The file on the host does not have the expected sha256 after an upload; the bad copy was removed. */
export class SshChecksumMismatchError extends OpsgateError {
  readonly code = 'SSH_CHECKSUM_MISMATCH';
  constructor(
    readonly host: string,
    readonly remotePath: string,
    readonly expected: string,
    readonly actual: string,
    readonly localSha256: string,
  ) {
    const hint =
      localSha256 === expected ? 'the transfer corrupted it; retry' : 'the local file is not the expected one';
    super(`${host}:${remotePath} has sha256 ${actual}, expected ${expected} (${hint}); the uploaded copy was removed`, {
      retryable: localSha256 === expected,
      fields: { host, remotePath, expected, actual, localSha256 },
    });
  }
}

/** An SFTP or channel failure that is neither auth nor reachability (e.g. no such directory, no space). */
export class SshTransferError extends OpsgateError {
  readonly code = 'SSH_TRANSFER_FAILED';
  constructor(
    readonly host: string,
    readonly what: string,
    cause?: unknown,
  ) {
    super(`${host}: ${what} failed${causeText(cause)}`, { fields: { host, what }, cause });
  }
}

/** A host name that the session was not configured with (a bug in the caller or a stale site file). */
export class SshHostNotConfiguredError extends OpsgateError {
  readonly code = 'SSH_HOST_NOT_CONFIGURED';
  constructor(
    readonly host: string,
    readonly known: readonly string[],
  ) {
    super(`host ${JSON.stringify(host)} is not in this session (known: ${known.join(', ') || 'none'})`, {
      fields: { host, known },
    });
  }
}

/** A host configuration that cannot work (no credential, bad port, unreadable known_hosts …). */
export class SshConfigError extends OpsgateError {
  readonly code = 'SSH_CONFIG_INVALID';
  constructor(
    readonly host: string,
    readonly problem: string,
    cause?: unknown,
  ) {
    super(`ssh config for ${host}: ${problem}`, { fields: { host, problem }, cause });
  }
}

function lastLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join(' | ');
}

/**
 * A batch (one channel running a host's list of commands) ended before `command` finished: the connection
 * dropped, the driver was killed, or the host cannot run the driver. The commands after it did not run.
 * Not retryable on its own: `command` may have done part of its work.
 */
export class SshBatchInterruptedError extends OpsgateError {
  readonly code = 'SSH_BATCH_INTERRUPTED';
  constructor(
    readonly host: string,
    readonly command: string,
    readonly index: number,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`${host}: batch interrupted at command ${index} (${reason}): ${command}`, {
      fields: { host, command, index, reason },
      cause,
    });
  }
}

/** The host's answer to a batch does not follow the batch protocol (a broken driver or a host answering nonsense). */
export class SshBatchProtocolError extends OpsgateError {
  readonly code = 'SSH_BATCH_PROTOCOL';
  constructor(
    readonly host: string,
    readonly command: string,
    readonly index: number,
    readonly problem: string,
  ) {
    super(`${host}: batch answer broke the protocol at command ${index} (${problem}): ${command}`, {
      fields: { host, command, index, problem },
    });
  }
}
