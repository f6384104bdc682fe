import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { componentEvidence, readEvidence } from '../../../../../src/runbooks/xizang/precheck/component-evidence.ts';
import { middlewareInventory } from '../../../../../src/runbooks/xizang/precheck/middleware-inventory.ts';
import type { Plan } from '../../../../../src/core/plan/step-schema.ts';
import { allCommandText, checkStep, evaluate, labXizang, registry } from '../xizang-fixture.ts';

let plan: Plan;
beforeAll(async () => {
  plan = registry.buildPlan('precheck', await labXizang(), {});
});

/** The index of a component in the step's arguments (the `comp INDEX` section names). */
function indexOf(step: string, product: string): number {
  const args = checkStep(plan, step).evaluatorArgs as { components: { product: string }[] };
  return args.components.findIndex((c) => c.product === product);
}

const redisA = (i: number, parentPid: string, guardPid: string) =>
  [
    `@@ comp ${i}`,
    'pid=94',
    `ppid=${parentPid}`,
    'user=redis',
    'exe=/app/soft/redis-5.0.5/bin/redis-server',
    'args=/app/soft/redis-5.0.5/bin/redis-server 0.0.0.0:6379',
    'parent=/usr/lib/systemd/systemd --system',
    `guard=${guardPid} /app/adm/vesta/bin/vesta -c /app/adm/vesta/conf`,
    'redis_version:5.0.5',
    'role:master',
    'version_from=INFO server',
    '@@ exit 0',
  ].join('\n');

describe('precheck items 5-7: ADM is for a person, the hosts give the evidence', () => {
  it('reads nothing that only the lab writes: no ADM marker, no ADM or lab path, no version file', () => {
    const text = allCommandText(plan);
    for (const labOnly of ['/app/adm', '/opt/adm', '/lab/', 'VERSION', '/var/log/fdfs_', 'adm list', 'adm show'])
      expect(text, labOnly).not.toContain(labOnly);
  });

  it('item 5 is manual, showing each process with its parent, vesta, install path, port and version', () => {
    const i = indexOf('p05-adm-deployed', 'Redis');
    const f = evaluate(plan, 'p05-adm-deployed', {
      'redis-a': redisA(i, '1', '150'),
      'redis-b': `@@ comp ${i}\npid=none\nguard=none\n@@ exit 0\n`,
    }).filter((x) => x.title === 'Redis of business-redis deployed through ADM');
    expect(f).toHaveLength(1);
    expect(f[0]?.status).toBe('manual');
    const e = f[0]?.evidence ?? '';
    expect(e).toContain('In PowerADM, find Redis on redis-a, redis-b (planned instance 易联众-公共服务子系统Redis-A)');
    expect(e).toContain('redis-a: pid 94 `/app/soft/redis-5.0.5/bin/redis-server 0.0.0.0:6379`');
    expect(e).toContain('parent 1 `/usr/lib/systemd/systemd --system`');
    expect(e).toContain('vesta runs (pid 150) but is not its parent');
    expect(e).toContain('version 5.0.5 (INFO server)');
    expect(e).toContain("runs from /app/soft/redis-5.0.5 (not ADM's layout /app/soft/redis)");
    expect(e).toContain('redis-b: nothing listens on port 6379; no vesta process on the host');
  });

  it('says so when vesta is the parent of the process', () => {
    const i = indexOf('p05-adm-deployed', 'Redis');
    const f = evaluate(plan, 'p05-adm-deployed', { 'redis-a': redisA(i, '150', '150') });
    expect(f.find((x) => x.status === 'manual' && x.title.startsWith('Redis '))?.evidence).toContain(
      'its parent is vesta (pid 150)',
    );
  });

  it('fails a host whose evidence could not be read, naming the tool, its exit code and output', () => {
    const i = indexOf('p05-adm-deployed', 'Redis');
    const f = evaluate(plan, 'p05-adm-deployed', {
      'redis-a': `@@ comp ${i}\npid=94\nguard=none\nerror=redis-cli INFO exit 1: NOAUTH Authentication required.\n@@ exit 0\n`,
    });
    expect(f).toContainEqual(
      expect.objectContaining({
        status: 'fail',
        host: 'redis-a',
        evidence: 'redis-cli INFO exit 1: NOAUTH Authentication required.',
      }),
    );
    expect(f).toContainEqual(
      expect.objectContaining({ status: 'fail', host: 'redis-b', evidence: 'the host printed nothing about it' }),
    );
  });

  it('fails evidence that was cut short (no exit code after it): what it printed is not all there was', () => {
    const i = indexOf('p05-adm-deployed', 'Redis');
    const f = evaluate(plan, 'p05-adm-deployed', { 'redis-a': `@@ comp ${i}\npid=94\n` });
    expect(f).toContainEqual(
      expect.objectContaining({
        status: 'fail',
        host: 'redis-a',
        evidence: 'the evidence was cut short: the host printed no exit code for it',
      }),
    );
  });

  it('item 7 is manual per product, with the live role of every node', () => {
    const i = indexOf('p07-adm-instances', 'ZooKeeper');
    const zk = (mode: string) => `@@ comp ${i}\npid=97\nguard=none\nversion=3.5.6\nrole=${mode}\n@@ exit 0\n`;
    const f = evaluate(plan, 'p07-adm-instances', {
      'kafka-1': zk('follower'),
      'kafka-2': zk('leader'),
      'kafka-3': zk('follower'),
    });
    const item = f.find((x) => x.title.startsWith('ZooKeeper of business-kafka'));
    expect(item?.status).toBe('manual');
    expect(item?.evidence).toContain('must all be in ONE instance');
    expect(item?.evidence).toContain('kafka-2 role leader (pid 97, version 3.5.6)');
    expect(f.every((x) => x.status !== 'pass')).toBe(true);
  });

  it('item 6 checks the planned names against the rule and leaves the names in PowerADM to a person', () => {
    const f = evaluate(plan, 'p06-adm-names', {});
    expect(f.filter((x) => x.status === 'pass').length).toBeGreaterThan(0);
    expect(f.at(-1)).toMatchObject({ status: 'manual', evidence: expect.stringContaining('PowerADM') });
    expect(checkStep(plan, 'p06-adm-names').commands.map((c) => c.command)).toEqual(['true']);
  });
});

