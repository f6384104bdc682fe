import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/ports/events.ts';
import { getLab } from '../../support/lab.ts';
import { everythingUnder } from '../../support/redis-stored-text.ts';
import { TEST_REDIS_URL } from '../../support/redis-test-keys.ts';
import { labSitesDir, opsgate } from '../cli/opsgate-process.ts';
import { onHost } from './lab-state.ts';
import { findingsOf, labSecrets, XizangCli } from './xizang-cli.ts';

/**
 * Precheck item 1 tests the SITE FILE's Redis passwords: a copy of the lab's site file whose business Redis
 * password is wrong. The copy sits next to the lab's own sites directory, so its relative secret paths still
 * resolve; the CSB Redis's redis.conf is given another requirepass (the running server keeps its password).
 */
describe('/precheck xizang: the site file Redis passwords', () => {
  const cli = new XizangCli();
  const wrong = `wrong-${randomBytes(12).toString('hex')}`;
  const copyDir = join(labSitesDir(), '..', `sites-redis-pw-${randomBytes(4).toString('hex')}`);
  const conf = '/etc/redis/redis.conf';
  let events: EngineEvent[];
  let output: string;
  let code: number;

  beforeAll(async () => {
    await mkdir(copyDir, { recursive: true });
    const site = await readFile(join(labSitesDir(), 'xizang.yml'), 'utf8');
    const redisLine = 'password: { file: ../secrets/redis-password }';
    expect(site).toContain(redisLine);
    await writeFile(join(copyDir, 'wrong-redis-password'), `${wrong}\n`, { mode: 0o600 });
    await writeFile(join(copyDir, 'xizang.yml'), site.replace(redisLine, 'password: { file: wrong-redis-password }'));
    await onHost(
      'csb-redis-a',
      `cp -p ${conf} ${conf}.opsgate-test && sed -i 's/^requirepass .*/requirepass not-the-running-one/' ${conf}`,
    );
    try {
      const env = { REDIS_URL: TEST_REDIS_URL, OPSGATE_REDIS_PREFIX: cli.keys.prefix };
      const r = await opsgate(['run', '/precheck xizang', '--sites', copyDir, '--json', '--as', 'UOPERATOR'], env);
      code = r.code;
      output = r.stdout + r.stderr;
      events = r.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as EngineEvent);
    } finally {
      await onHost('csb-redis-a', `mv -f ${conf}.opsgate-test ${conf}`);
    }
  });
  afterAll(async () => {
    await cli.close();
    await rm(copyDir, { recursive: true, force: true });
  });
  const access = () => findingsOf(events).filter((f) => f.step === 'p01-access' && f.title.startsWith('Redis '));

  it('fails item 1 for the business Redis on both its hosts, naming the instance and the host', () => {
    expect(code, output.slice(-3000)).toBe(0);
    const failed = access().filter((f) => f.status === 'fail');
    expect(failed.map((f) => f.host).sort()).toEqual(['redis-a', 'redis-b']);
    for (const f of failed) {
      expect(f.title).toBe("Redis business-redis:6379: the site file's password is accepted");
      expect(f.evidence).toMatch(
        new RegExp(
          `^business-redis on ${f.host ?? ''} refused the site file's password: .*(WRONGPASS|invalid password|NOAUTH)`,
        ),
      );
      expect(f.evidence).toContain('redis.conf has another requirepass');
    }
  });

  it('passes the CSB Redis, whose site file password is right, and warns that its redis.conf says otherwise', () => {
    const csb = access().filter((f) => f.host === 'csb-redis-a');
    expect(csb.map((f) => `${f.status} ${f.title}`)).toEqual([
      "pass Redis csb-redis:6379: the site file's password is accepted",
      "warn Redis csb-redis:6379: redis.conf's requirepass matches the site file",
    ]);
    expect(csb[1]?.evidence).toContain(
      'a restart, or the ADM redeploy that reuses the redis.conf password, would change it',
    );
  });

  it('keeps the SSH credential check of every host', () => {
    const ssh = findingsOf(events).filter(
      (f) => f.step === 'p01-access' && f.title === 'SSH login with the site file credentials',
    );
    expect(ssh).toHaveLength(getLab().hosts.length);
    expect(ssh.every((f) => f.status === 'pass')).toBe(true);
  });

  it('never shows a password: not in the output, the run record, the plan, the audit trail or the events', async () => {
    const stored = await everythingUnder(cli.keys.connect(), cli.keys.prefix);
    // The plan names the secret; its value is nowhere (booleans: a failure must not print the stored text).
    expect(
      stored.includes('<secret: middleware.redis[business-redis].password>'),
      'the stored dry run names the secret',
    ).toBe(true);
    for (const [i, secret] of [wrong, ...(await labSecrets())].entries()) {
      expect(output.includes(secret), `secret #${i} in the output`).toBe(false);
      expect(stored.includes(secret), `secret #${i} stored in Redis`).toBe(false);
    }
  });
});
