import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, labSitesDir, moveDirState, OutputWatcher, resetMoveDir } from '../cli/opsgate-process.ts';
import { getLab, labHost } from '../../support/lab.ts';
import { canConnect, officeNamespace, siteNamespace, spawnIn, type TestNamespace } from './lab-network.ts';

/**
 * The production topology on one machine: the bot (`opsgate start`, console) in an "office" namespace that
 * reaches only Redis, a worker (`opsgate worker --sites xizang`) in a namespace on the site's network, and a
 * Redis of the test's own listening on both sides. They share nothing but Redis.
 */
describe('bot and worker in different networks, sharing only Redis', () => {
  let office: TestNamespace;
  let site: TestNamespace;
  let redis: ChildProcess;
  const port = 20_000 + Math.floor(Math.random() * 10_000);
  const redisDir = mkdtempSync(path.join(tmpdir(), 'opsgate-distributed-redis-'));
  const prefix = `test-${randomUUID()}:`;
  const children: ChildProcessWithoutNullStreams[] = [];

  beforeAll(async () => {
    const lab = getLab();
    office = await officeNamespace(lab, 'db', 77);
    site = await siteNamespace(lab, 'dw', 240);
    redis = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        `${site.redisHost} ${office.redisHost}`,
        // opsgate refuses /upgrade on a run store that persists nothing: this one keeps an AOF in a dir of its own.
        '--save',
        '',
        '--appendonly',
        'yes',
        '--dir',
        redisDir,
        '--protected-mode',
        'no',
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 50 && !(await canConnect(office, office.redisHost, port)); i++)
      await new Promise((r) => setTimeout(r, 100));
    await resetMoveDir();
  });

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    redis?.kill('SIGKILL');
    rmSync(redisDir, { recursive: true, force: true });
    await office?.remove();
    await site?.remove();
  });

  const env = (ns: TestNamespace): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = {
      ...process.env,
      REDIS_URL: `redis://${ns.redisHost}:${port}`,
      OPSGATE_REDIS_PREFIX: prefix,
      OPSGATE_SITES: labSitesDir(),
      OPSGATE_COMMAND_RUNBOOKS: 'upgrade redis=lab-move-dir',
      OPSGATE_HEARTBEAT_MS: '300',
      LOG_LEVEL: 'warn',
    };
    delete e.SLACK_BOT_TOKEN;
    delete e.SLACK_SIGNING_SECRET;
    return e;
  };
  const start = (ns: TestNamespace, args: readonly string[], extra: NodeJS.ProcessEnv = {}) => {
    const child = spawnIn(ns, [process.execPath, BIN, ...args], { ...env(ns), ...extra });
    children.push(child);
    return { child, out: new OutputWatcher(child.stdout), type: (line: string) => void child.stdin.write(`${line}\n`) };
  };
  const worker = async () => {
    const w = start(site, [
      'worker',
      '--sites',
      'xizang',
      '--lock-duration-ms',
      '2000',
      '--stalled-interval-ms',
      '1000',
    ]);
    await w.out.waitFor(/serving xizang/, 0, 90_000);
    return w;
  };
  const healthz = async (url: string) => {
    const res = await fetch(`${url}/healthz`);
    return { status: res.status, body: (await res.json()) as { problems: string[] } };
  };

  it('runs to completion through a worker only it can reach the site from; pauses without one, plainly; resumes with a new one', async () => {
    const target = labHost('fdfs-3').address;
    expect(await canConnect(site, target, 22)).toBe(true);
    expect(await canConnect(office, target, 22)).toBe(false);

    const bot = start(office, ['start', '--no-worker', '--as', 'UOPERATOR'], {
      METRICS_PORT: '0',
      METRICS_HOST: office.address,
    });
    await bot.out.waitFor(/acting as UOPERATOR/, 0, 90_000);
    const url = /health and metrics on (http:\/\/\S+)/.exec(bot.out.text)?.[1] ?? '';
    expect((await healthz(url)).body.problems).toContain(
      "no worker is serving xizang: start `opsgate worker --sites xizang` inside the site's network",
    );

    // No worker yet: the request is refused with the reason, not left hanging.
    bot.type('/upgrade xizang redis');
    let at = await bot.out.waitFor(/no worker is serving xizang/);

    let w = await worker();
    expect((await healthz(url)).status).toBe(200);
    bot.type('/upgrade xizang redis');
    at = await bot.out.waitFor(/requested as run (run_[0-9a-f]{16})/, at);
    at = await bot.out.waitFor(/✔ record-start /, at);
    at = await bot.out.waitFor(/you requested this run: another approver must answer/, at);

    // The worker dies at the gate: the run is shown paused, with the reason, and health says why.
    w.child.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 1500));
    bot.type('/runs xizang');
    at = await bot.out.waitFor(/waiting .*\(paused: no worker is serving xizang/, at);
    const sick = await healthz(url);
    expect(sick.status).toBe(503);
    expect(sick.body.problems.join()).toMatch(/no worker is serving xizang/);
    bot.type('/as UAPPROVER1');
    bot.type('1 approve');
    at = await bot.out.waitFor(/gate \[1\] of move-dir: approve by UAPPROVER1/, at);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await moveDirState()).toMatchObject({ data: true, bak: false });

    // A new worker in the site's network picks the run up where it stopped.
    w = await worker();
    at = await bot.out.waitFor(/✔ move-dir .* check\(s\) held/, at);
    await bot.out.waitFor(/completed: 4 step\(s\) done/, at);
    expect(await moveDirState()).toEqual({
      data: false,
      bak: true,
      effects: ['record-start', 'move-dir', 'record-end'],
    });
    bot.type('/quit');
    w.child.kill('SIGTERM');
  });
});
