import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObSim } from '../../../lab/obsim/start-obsim.ts';
import { observerStopCommand } from '../../../src/runbooks/oceanbase/upgrade/observer-commands.ts';
import { execOn } from '../../support/lab.ts';
import { RedisTestKeys, TEST_REDIS_URL } from '../../support/redis-test-keys.ts';
import { labSitesDir, opsgate } from '../cli/opsgate-process.ts';
import { FROM, observerState, resetObLab, startLabSim, TO } from './ob-lab.ts';

/**
 * The observer as obd lays it out, in the lab: the stop step's command against a pid file that is stale or names
 * another process, and an OCP-managed cluster, which is prechecked but whose upgrade is refused.
 */
const HOME = '/home/admin/oceanbase';
const STOP = observerStopCommand({ by: 'obd', user: 'admin', home: HOME });
const HOST = 'ob-1';
let sim: ObSim | undefined;
const keys: RedisTestKeys[] = [];

const sh = (host: string, script: string) => execOn(host, ['bash', '-c', script]);
const pidOf = async (host: string) => (await sh(host, `cat ${HOME}/run/observer.pid`)).stdout.trim();
const alive = async (host: string, pid: string) =>
  (await sh(host, `grep -qs '^State:[[:space:]]*[^Z]' /proc/${pid}/status`)).exitCode === 0;

beforeAll(() => resetObLab(), 120_000);

afterAll(async () => {
  await sim?.close();
  for (const k of keys) await k.close();
  await resetObLab();
}, 120_000);

describe('stopping the observer through its pid file', () => {
  it('treats a stale pid file (the process gone, the ports closed) as stopped, and removes it', async () => {
    const real = await pidOf(HOST);
    expect(
      (
        await sh(
          HOST,
          `kill ${real}; while grep -qs '^State:[[:space:]]*[^Z]' /proc/${real}/status; do sleep 0.1; done`,
        )
      ).exitCode,
    ).toBe(0);
    const r = await sh(HOST, STOP);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `observer.pid named pid ${real}, which is gone \\(stale pid file removed\\); ports 2882 and 2881 closed`,
      ),
    );
    expect((await sh(HOST, `test -e ${HOME}/run/observer.pid`)).exitCode).not.toBe(0);
  });

  it('refuses a pid file that names another process, signalling nothing', async () => {
    await resetObLab();
    const observer = await pidOf(HOST);
    const other = (
      await sh(HOST, `setsid sleep 600 < /dev/null > /dev/null 2>&1 & echo $! | tee ${HOME}/run/observer.pid`)
    ).stdout.trim();
    const r = await sh(HOST, STOP);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `refused: ${HOME}/run/observer.pid names pid ${other}, which is not the observer of ${HOME}: its command line is 'sleep 600 '.*Nothing was signalled`,
      ),
    );
    expect(await alive(HOST, other)).toBe(true);
    expect(await alive(HOST, observer)).toBe(true);
    expect((await observerState(HOST)).running).toBe(`OBSERVER ${FROM} zone1`);
    await sh(HOST, `kill ${other}; echo ${observer} > ${HOME}/run/observer.pid`);
  });

  it('stops the real observer with SIGTERM, waiting until it is gone and its port closed', async () => {
    const observer = await pidOf(HOST);
    const r = await sh(HOST, STOP);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`the observer of ${HOME} \\(pid ${observer}\\) stopped after SIGTERM`));
    expect(await alive(HOST, observer)).toBe(false);
    expect((await observerState(HOST)).running).toBe('down');
  });
});

describe('an OCP-managed cluster', () => {
  it('is prechecked, but its rolling upgrade is refused before anything runs, pointing to OCP and the precheck', async () => {
    await resetObLab();
    sim = await startLabSim();
    // The lab's site file with obcluster declared as OCP's, beside the original so its relative paths still hold.
    const original = join(labSitesDir(), 'xizang.yml');
    const dir = join(dirname(labSitesDir()), 'sites-ocp');
    await mkdir(dir, { recursive: true });
    const text = await readFile(original, 'utf8');
    expect(text).toContain('  - name: obcluster\n');
    await writeFile(
      join(dir, 'xizang.yml'),
      text.replace(/( {2}- name: obcluster\n)( {4}deploy: .*\n)?/, '$1    deploy: { by: ocp, user: admin }\n'),
    );
    try {
      const k = new RedisTestKeys();
      keys.push(k);
      const run = (line: string) =>
        opsgate(['run', line, '--sites', dir, '--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1', '--verbose'], {
          REDIS_URL: TEST_REDIS_URL,
          OPSGATE_REDIS_PREFIX: k.prefix,
        });
      const pre = await run('/precheck xizang ob obcluster');
      expect(pre.code, pre.stdout.slice(-2000)).toBe(0);
      expect(pre.stdout).toMatch(/upgrade checker passed/);

      const up = await run(`/upgrade xizang ob obcluster --to ${TO}`);
      expect(up.code).toBe(1);
      expect(up.stdout + up.stderr).toMatch(
        /obcluster refused: it is managed by OCP \(site file: deploy\.by = ocp\), and opsgate does not act behind OCP's back\. Run the rolling upgrade in OCP\. opsgate's precheck of obcluster still applies: its result is in the thread of the last "\/precheck xizang ob obcluster"/,
      );
      expect(up.stdout).not.toMatch(/▶ step/);
      expect((await sh(HOST, 'test -e /tmp/opsgate-ob')).exitCode).not.toBe(0);
      expect((await observerState(HOST)).running).toBe(`OBSERVER ${FROM} zone1`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
