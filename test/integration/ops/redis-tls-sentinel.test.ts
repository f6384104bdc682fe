import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, roundTrip } from './redis-runtime.ts';
import {
  freePort,
  makeCertificates,
  pingOnce,
  randomSecret,
  startRedisProcess,
  startSentinel,
  tempDir,
  throwawayFlags,
  type RedisProcess,
} from './redis-servers.ts';

describe('Redis over TLS (rediss://) with a password and a private CA', () => {
  // Made in beforeAll: a suite skipped by a filter runs no afterAll to remove it.
  let tmp: ReturnType<typeof tempDir>;
  const password = randomSecret();
  let server: RedisProcess;
  let certs: ReturnType<typeof makeCertificates>;
  let otherCa: string;

  beforeAll(async () => {
    tmp = tempDir('redis-tls');
    certs = makeCertificates(tmp.dir, 'good');
    otherCa = makeCertificates(tmp.dir, 'other').ca;
    const port = await freePort();
    const args = [
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--tls-cert-file',
      certs.cert,
      '--tls-key-file',
      certs.key,
      '--tls-ca-cert-file',
      certs.ca,
      '--tls-auth-clients',
      'no',
      '--requirepass',
      password,
      ...throwawayFlags(tmp.dir),
    ];
    server = await startRedisProcess(args, port, () =>
      pingOnce(port, password, { ca: readFileSync(certs.ca, 'utf8') }),
    );
  });
  afterAll(async () => {
    await server?.stop();
    tmp?.remove();
  });

  it('runs the engine stores and a BullMQ job round trip with REDIS_URL=rediss://… and REDIS_TLS_CA_FILE', async () => {
    const rt = await openTestRuntime({
      REDIS_URL: `rediss://:${password}@127.0.0.1:${server.port}`,
      REDIS_TLS_CA_FILE: certs.ca,
    });
    try {
      expect(rt.redisWhere).toBe(`Redis at rediss://127.0.0.1:${server.port}`);
      const r = await roundTrip(rt, 'tls');
      expect(r.ping).toBe('PONG');
      expect(r.cursor).toBe('42-0');
      expect(r.job.stepId).toBe('step-1');
    } finally {
      await rt.dispose();
    }
  });

  it('refuses a server whose certificate the configured CA did not sign', async () => {
    const e = await openTestRuntime({
      REDIS_URL: `rediss://:${password}@127.0.0.1:${server.port}`,
      REDIS_TLS_CA_FILE: otherCa,
    }).then(
      async (rt) => (await rt.dispose(), undefined),
      (x: unknown) => x,
    );
    expect(e).toMatchObject({ code: 'REDIS_CONNECT_FAILED' });
    expect(String(e)).toMatch(/cannot connect to Redis at rediss:\/\/127\.0\.0\.1:\d+: .*certificate/);
    expect(String(e)).not.toContain(password);
  });

  it('gives an auth error without the password when the password is wrong', async () => {
    const wrong = randomSecret();
    const e = await openTestRuntime({
      REDIS_URL: `rediss://:${wrong}@127.0.0.1:${server.port}`,
      REDIS_TLS_CA_FILE: certs.ca,
    }).then(
      async (rt) => (await rt.dispose(), undefined),
      (x: unknown) => x,
    );
    expect(e).toMatchObject({ code: 'REDIS_CONNECT_FAILED' });
    expect(String(e)).toMatch(/WRONGPASS/);
    expect(String(e)).not.toContain(wrong);
  });
});

