import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/**
 * Throwaway redis-server and Sentinel processes for the TLS and Sentinel tests: private ports, a temp dir,
 * a random password, all removed by `stop()`.
 */

/** A free TCP port on 127.0.0.1 (bound then released: a small race, acceptable on a test machine). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export const randomSecret = (): string => randomBytes(12).toString('hex');

/** A temp dir removed with everything started in it. */
export function tempDir(what: string): { readonly dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `opsgate-${what}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function openssl(dir: string, args: readonly string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args[0] ?? ''} failed: ${r.stderr}`);
}

/** A CA and a server certificate for 127.0.0.1/localhost signed by it, as file paths under `dir`. */
export function makeCertificates(
  dir: string,
  name: string,
): { readonly ca: string; readonly cert: string; readonly key: string } {
  const f = (s: string) => join(dir, `${name}-${s}`);
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-days',
    '1',
    '-subj',
    `/CN=opsgate test CA ${name}`,
  ]);
  openssl(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('server.key'),
    '-out',
    f('server.csr'),
    '-subj',
    '/CN=localhost',
  ]);
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('server.pem'),
    '-days',
    '1',
    '-extfile',
    f('ext.cnf'),
  ]);
  return { ca: f('ca.pem'), cert: f('server.pem'), key: f('server.key') };
}

/** A started redis-server (or Sentinel) process. */
export interface RedisProcess {
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts `redis-server <args>` (a config file or flags) and waits until `ready` answers. */
export async function startRedisProcess(
  args: readonly string[],
  port: number,
  ready: () => Promise<void>,
): Promise<RedisProcess> {
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await gone;
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited: ${out}`);
    try {
      await ready();
      return { port, stop };
    } catch (e) {
      if (i >= 100) {
        await stop();
        throw new Error(`redis-server on port ${port} not ready: ${String(e)}\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** PINGs a server once (plain unless `tls` is given), with the password; throws when it does not answer. */
export async function pingOnce(port: number, password?: string, tls?: { readonly ca: string }): Promise<void> {
  const r = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    ...(password ? { password } : {}),
    ...(tls ? { tls } : {}),
  });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
  } finally {
    r.disconnect();
  }
}

export const throwawayFlags = (dir: string): string[] => [
  '--dir',
  dir,
  '--save',
  '',
  '--appendonly',
  'no',
  '--maxmemory-policy',
  'noeviction',
  '--bind',
  '127.0.0.1',
];

/** A Sentinel (`redis-server <conf> --sentinel`) monitoring `name` at 127.0.0.1:`masterPort`, quick to act. */
export async function startSentinel(
  dir: string,
  opts: {
    readonly name: string;
    readonly masterPort: number;
    readonly masterPassword: string;
    readonly password: string;
  },
): Promise<RedisProcess> {
  const port = await freePort();
  const conf = join(dir, `sentinel-${port}.conf`);
  // Sentinel rewrites its own config file: it must be a writable file of its own.
  writeFileSync(
    conf,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `requirepass ${opts.password}`,
      `sentinel monitor ${opts.name} 127.0.0.1 ${opts.masterPort} 1`,
      `sentinel auth-pass ${opts.name} ${opts.masterPassword}`,
      `sentinel down-after-milliseconds ${opts.name} 1000`,
      `sentinel failover-timeout ${opts.name} 5000`,
      '',
    ].join('\n'),
  );
  return startRedisProcess([conf, '--sentinel'], port, () => pingOnce(port, opts.password));
}
