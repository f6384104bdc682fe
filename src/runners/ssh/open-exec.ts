import type { ClientChannel } from 'ssh2';
import { becomeCommandLine } from './become.ts';
import { killGroupCommand } from './wrap-command.ts';
import type { PooledConnection } from './ssh-connection-pool.ts';
import { SshTransferError, SshUnreachableError } from './ssh-errors.ts';

/** How a command ended, recorded from the moment its channel exists. */
export interface ExitRecord {
  seen: boolean;
  code: number | null;
  signal?: string;
}

/** An exec channel, with its exit status recorded from the start. */
export interface OpenedExec {
  readonly channel: ClientChannel;
  readonly exit: ExitRecord;
}

/**
 * Opens an exec channel running `wrapped`; on a host whose commands become root, through sudo (its password, when
 * it asks for one, is written first and never appears on the command line).
 */
export async function openExec(conn: PooledConnection, host: string, wrapped: string): Promise<OpenedExec> {
  const mode = conn.become === undefined ? undefined : await conn.become();
  const opened = await openChannel(conn, host, mode === undefined ? wrapped : becomeCommandLine(mode, wrapped));
  if (mode?.password !== undefined) opened.channel.write(`${mode.password}\n`);
  return opened;
}

function openChannel(conn: PooledConnection, host: string, wrapped: string): Promise<OpenedExec> {
  return new Promise((resolve, reject) => {
    try {
      conn.client.exec(wrapped, (err, channel) => {
        if (err === undefined || err === null) {
          // Listen now, not after an await: a short command's exit status can arrive in the same read as the
          // channel confirmation, and 'exit' is a plain event that nobody would hear.
          const exit: ExitRecord = { seen: false, code: null };
          channel.on('exit', (code: number | null, sig?: string) => {
            exit.seen = true;
            exit.code = code;
            if (sig !== undefined && sig !== null) exit.signal = sig;
          });
          return resolve({ channel, exit });
        }
        reject(
          conn.isOpen()
            ? new SshTransferError(host, 'opening a command channel', err)
            : new SshUnreachableError(conn.endpoint, 'connection lost', err),
        );
      });
    } catch (e) {
      // ssh2 throws synchronously when the connection is already gone.
      reject(new SshUnreachableError(conn.endpoint, 'connection lost', e));
    }
  });
}

/** Kills a process group over the same connection (bypassing the channel limit: this must get through). */
export async function killGroup(conn: PooledConnection, pgid: number): Promise<boolean> {
  if (!conn.isOpen()) return false;
  try {
    const { channel, exit } = await openExec(conn, conn.endpoint.host, killGroupCommand(pgid));
    return await new Promise<boolean>((resolve) => {
      channel.on('close', () => resolve(exit.code === 0));
      channel.resume();
      channel.stderr.resume();
      channel.end();
    });
  } catch {
    return false;
  }
}
