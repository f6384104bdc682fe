import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSite } from '../../../src/adapters/files/load-site.ts';
import type { DocPath } from '../../../src/core/sites/site-problem.ts';
import { execOn, getLab, labHost, linkHost } from '../../support/lab.ts';
import { labSitesDir } from '../cli/opsgate-process.ts';
import {
  redisBackups as bakOn,
  redisOldPaths as oldOn,
  existing,
  onHost,
  redisFingerprint,
  restoreRedisByHand,
} from './lab-state.ts';
import { findingsOf, labSecrets, startedSteps, stoppedAt, XizangCli } from './xizang-cli.ts';

const UPGRADE = '/upgrade xizang redis';
const AS = ['--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1'];

/** `FILE:LINE` of a node of the lab's site file, as `opsgate run --sites` names the file. */
async function siteLine(path: DocPath): Promise<string> {
  const file = join(labSitesDir(), 'xizang.yml');
  const loaded = await loadSite(getLab().siteFile ?? file, { env: {}, checkSecrets: false });
  if (!loaded.ok) throw new Error('the lab site file does not load');
  return `${file}:${loaded.value.lineOf(path)}`;
}

/** What a replica is made a master by hand, and given back to its master. */
const PAIRS = {
  business: { replica: 'redis-b', master: 'redis-a', secret: 'redis-password' },
  csb: { replica: 'csb-redis-b', master: 'csb-redis-a', secret: 'csb-redis-password' },
} as const;
const authOf = (p: (typeof PAIRS)[keyof typeof PAIRS]) => `REDISCLI_AUTH="$(cat /lab-secrets/${p.secret})"`;

/** The pair's replica promoted to a master by hand (`REPLICAOF NO ONE`), as a person at the site might. */
async function promoteReplica(p: (typeof PAIRS)[keyof typeof PAIRS]): Promise<void> {
  await onHost(p.replica, `${authOf(p)} redis-cli REPLICAOF NO ONE`);
}

/** The pair's replica a replica of its master again, in sync. */
async function backToReplica(p: (typeof PAIRS)[keyof typeof PAIRS]): Promise<void> {
  await onHost(p.replica, `${authOf(p)} redis-cli REPLICAOF ${labHost(p.master).address} 6379`);
  for (let i = 0; i < 60; i++) {
    const r = await execOn(p.replica, ['sh', '-c', `${authOf(p)} redis-cli INFO replication`]);
    if (r.stdout.includes('master_link_status:up')) return;
    await new Promise((done) => setTimeout(done, 500));
  }
  throw new Error(`${p.replica} did not get back in sync with ${p.master}`);
}

/** The run id a `run` printed. */
const runIdOf = (events: readonly { runId?: string }[]) => events.find((e) => e.runId !== undefined)?.runId ?? '';

