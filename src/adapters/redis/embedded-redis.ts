import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { join, resolve as absolutePath } from 'node:path';
import { OpsgateError } from '../../core/opsgate-error.ts';

/** The embedded redis-server could not be started (not installed, socket path too long, it died at start …). */
export class EmbeddedRedisError extends OpsgateError {
  readonly code = 'EMBEDDED_REDIS_FAILED';
  constructor(
    readonly dir: string,
    readonly problem: string,
    cause?: unknown,
  ) {
    super(`embedded Redis in ${dir}: ${problem}`, { fields: { dir, problem }, cause });
  }
}

/** A running embedded Redis. */
export interface EmbeddedRedis {
  /** The unix socket to connect to (ioredis `{ path }`). */
  readonly socketPath: string;
  /** The server's directory: AOF files, pid file, log. */
  readonly dir: string;
  /** False when another live opsgate process runs this server: `stop` then leaves it alone. */
  readonly owned: boolean;
  readonly pid: number | undefined;
  /** Stops the server if this process started it (a clean SHUTDOWN: the AOF is flushed). Safe to call twice. */
  stop(): Promise<void>;
}

export interface EmbeddedRedisOptions {
  /** Where the server lives: `<stateDir>/redis/`. */
  readonly stateDir: string;
  /** The redis-server executable (default `redis-server` from PATH). */
  readonly serverBin?: string;
  /** How long to wait for the server to answer (default 10 s). */
  readonly startTimeoutMs?: number;
}

/** Unix socket paths are limited to 108 bytes on Linux (104 on some systems). */
const MAX_SOCKET_PATH = 100;

/**
 * Starts opsgate's own redis-server on a private unix socket under `<stateDir>/redis/` (no TCP port), with
 * persistence on (`appendonly yes`) and `maxmemory-policy noeviction`, and waits until it answers PING.
 * A server another live opsgate process started there is shared (and left running on `stop`); one whose
 * starter was killed is taken over (and stopped on `stop`); a socket or pid file left by a crashed server is
 * removed first.
 */
export async function startEmbeddedRedis(opts: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  // Absolute: redis-server changes into its `dir` first, and a relative log, pid or socket path would then miss.
  const dir = absolutePath(opts.stateDir, 'redis');
  const socketPath = join(dir, 'redis.sock');
  const pidFile = join(dir, 'redis.pid');
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    throw new EmbeddedRedisError(
      dir,
      `the socket path ${socketPath} is longer than ${MAX_SOCKET_PATH} bytes; set OPSGATE_STATE_DIR to a shorter directory`,
    );
  }
  await mkdir(join(dir, 'data'), { recursive: true, mode: 0o700 });
  // Two commands starting at once would both see no server, clear the socket and start two servers on one AOF:
  // starting is serialised by a lock file, so the second one finds the first one's server and shares it.
  return withStartLock(join(dir, 'start.lock'), opts.startTimeoutMs ?? 10_000, () =>
    startLocked(opts, dir, socketPath, pidFile),
  );
}

async function startLocked(
  opts: EmbeddedRedisOptions,
  dir: string,
  socketPath: string,
  pidFile: string,
): Promise<EmbeddedRedis> {
  const ownerFile = join(dir, 'owner.pid');
  const previousPid = await readPid(pidFile);
  if (previousPid !== undefined && isAlive(previousPid) && (await answersPing(socketPath))) {
    const owner = await readPid(ownerFile);
    if (owner !== undefined && isAlive(owner)) {
      return { socketPath, dir, owned: false, pid: previousPid, stop: async () => {} };
    }
    // The process that started it died without stopping it (killed): this one takes it over and stops it.
    await writeFile(ownerFile, `${process.pid}\n`, { mode: 0o600 });
    let stopped: Promise<void> | undefined;
    return { socketPath, dir, owned: true, pid: previousPid, stop: () => (stopped ??= stopPid(previousPid)) };
  }
  // Whatever is there is left over from a run that did not stop cleanly: redis-server refuses a stale socket.
  await Promise.all([rm(socketPath, { force: true }), rm(pidFile, { force: true })]);
  const child = spawn(opts.serverBin ?? 'redis-server', serverArgs(dir, socketPath, pidFile), { stdio: 'ignore' });
  const exited = new Promise<string>((resolve) => {
    child.once('error', (e) => resolve(e.message));
    child.once('exit', (code, signal) => resolve(`redis-server exited (${signal ?? `code ${code}`})`));
  });
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopped ??= stopChild(child, exited));
  try {
    await waitUntilAnswering(socketPath, exited, opts.startTimeoutMs ?? 10_000);
  } catch (e) {
    await stop();
    const log = await readFile(join(dir, 'redis.log'), 'utf8').catch(() => '');
    const tail = log.trim().split('\n').slice(-3).join(' | ');
    throw new EmbeddedRedisError(dir, `${(e as Error).message}${tail ? `; its log ends: ${tail}` : ''}`, e);
  }
  await writeFile(ownerFile, `${process.pid}\n`, { mode: 0o600 });
  return { socketPath, dir, owned: true, pid: child.pid, stop };
}

function serverArgs(dir: string, socketPath: string, pidFile: string): string[] {
  return [
    '--port',
    '0',
    '--unixsocket',
    socketPath,
    '--unixsocketperm',
    '700',
    '--dir',
    join(dir, 'data'),
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    'noeviction',
    '--pidfile',
    pidFile,
    '--logfile',
    join(dir, 'redis.log'),
    '--daemonize',
    'no',
  ];
}

async function waitUntilAnswering(socketPath: string, exited: Promise<string>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone: string | undefined;
  void exited.then((why) => (gone = why));
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(gone);
    if (await answersPing(socketPath)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no answer on ${socketPath} after ${timeoutMs} ms`);
}

async function stopChild(child: ChildProcess, exited: Promise<string>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // SIGTERM makes redis-server shut down cleanly: it fsyncs the AOF and removes its socket and pid file.
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function stopPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 200 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

/** True when a Redis answers PING on the socket within a second. */
export function answersPing(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ path: socketPath });
    let data = '';
    const done = (v: boolean): void => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      data += d.toString();
      if (data.includes('\r\n')) done(data.startsWith('+PONG'));
    });
  });
}

async function readPid(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs `fn` holding an exclusive lock file (its holder's pid inside); a lock whose holder died is broken. */
async function withStartLock<T>(lockFile: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs * 2;
  for (;;) {
    try {
      const fh = await open(lockFile, 'wx', 0o600);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = await readPid(lockFile);
      if (holder !== undefined && !isAlive(holder)) await rm(lockFile, { force: true });
      else if (Date.now() > deadline)
        throw new EmbeddedRedisError(
          lockFile,
          `another process (pid ${holder ?? '?'}) has been starting the embedded Redis for too long`,
        );
      else await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockFile, { force: true });
  }
}
