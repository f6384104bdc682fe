import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../../../src/core/plan/step-schema.ts';
import { loadSite } from '../../../../../src/adapters/files/load-site.ts';
import { toSite } from '../../../../../src/core/sites/site.ts';
import { componentEvidence, readEvidence } from '../../../../../src/runbooks/xizang/precheck/component-evidence.ts';
import { checkStep, evaluate, labXizang, registry } from '../xizang-fixture.ts';

const run = promisify(execFile);
let plan: Plan;
let production: Plan;
beforeAll(async () => {
  plan = registry.buildPlan('precheck', await labXizang(), {});
  const r = await loadSite(new URL('../../../../../sites/xizang.yml', import.meta.url).pathname, {
    env: {},
    checkSecrets: false,
  });
  if (!r.ok) throw new Error('sites/xizang.yml does not load');
  production = registry.buildPlan('precheck', toSite(r.value.site), {});
});

const docOf = (p: Plan, outputs: Record<string, string>) => {
  const f = evaluate(p, 'p12-resources', outputs);
  return {
    md: f.find((x) => x.attachment?.mimeType === 'text/markdown')?.attachment?.text ?? '',
    csv: f.find((x) => x.attachment?.mimeType === 'text/csv')?.attachment?.text ?? '',
  };
};

const REDIS_A = [
  '@@ comp 0',
  'pid=94',
  'ppid=1',
  'exe=/app/soft/redis-5.0.5/bin/redis-server',
  'rss_kb=10240',
  'guard=none',
  'redis_version:5.0.5',
  'role:master',
  'connected_clients:12',
  'used_memory_human:1.05M',
  'data=/app/redis_data\t2048\t10485760\t20971520',
  'mem_total_kb=8388608',
  'mem_avail_kb=4194304',
  '@@ exit 0',
].join('\n');

describe('《业务的中间件资源情况》', () => {
  it('adds usage per instance: clients, memory, disk used and free per data path', () => {
    const { md, csv } = docOf(plan, { 'redis-a': REDIS_A });
    expect(md).toContain(
      '| business-redis | Redis | 易联众-公共服务子系统Redis-A | master/replica + keepalived | redis-a | 10.77.0.21 | 6379 | /app/soft/redis-5.0.5 | 5.0.5 | pid 94, parent 1; no vesta | master | 12 clients | RSS 10.0 MiB; used_memory 1.05M; host 4.0 GiB available of 8.0 GiB | /app/redis_data: 2.0 MiB used / 10.0 GiB free / 20.0 GiB | file ../../.opsgate/lab/og/secrets/redis-password |',
    );
    expect(csv.split('\r\n')[0]).toBe(
      'middleware,product,ADM instance,mode,host,address,port,home,version,process,role,clients / connections,memory,disk (data path: used / free / size),credential kept in',
    );
    expect(md).toMatch(/\| redis-b \| [^|]+ \| 6379 \| \/app\/soft\/redis-5\.0\.5 \| not reached \|/);
  });

  it('names where each credential is kept, from the site file references, never a value', () => {
    const { md, csv } = docOf(production, {});
    expect(md).toContain('| env XIZANG_REDIS_PASSWORD |');
    expect(md).toContain('| env XIZANG_CSB_REDIS_PASSWORD |');
    expect(md).toContain('Server logins: user `root` on every host.');
    expect(md).toContain('- `ssh.password`: env XIZANG_ROOT_PASSWORD');
    expect(md).toContain('- `ssh.jump.privateKey`: env XIZANG_JUMP_KEY');
    expect(csv).toContain('env XIZANG_REDIS_PASSWORD');
    // The step's own arguments carry references only: there is no value anywhere to leak.
    const args = checkStep(production, 'p12-resources').evaluatorArgs as {
      credentials: { path: string; kept: string }[];
      components: { credential: string }[];
    };
    expect(args.credentials.length).toBeGreaterThan(3);
    for (const c of [...args.credentials.map((x) => x.kept), ...args.components.map((x) => x.credential)])
      expect(c).toMatch(/^(env [A-Z_]+|file \S+|none in the site file)$/);
  });

  it('keeps out of the document any line the host printed that it does not expect', () => {
    const secret = 'S3cret-never-shown';
    const withSecret = REDIS_A.replace('@@ exit 0', `requirepass ${secret}\nmasterauth:${secret}\n@@ exit 0`);
    const { md, csv } = docOf(plan, { 'redis-a': withSecret });
    expect(`${md}${csv}`).not.toContain(secret);
  });
});

describe('the evidence command on a real process', () => {
  let server: Server;
  let port = 0;
  let dir = '';
  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    port = (server.address() as { port: number }).port;
    dir = await mkdtemp(join(tmpdir(), 'opsgate-evidence-'));
    await mkdir(join(dir, 'logs'));
    await writeFile(join(dir, 'logs', 'trackerd.log'), '[2019-01-01] INFO - FastDFS v5.11, base_path=/app/tracker\n');
  });
  afterAll(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the process by its listening port, with its parent, version, connections and disk', async () => {
    const cmd = componentEvidence(
      {
        middleware: 'm',
        product: 'FastDFS tracker',
        admInstance: 'x',
        mode: 'tracker cluster',
        hosts: ['h'],
        port,
        home: dir,
        versionProbe: 'fdfs',
        admProduct: 'fdfs-tracker',
        dataPaths: [dir, join(dir, 'gone')],
      },
      { usage: true },
    );
    const { stdout } = await run('sh', ['-c', cmd]);
    const e = readEvidence(stdout.split('\n'));
    expect(e.pid).toBe(String(process.pid));
    expect(e.ppid).toBe(String(process.ppid));
    expect(e.exe).toBe(process.execPath);
    expect(e.version).toBe('5.11');
    expect(e.connections).toBe('0');
    expect(e.data[0]).toMatchObject({ path: dir, missing: false, usedKb: expect.stringMatching(/^\d+$/) });
    expect(e.data[1]).toEqual({ path: join(dir, 'gone'), missing: true });
    expect(Number(e.memTotalKb)).toBeGreaterThan(0);
    expect(e.errors).toEqual([]);
  });

  it("reads Kafka's version from kafka_SCALA-VERSION.jar, not from the javadoc or test jars beside it", async () => {
    await mkdir(join(dir, 'libs'), { recursive: true });
    for (const j of ['kafka_2.12-2.3.0-javadoc.jar', 'kafka_2.12-2.3.0-test.jar', 'kafka_2.12-2.3.0.jar'])
      await writeFile(join(dir, 'libs', j), '');
    const cmd = componentEvidence(
      {
        middleware: 'k',
        product: 'Kafka',
        admInstance: 'x',
        mode: 'cluster',
        hosts: ['h'],
        port,
        home: dir,
        versionProbe: 'kafka',
        admProduct: 'kafka',
        dataPaths: [],
      },
      { usage: false },
    );
    const e = readEvidence((await run('sh', ['-c', cmd])).stdout.split('\n'));
    expect(e.version).toBe('2.3.0');
    expect(e.versionFrom).toBe(`the jar in ${dir}/libs`);
  });
});