describe('/upgrade xizang redis in the site lab', () => {
  // A fresh key prefix per test: a run left waiting (as some tests leave it) must not hold the next test's site lock.
  let cli: XizangCli;
  beforeEach(() => {
    cli = new XizangCli();
  });
  afterEach(async () => {
    await linkHost('redis-b', 'up');
    await cli.close();
  });

  it('stops before anything is touched when a backup path already exists on one host, naming host and path', async () => {
    const before = await redisFingerprint();
    await onHost('redis-b', 'mkdir -p /app/redis_data_bak');
    try {
      const r = await cli.run(UPGRADE, ...AS);
      expect(r.code).toBe(1);
      const failed = r.events.find((e) => e.type === 'step.finished' && e.status === 'failed');
      expect(failed).toMatchObject({ stepId: 'r01-inspect', failedAt: 'precondition' });
      expect(failed?.type === 'step.finished' && failed.summary).toContain(
        'NOT ok on redis-b: /app/redis_data_bak exists',
      );
      expect(startedSteps(r.events)).toEqual(['r00-site-check', 'r01-inspect']);
      expect(await existing('redis-a', oldOn('redis-a'))).toEqual(oldOn('redis-a'));
      expect(await redisFingerprint()).toBe(before);
    } finally {
      await onHost('redis-b', 'rmdir /app/redis_data_bak');
    }
  });

  it('refuses at its first step when the Redis differs from the site file, naming the difference; nothing else runs', async () => {
    const before = await redisFingerprint();
    await promoteReplica(PAIRS.business);
    try {
      const r = await cli.run(UPGRADE, ...AS);
      expect(r.code).toBe(1);
      const line = `${await siteLine(['middleware', 'redis', 0, 'replicas', 0])} middleware.redis[0].replicas[0]: the site file says redis-b is the replica of business-redis; the site has redis-b is a master (INFO replication role:master)`;
      const failed = r.events.find((e) => e.type === 'step.finished' && e.status === 'failed');
      expect(failed, r.stdout.slice(-3000)).toMatchObject({ stepId: 'r00-site-check', failedAt: 'command' });
      expect(findingsOf(r.events).filter((f) => f.status !== 'pass')).toEqual([
        {
          step: 'r00-site-check',
          status: 'fail',
          title: 'the site differs from its file in business-redis (middleware.redis[0]) and its hosts',
          evidence: line,
        },
      ]);
      expect(failed?.type === 'step.finished' && failed.summary).toContain(line);
      expect(startedSteps(r.events)).toEqual(['r00-site-check']);
      expect(await existing('redis-a', oldOn('redis-a'))).toEqual(oldOn('redis-a'));
      expect(await redisFingerprint()).toBe(before);
    } finally {
      await backToReplica(PAIRS.business);
    }
  });

  it('only warns about drift in another part of the site, and goes on to its next step', async () => {
    // The CSB Redis's replica promoted by hand; the run is then stopped by its second step, before anything is
    // touched, by a backup path already in place.
    await promoteReplica(PAIRS.csb);
    await onHost('redis-b', 'mkdir -p /app/redis_data_bak');
    try {
      const r = await cli.run(UPGRADE, ...AS);
      const check = r.events.find((e) => e.type === 'step.finished' && e.stepId === 'r00-site-check');
      expect(check, r.stdout.slice(-3000)).toMatchObject({ status: 'succeeded' });
      const found = findingsOf(r.events).filter((f) => f.step === 'r00-site-check');
      expect(found.map((f) => f.status)).toEqual(['pass', 'warn']);
      expect(found[1]).toMatchObject({
        title: 'the site differs from its file elsewhere',
        evidence: `${await siteLine(['middleware', 'csbRedis', 0, 'replicas', 0])} middleware.csbRedis[0].replicas[0]: the site file says csb-redis-b is the replica of csb-redis; the site has csb-redis-b is a master (INFO replication role:master)`,
      });
      expect(startedSteps(r.events)).toEqual(['r00-site-check', 'r01-inspect']);
    } finally {
      await onHost('redis-b', 'rmdir /app/redis_data_bak');
      await backToReplica(PAIRS.csb);
    }
  });

  it('rolls back after a rejection in the middle of the phase, leaving the old install and the same data', async () => {
    const before = await redisFingerprint();
    expect(before).toMatch(/^keys=\d+ volatile=\d+ digest=[0-9a-f]{64}$/);
    const r = await cli.run(UPGRADE, ...AS, '--reject-at', 'r07-restore-dump');
    expect(stoppedAt(r)).toBe('r07-restore-dump');
    expect(r.code).toBe(1);
    expect(r.events.at(-1)).toMatchObject({ type: 'run.stopped' });
    expect(await existing('redis-a', bakOn('redis-a'))).toEqual(bakOn('redis-a'));
    const rb = await cli.run(`/rollback ${runIdOf(r.events)}`, ...AS);
    expect(rb.code, rb.stdout.slice(-4000)).toBe(0);
    expect(rb.events.at(-1)).toMatchObject({ type: 'run.finished', outcome: 'rolled-back' });
    for (const host of ['redis-a', 'redis-b']) {
      expect(await existing(host, oldOn(host))).toEqual(oldOn(host));
      expect(
        await existing(host, [
          ...bakOn(host),
          '/app/soft/redis',
          '/app/adm/instances/易联众-公共服务子系统Redis-A.json',
        ]),
      ).toEqual([]);
    }
    expect(await redisFingerprint()).toBe(before);
  });

  it('upgrades through ADM with the same data, password and VIP, then rolls the whole upgrade back', async () => {
    const before = await redisFingerprint();
    const r = await cli.run(UPGRADE, ...AS);
    expect(r.code, r.stdout.slice(-4000)).toBe(0);
    expect(r.events.at(-1)).toMatchObject({ type: 'run.finished', outcome: 'completed' });
    const verify = findingsOf(r.events).filter((f) => f.step === 'r09-verify');
    expect(verify.every((f) => f.status === 'pass')).toBe(true);
    expect(
      await existing('redis-a', [
        '/app/soft/redis/conf/redis.conf',
        '/app/adm/instances/易联众-公共服务子系统Redis-A.json',
      ]),
    ).toHaveLength(2);
    expect(await redisFingerprint()).toBe(before);
    expect(await redisFingerprint('redis-b')).toBe(before);
    for (const secret of await labSecrets()) expect(r.stdout + r.stderr).not.toContain(secret);

    const rb = await cli.run(`/rollback ${runIdOf(r.events)}`, ...AS);
    expect(rb.code, rb.stdout.slice(-4000)).toBe(0);
    expect(await existing('redis-a', oldOn('redis-a'))).toEqual(oldOn('redis-a'));
    expect(await redisFingerprint()).toBe(before);
  });

  it('carries over every write the master acknowledged until it stopped: the final dump is compared, not a snapshot', async () => {
    // A client writes on the master (one key per acknowledged SET, the index of the last acknowledged one kept)
    // from before the phase until the master stops; the phase runs meanwhile.
    const writer = `i=0; while [ "$(REDISCLI_AUTH="$(cat /lab-secrets/redis-password)" redis-cli SET live:$i $i 2>/dev/null)" = OK ]; do echo $i > /tmp/opsgate-writer.last; i=$((i + 1)); done`;
    await onHost('redis-a', `rm -f /tmp/opsgate-writer.last; nohup sh -c '${writer}' >/dev/null 2>&1 &`);
    const last = async () =>
      Number((await onHost('redis-a', 'cat /tmp/opsgate-writer.last 2>/dev/null || echo -1')).trim());
    const run = cli.start(UPGRADE, ...AS);
    let out = '';
    try {
      await run.out.waitFor(
        /"type":"step.finished","stepId":"r02-arm-final-dump"[^\n]*"status":"succeeded"/,
        0,
        120_000,
      );
      const atArm = await last();
      expect(await run.exited).toBe(0);
      out = run.out.text;
      const events = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map(
          (l) => JSON.parse(l) as { type: string; stepId?: string; status?: string; outcome?: string; runId?: string },
        );
      expect(events.at(-1)).toMatchObject({ type: 'run.finished', outcome: 'completed' });
      const atStop = await last();
      // Writes went on after r02 (the old design's SAVE + fingerprint) until the master stopped ...
      expect(atStop).toBeGreaterThan(atArm);
      // ... and every acknowledged one is in the new master and its replica; r09 found the data equal.
      for (const host of ['redis-a', 'redis-b'])
        expect(
          (
            await onHost(host, `REDISCLI_AUTH="$(cat /lab-secrets/redis-password)" redis-cli GET live:${atStop}`)
          ).trim(),
        ).toBe(String(atStop));
      const rb = await cli.run(`/rollback ${runIdOf(events)}`, ...AS);
      expect(rb.code, rb.stdout.slice(-4000)).toBe(0);
      expect(
        (
          await onHost('redis-a', `REDISCLI_AUTH="$(cat /lab-secrets/redis-password)" redis-cli GET live:${atStop}`)
        ).trim(),
      ).toBe(String(atStop));
    } finally {
      run.child.kill();
      await restoreRedisByHand();
      await onHost(
        'redis-a',
        `export REDISCLI_AUTH="$(cat /lab-secrets/redis-password)"; redis-cli --scan --pattern 'live:*' | xargs -r redis-cli DEL >/dev/null; rm -f /tmp/opsgate-writer.last`,
      );
    }
  }, 300_000);

  it('leaves the run paused at an interrupted gate naming the host when a host dies in the middle of the phase', async () => {
    const before = await redisFingerprint();
    const run = cli.start(UPGRADE, ...AS);
    let out = '';
    try {
      await run.out.waitFor(/"type":"step.finished","stepId":"r04-backup"[^\n]*"status":"succeeded"/, 0, 120_000);
      await linkHost('redis-b', 'down');
      const code = await run.exited;
      out = run.out.text;
      expect(code).toBe(1);
    } finally {
      run.child.kill();
      await linkHost('redis-b', 'up');
    }
    try {
      const events = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map(
          (l) => JSON.parse(l) as { type: string; stepId?: string; status?: string; summary?: string; runId?: string },
        );
      // The SSH connection dropped while the ADM step ran on redis-b: the engine cannot know whether it finished,
      // so it marks the step interrupted and waits for a person, with what its probes found.
      const interrupted = events.find((e) => e.type === 'step.interrupted');
      expect(interrupted, out.slice(-2000)).toMatchObject({ stepId: 'r05-adm-install' });
      expect(interrupted?.summary).toMatch(/redis-b: SSH_UNREACHABLE/);
      // `run` ends by saying it leaves the gate to a person, naming exactly the choices the gate offers.
      const waiting = events.at(-1) as { type: string; message?: string } | undefined;
      expect(waiting?.type).toBe('waiting');
      expect(waiting?.message).toMatch(/between retry, mark done, roll back, abort/);
      expect(events.filter((e) => e.type !== 'waiting').at(-1)).toMatchObject({
        type: 'gate.opened',
        gate: { kind: 'interrupted', stepId: 'r05-adm-install' },
      });
      expect(events.some((e) => e.type === 'step.started' && e.stepId === 'r06-pause-new')).toBe(false);
      await linkHost('redis-b', 'up');
      await restoreRedisByHand();
      for (const host of ['redis-a', 'redis-b']) expect(await existing(host, oldOn(host))).toEqual(oldOn(host));
      expect(await redisFingerprint()).toBe(before);
    } finally {
      // The run waits for a person (retry, mark done, roll back: buttons `opsgate run` does not press); the lab is
      // put back by hand for the next tests.
      await restoreRedisByHand();
    }
  }, 300_000);
});
