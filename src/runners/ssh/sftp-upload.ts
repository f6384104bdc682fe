import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, posix } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SFTPWrapper } from 'ssh2';
import type { Clock } from '../../core/ports/clock.ts';
import type { CommandRequest, CommandResult, UploadRequest, UploadResult } from '../../core/ports/remote.ts';
import { sh } from '../../core/shell-quote.ts';
import type { BecomeMode } from './become.ts';
import type { PooledConnection } from './ssh-connection-pool.ts';
import { SshChecksumMismatchError, SshConfigError, SshTransferError } from './ssh-errors.ts';

/** What an upload needs from its session. */
export interface UploadContext {
  readonly host: string;
  readonly clock: Clock;
  readonly newId: () => string;
  /** Runs a command on the same host (over the same connection). */
  readonly exec: (req: CommandRequest) => Promise<CommandResult>;
}

/**
 * Uploads a file by SFTP to a temporary name beside the target, checks `sha256sum` of it on the host, and only
 * then renames it into place; a mismatch removes the temporary copy and throws, so the target path never holds
 * a bad file.
 */
export async function sftpUpload(
  conn: PooledConnection,
  ctx: UploadContext,
  req: UploadRequest,
): Promise<UploadResult> {
  const { host } = ctx;
  if (!posix.isAbsolute(req.remotePath) || req.remotePath.endsWith('/')) {
    throw new SshConfigError(
      host,
      `upload target must be an absolute file path, got ${JSON.stringify(req.remotePath)}`,
    );
  }
  if (req.sha256 !== undefined && !/^[0-9a-f]{64}$/.test(req.sha256)) {
    throw new SshConfigError(host, `expected sha256 for ${req.remotePath} is not 64 lowercase hex digits`);
  }
  const size = await stat(req.localPath).then(
    (s) => s.size,
    (e: unknown) => {
      throw new SshConfigError(host, `cannot read local file ${req.localPath}`, e);
    },
  );
  const startedAt = ctx.clock.now();
  const temp = posix.join(posix.dirname(req.remotePath), `.${basename(req.remotePath)}.opsgate-upload-${ctx.newId()}`);
  const hash = createHash('sha256');
  const become = conn.become === undefined ? undefined : await conn.become();
  let staged: string | undefined;
  const removeTemp = (): Promise<unknown> =>
    ctx
      .exec({ command: sh`rm -f -- ${staged === undefined ? [temp] : [staged, temp]}`, timeoutMs: 30_000 })
      .catch(() => undefined);
  let actual: string;
  try {
    if (become === undefined) await conn.channels.run(() => sendFile(conn, host, req, () => temp, hash));
    else {
      // The login user cannot write root's paths: the file waits in its staging directory, then root moves it.
      // `staged` is known before a byte is sent, so that a failed transfer's partial copy is removed too.
      const path = await conn.channels.run(() =>
        sendFile(conn, host, req, async (sftp) => (staged = await stagingPath(sftp, host, become, temp)), hash),
      );
      const mode = (req.mode ?? 0o644).toString(8);
      await ctx.exec({
        command: sh`mv -f -- ${path} ${temp} && chown 0:0 -- ${temp} && chmod ${mode} -- ${temp}`,
        check: true,
        timeoutMs: 300_000,
      });
    }
    const sum = await ctx.exec({ command: sh`sha256sum -- ${temp}`, check: true, timeoutMs: 300_000 });
    actual = (sum.stdout.head.split(/\s/)[0] ?? '').toLowerCase();
  } catch (e) {
    // Nothing half-done: no partial file is left beside the target (nor in the staging directory).
    await removeTemp();
    throw e;
  }
  const localSha256 = hash.digest('hex');
  const expected = req.sha256 ?? localSha256;
  if (actual !== expected) {
    await removeTemp();
    throw new SshChecksumMismatchError(host, req.remotePath, expected, actual, localSha256);
  }
  try {
    await ctx.exec({ command: sh`mv -f -- ${temp} ${req.remotePath}`, check: true, timeoutMs: 60_000 });
  } catch (e) {
    await removeTemp();
    throw e;
  }
  return { host, remotePath: req.remotePath, bytes: size, sha256: actual, durationMs: ctx.clock.now() - startedAt };
}

/** Sends the file by SFTP to the path `where` gives (once SFTP is open); returns that path. */
async function sendFile(
  conn: PooledConnection,
  host: string,
  req: UploadRequest,
  where: (sftp: SFTPWrapper) => string | Promise<string>,
  hash: Hash,
): Promise<string> {
  const sftp = await openSftp(conn, host);
  try {
    const temp = await where(sftp);
    const hashing = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const target = sftp.createWriteStream(temp, { mode: req.mode ?? 0o644 });
    await pipeline(createReadStream(req.localPath), hashing, target).catch((e: unknown) => {
      throw new SshTransferError(host, `SFTP upload to ${req.remotePath}`, e);
    });
    if (req.mode !== undefined) await sftpChmod(sftp, temp, req.mode, host);
    return temp;
  } finally {
    sftp.end();
  }
}

/**
 * The staged copy's path: in the site's staging directory, else `.opsgate-staging` in the login user's home (made,
 * private to the user, when missing).
 */
async function stagingPath(sftp: SFTPWrapper, host: string, become: BecomeMode, temp: string): Promise<string> {
  const dir =
    become.stagingDir ?? posix.join(await sftpCall<string>((cb) => sftp.realpath('.', cb)), '.opsgate-staging');
  await sftpCall<void>((cb) => sftp.mkdir(dir, { mode: 0o700 }, cb)).catch(async (e: unknown) => {
    // It exists already (SFTP reports that as a plain failure): fine when it is a directory.
    const isDir = await sftpCall<{ isDirectory(): boolean }>((cb) => sftp.stat(dir, cb)).then(
      (st) => st.isDirectory(),
      () => false,
    );
    if (!isDir) throw new SshTransferError(host, `making the staging directory ${dir}`, e);
  });
  return posix.join(dir, basename(temp));
}

function sftpCall<T>(call: (cb: (err: Error | null | undefined, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    call((err, value) => (err ? reject(err) : resolve(value)));
  });
}

function openSftp(conn: PooledConnection, host: string): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    conn.client.sftp((err, sftp) => (err ? reject(new SshTransferError(host, 'opening SFTP', err)) : resolve(sftp)));
  });
}

function sftpChmod(sftp: SFTPWrapper, path: string, mode: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    sftp.chmod(path, mode, (err) =>
      err ? reject(new SshTransferError(host, `chmod ${mode.toString(8)} ${path}`, err)) : resolve(),
    );
  });
}