describe('Redis through Sentinel (REDIS_SENTINELS, REDIS_SENTINEL_NAME, passwords)', () => {
  // Made in beforeAll: a suite skipped by a filter runs no afterAll to remove it.
  let tmp: ReturnType<typeof tempDir>;
  const password = randomSecret();
  const sentinelPassword = randomSecret();
  const name = 'opsgate-test';
  const servers: RedisProcess[] = [];
  let master: RedisProcess;
  let replica: RedisProcess;
  let sentinel: RedisProcess;

  const server = async (extra: readonly string[]) => {
    const port = await freePort();
    const dir = join(tmp.dir, String(port));
    mkdirSync(dir);
    const p = await startRedisProcess(
      ['--port', String(port), '--requirepass', password, '--masterauth', password, ...throwawayFlags(dir), ...extra],
      port,
      () => pingOnce(port, password),
    );
    servers.push(p);
    return p;
  };
  const askSentinel = async <T>(f: (s: Redis) => Promise<T>): Promise<T> => {
    const s = new Redis({ host: '127.0.0.1', port: sentinel.port, password: sentinelPassword, lazyConnect: true });
    try {
      await s.connect();
      return await f(s);
    } finally {
      s.disconnect();
    }
  };
  const masterPort = () =>
    askSentinel(async (s) => Number(((await s.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as string[])[1]));

  beforeAll(async () => {
    tmp = tempDir('redis-sentinel');
    master = await server([]);
    replica = await server(['--replicaof', '127.0.0.1', String(master.port)]);
    sentinel = await startSentinel(tmp.dir, {
      name,
      masterPort: master.port,
      masterPassword: password,
      password: sentinelPassword,
    });
    servers.push(sentinel);
  });
  afterAll(async () => {
    for (const s of servers.reverse()) await s.stop();
    tmp?.remove();
  });

  const env = () => ({
    REDIS_URL: `redis://:${password}@127.0.0.1:1`,
    REDIS_SENTINELS: `127.0.0.1:${sentinel.port}`,
    REDIS_SENTINEL_NAME: name,
    REDIS_SENTINEL_PASSWORD: sentinelPassword,
  });

  it('runs the engine stores and a BullMQ job round trip on the master the sentinels name, and again after a failover', async () => {
    const rt = await openTestRuntime(env());
    try {
      expect(rt.redisWhere).toBe(`Redis master ${name} via sentinels 127.0.0.1:${sentinel.port}`);
      const before = await roundTrip(rt, 'sentinel');
      expect(before).toMatchObject({ ping: 'PONG', cursor: '42-0' });
      expect(before.job.stepId).toBe('step-1');

      // The replica must be known to the sentinel (and in sync) before it can be promoted.
      await waitFor(async () =>
        askSentinel(async (s) =>
          ((await s.call('SENTINEL', 'REPLICAS', name)) as string[][]).some(
            (r) => r.includes(String(replica.port)) && r[r.indexOf('flags') + 1] === 'slave',
          ),
        ),
      );
      await askSentinel((s) => s.call('SENTINEL', 'FAILOVER', name));
      await waitFor(async () => (await masterPort()) === replica.port);
      await waitFor(async () => /role:master/.test(await infoOf(replica.port, password)));
      // Writes that reach the old master before the sentinels demote it are lost in its resync (asynchronous
      // replication): the round trip starts once the old master follows the new one.
      await waitFor(async () => /role:slave[\s\S]*master_link_status:up/.test(await infoOf(master.port, password)));

      // The old master may stay writable for seconds: the runtime's queue must follow the sentinels at once, or
      // it enqueues where the (new) worker connection never looks.
      const after = await roundTrip(rt, 'sentinel');
      expect(after).toMatchObject({ ping: 'PONG', cursor: '42-0' });
      expect(after.job.stepId).toBe('step-1');
    } finally {
      await rt.dispose();
    }
  });

  it('gives a clear error without any password when the sentinel password is wrong', async () => {
    const wrong = randomSecret();
    const e = await openTestRuntime({ ...env(), REDIS_SENTINEL_PASSWORD: wrong }).then(
      async (rt) => (await rt.dispose(), undefined),
      (x: unknown) => x,
    );
    expect(e).toMatchObject({ code: 'REDIS_CONNECT_FAILED' });
    expect(String(e)).toMatch(/cannot connect to Redis master opsgate-test via sentinels/);
    for (const s of [wrong, password]) expect(String(e)).not.toContain(s);
  });
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met within 30 s');
}

async function infoOf(port: number, password: string): Promise<string> {
  const r = new Redis({ host: '127.0.0.1', port, password });
  try {
    return await r.info('replication');
  } finally {
    r.disconnect();
  }
}