describe('the evidence of items 5, 7 and 12 when ss cannot tell', () => {
  const dir = mkdtempSync(join(tmpdir(), 'precheck-ss-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** The evidence of the first FastDFS tracker, read by a local bash whose `ss` is `script`. */
  async function withSs(script: string) {
    writeFileSync(join(dir, 'ss'), `#!/bin/sh\n${script}\n`);
    chmodSync(join(dir, 'ss'), 0o755);
    const spec = (await labXizang()).spec;
    if (spec === undefined) throw new Error('no lab site spec');
    const c = middlewareInventory(spec).find((x) => x.product === 'FastDFS tracker');
    if (c === undefined) throw new Error('no tracker in the lab site');
    const out = spawnSync('bash', ['-c', componentEvidence(c, { usage: false })], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` },
    });
    return readEvidence(out.stdout.split('\n'));
  }

  it('an ss that fails is an error naming it, never "nothing listens"', async () => {
    const e = await withSs('echo "Cannot open netlink socket: Permission denied" >&2; exit 1');
    expect(e.errors).toContain('ss -ltnp exit 1: Cannot open netlink socket: Permission denied');
  });

  it('a port listening whose process ss does not name (no root) is an error too', async () => {
    const e = await withSs(
      "printf 'State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\\nLISTEN 0 128 0.0.0.0:22122 0.0.0.0:*\\n'",
    );
    expect(e.pid).toBeUndefined();
    expect(e.errors).toContain('port 22122 listens but ss -ltnp names no process for it (not run as root?)');
  });
});
