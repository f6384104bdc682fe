import { describe, expect, it } from 'vitest';
import { describeError } from '../../../../src/core/opsgate-error.ts';
import type { CommandResult } from '../../../../src/core/ports/remote.ts';
import {
  SshAuthFailedError,
  SshChecksumMismatchError,
  SshHostKeyMismatchError,
  SshNonZeroExitError,
  SshTimeoutError,
  SshUnknownHostKeyError,
  SshUnreachableError,
} from '../../../../src/runners/ssh/ssh-errors.ts';

const endpoint = { host: 'redis-a', address: '10.77.0.21', port: 22 };
const out = (text: string): CommandResult['stdout'] => ({
  head: text,
  tail: '',
  totalBytes: text.length,
  truncated: false,
  sha256: 'x',
});

describe('SSH errors', () => {
  it('render as CODE: message naming the host and what to do', () => {
    const e = new SshUnreachableError({ ...endpoint, via: 'paas-1' }, 'connect', new Error('connect ECONNREFUSED'));
    expect(describeError(e)).toBe(
      'SSH_UNREACHABLE: cannot reach redis-a (10.77.0.21:22 via paas-1): connect ECONNREFUSED; check the address, the network path and that sshd runs',
    );
    expect(e.retryable).toBe(true);
    expect(e.fields).toMatchObject({ host: 'redis-a', via: 'paas-1', phase: 'connect' });
  });

  it('marks credential and host key problems as not retryable', () => {
    expect(new SshAuthFailedError(endpoint, 'root', ['password']).retryable).toBe(false);
    expect(new SshHostKeyMismatchError(endpoint, 'SHA256:new', ['SHA256:old']).retryable).toBe(false);
    expect(new SshUnknownHostKeyError(endpoint, 'SHA256:new').retryable).toBe(false);
    expect(new SshTimeoutError('redis-a', 'sleep 99', 1000, true).retryable).toBe(false);
  });

  it('show both fingerprints on a host key mismatch', () => {
    const e = new SshHostKeyMismatchError(endpoint, 'SHA256:new', ['SHA256:old']);
    expect(describeError(e)).toMatch(
      /^SSH_HOST_KEY_MISMATCH: host key of redis-a .* is SHA256:new, known_hosts expects SHA256:old/,
    );
  });

  it('show the exit code, the command and the last stderr lines of a failed check', () => {
    const result: CommandResult = {
      host: 'redis-a',
      command: 'redis-cli -a *** ping',
      exitCode: 1,
      stdout: out(''),
      stderr: out('warning\nAUTH failed: WRONGPASS\n'),
      startedAt: 0,
      durationMs: 5,
    };
    const e = new SshNonZeroExitError(result);
    expect(describeError(e)).toBe(
      'SSH_NON_ZERO_EXIT: redis-a: command exited 1: redis-cli -a *** ping: warning | AUTH failed: WRONGPASS',
    );
    expect(e.result).toBe(result);
  });

  it('say a command was killed by a signal', () => {
    const result: CommandResult = {
      host: 'h',
      command: 'c',
      exitCode: null,
      signal: 'SIGKILL',
      stdout: out(''),
      stderr: out(''),
      startedAt: 0,
      durationMs: 1,
    };
    expect(new SshNonZeroExitError(result).message).toBe('h: command was killed by SIGKILL: c');
  });

  it('tell a corrupted transfer (retryable) from a wrong local file (not retryable)', () => {
    const corrupted = new SshChecksumMismatchError('fdfs-1', '/app/x.tgz', 'aa', 'bb', 'aa');
    const wrongFile = new SshChecksumMismatchError('fdfs-1', '/app/x.tgz', 'aa', 'bb', 'cc');
    expect(corrupted.retryable).toBe(true);
    expect(corrupted.message).toContain('the transfer corrupted it');
    expect(wrongFile.retryable).toBe(false);
    expect(wrongFile.message).toContain('the local file is not the expected one');
  });
});
