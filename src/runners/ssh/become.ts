import type { Client } from 'ssh2';
import { shellQuote } from '../../core/shell-quote.ts';
import { SshBecomeError, SshUnreachableError, type SshEndpoint } from './ssh-errors.ts';
import type { BecomeConfig } from './ssh-host-config.ts';

/**
 * Running commands as root after logging in as an unprivileged user, with sudo (sudo(8)):
 * - `sudo -n` when the host lets the user run a shell as root without a password, else `sudo -S -k -p ''` with the
 *   password as the first line of the channel's stdin (sudo reads it byte by byte up to the newline, so the rest of
 *   stdin reaches the command); `-k` makes sudo ask for it every time, so it never flows on into the command.
 * - The command runs in root's login shell from the password database (as a root login would run it), or /bin/sh
 *   when root has none that can run commands.
 * How a host answers is probed once per connection, on its first command: a failure names the host, the user and
 * sudo's own message before anything is sent.
 */

/** How a connection's commands become root, as the host's sudo answered the probe. */
export interface BecomeMode {
  /** Written to stdin ahead of everything else, when sudo asks for the password. */
  readonly password?: string;
  /** Root's login shell on the host. */
  readonly shell: string;
  /** Where uploads wait before sudo moves them into place; absent: `.opsgate-staging` in the login home. */
  readonly stagingDir?: string;
}

/** The command line sent to sshd to run `command` (a shell script) as root. */
export function becomeCommandLine(mode: BecomeMode, command: string): string {
  const sudo = mode.password === undefined ? 'sudo -n' : "sudo -S -k -p ''";
  return `${sudo} -- ${mode.shell} -c ${shellQuote(command)}`;
}

/** How long the probe may take (sudo may consult a directory service). */
const PROBE_TIMEOUT_MS = 30_000;
/** The probe prints root's login shell. */
const PROBE = "getent passwd 0 | cut -d: -f7; echo 'opsgate become ok'";

/**
 * Finds out how `user` becomes root on the host: without a password, else with `cfg.password`. Throws
 * `SshBecomeError` (naming host, user and what sudo said) when neither works.
 */
export async function probeBecome(
  client: Client,
  endpoint: SshEndpoint,
  user: string,
  cfg: BecomeConfig,
): Promise<BecomeMode> {
  if (cfg.password !== undefined && /[\n\r\0]/.test(cfg.password))
    throw new SshBecomeError(endpoint, user, 'the become password has a line break', 'sudo reads one line');
  const staging = cfg.stagingDir === undefined ? {} : { stagingDir: cfg.stagingDir };
  const probe = `/bin/sh -c ${shellQuote(PROBE)}`;
  const free = await runRaw(client, endpoint, user, `sudo -n -- ${probe}`);
  if (answered(free)) return { shell: loginShell(free.stdout), ...staging };
  if (cfg.password === undefined) throw becomeError(endpoint, user, free, false);
  const asked = await runRaw(client, endpoint, user, `sudo -S -k -p '' -- ${probe}`, `${cfg.password}\n`);
  if (answered(asked)) return { shell: loginShell(asked.stdout), password: cfg.password, ...staging };
  throw becomeError(endpoint, user, asked, true);
}

interface RawResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function answered(r: RawResult): boolean {
  return r.code === 0 && r.stdout.includes('opsgate become ok');
}

/** Root's shell from the probe, when it is an absolute path that can run commands; else /bin/sh. */
function loginShell(stdout: string): string {
  const shell = stdout.split('\n')[0]?.trim() ?? '';
  if (!/^\/[A-Za-z0-9._/-]+$/.test(shell) || /\/(nologin|false)$/.test(shell)) return '/bin/sh';
  return shell;
}

function becomeError(endpoint: SshEndpoint, user: string, r: RawResult, gavePassword: boolean): SshBecomeError {
  const said = r.stderr.trim().split('\n').slice(-2).join(' | ').slice(0, 300);
  const message = said === '' ? `sudo exited ${r.code ?? 'by a signal'}` : `"${said}"`;
  return new SshBecomeError(endpoint, user, message, hintFor(r, said, gavePassword));
}

function hintFor(r: RawResult, said: string, gavePassword: boolean): string {
  if (r.code === 127 || /sudo: (command )?not found|No such file/.test(said))
    return 'sudo is not installed on the host';
  if (/a password is required/.test(said) && !gavePassword)
    return 'the site file gives no become password for this host (ssh.become.password, or the host’s become)';
  if (/incorrect password|try again|no password was provided/i.test(said))
    return 'the become password in the site’s secrets is not this user’s password on the host';
  if (/tty|terminal/.test(said)) return 'the host’s sudoers wants a terminal (requiretty): allow this user without one';
  if (/not in the sudoers|not allowed to execute|may not run sudo/.test(said))
    return 'the host’s sudoers must let this user run a shell as root';
  return 'check sudo on the host';
}

/** Runs one command outside any wrapper (the probe), output capped; throws only when the connection fails. */
function runRaw(
  client: Client,
  endpoint: SshEndpoint,
  user: string,
  command: string,
  stdin?: string,
): Promise<RawResult> {
  const cap = 64 * 1024;
  return new Promise((resolve, reject) => {
    try {
      client.exec(command, (err, channel) => {
        if (err !== undefined && err !== null) {
          reject(new SshUnreachableError(endpoint, 'connection lost', err));
          return;
        }
        let stdout = '';
        let stderr = '';
        let code: number | null = null;
        const timer = setTimeout(() => {
          channel.close();
          reject(
            new SshBecomeError(
              endpoint,
              user,
              `sudo did not answer within ${PROBE_TIMEOUT_MS / 1000} s`,
              'check sudo on the host',
            ),
          );
        }, PROBE_TIMEOUT_MS);
        channel.on('data', (d: Buffer) => {
          if (stdout.length < cap) stdout += d.toString('utf8');
        });
        channel.stderr.on('data', (d: Buffer) => {
          if (stderr.length < cap) stderr += d.toString('utf8');
        });
        channel.on('exit', (c: number | null) => {
          code = c;
        });
        channel.on('close', () => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
        channel.end(stdin);
      });
    } catch (e) {
      reject(new SshUnreachableError(endpoint, 'connection lost', e));
    }
  });
}
