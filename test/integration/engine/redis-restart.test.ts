import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../../src/wiring/main.ts';
import { startRedis } from './private-redis.ts';
import {
  BASE,
  EventWatch,
  SITE,
  effectCounts,
  ev,
  killHard,
  labApprovers,
  pathExists,
  cleanLabDir,
  resetLabDir,
  spawnWorker,
  testRuntime,
} from './engine-lab.ts';

describe('durable runs: a Redis restart in the middle of a run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'opsgate-redis-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const t = { prefix: 'engine-restart:', redisUrl: `redis://127.0.0.1:${port}` };
  let redis: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  let rt: Runtime | undefined;

  afterEach(async () => {
    if (worker) await killHard(worker);
    await cleanLabDir();
    await rt?.close();
    if (redis) await killHard(redis);
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses nothing: the step in flight is recorded once Redis is back and the run completes', async () => {
    await resetLabDir();
    redis = await startRedis(dir, port, ['--appendonly', 'yes', '--appendfsync', 'always']);
    rt = await testRuntime(t);
    const watch = new EventWatch(rt);
    worker = await spawnWorker(t);
    const approver = (await labApprovers())[0] ?? 'nobody';
    const r = await rt.engine.request({
      site: SITE,
      runbook: 'lab-move-dir',
      args: { base: BASE, holdSeconds: 3 },
      requester: 'U_ENGINE_TEST',
    });
    if (!r.ok) throw new Error(r.error.message);
    const runId = r.value.runId;
    const gate = (await watch.waitFor(ev('gate.opened', 'move-dir', runId))).gate;
    await rt.engine.decide({
      gateId: gate.id,
      user: approver,
      userGroups: [],
      choice: 'approve',
      planHash: gate.planHash,
    });
    await watch.waitFor(ev('step.started', 'move-dir', runId));
    await killHard(redis); // kill -9 while `sleep 3 && mv` runs on the host
    redis = await startRedis(dir, port, ['--appendonly', 'yes', '--appendfsync', 'always']);
    const finished = await watch.waitFor(ev('run.finished', undefined, runId), 120_000);
    expect(finished.outcome).toBe('completed');
    const run = (await rt.engine.getRun(runId))?.run;
    expect(Object.fromEntries(Object.entries(run?.steps ?? {}).map(([id, s]) => [id, s.status]))).toEqual({
      inspect: 'succeeded',
      'record-start': 'succeeded',
      'move-dir': 'succeeded',
      'record-end': 'succeeded',
    });
    expect(await effectCounts()).toEqual({ 'record-start': 1, 'move-dir': 1, 'record-end': 1 });
    expect(await pathExists(`${BASE}/data_bak/file`)).toBe(true);
    const audit = await rt.deps.audit.read(SITE, { runId });
    expect(audit.filter((a) => a.type === 'step.finished').map((a) => a.stepId)).toEqual([
      'inspect',
      'record-start',
      'move-dir',
      'record-end',
    ]);
    expect((await rt.deps.audit.verify(SITE)).ok).toBe(true);
  });
});
