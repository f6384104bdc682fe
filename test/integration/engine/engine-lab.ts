import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { loadAppSetup } from '../../../src/wiring/app-setup.ts';
import { openRuntime, type Runtime } from '../../../src/wiring/main.ts';
import type { EngineEvent } from '../../../src/core/ports/events.ts';
import { loadSite } from '../../../src/adapters/files/load-site.ts';
import { execOn, getLab } from '../../support/lab.ts';

/** Helpers for engine tests against the site lab: a worker child process, lab commands, event waits. */

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const SITE = 'xizang';
export const HOST = 'fdfs-3';
export const BASE = '/app/opsgate-engine-test';

/** The directory holding the lab's site file (what OPSGATE_SITES points at). */
function sitesDir(): string {
  const file = getLab().siteFile;
  if (file === null) throw new Error('the lab has no site file (lab/sites/xizang.yml missing?)');
  return dirname(file);
}

/** Runs a shell script inside a lab host (no ssh); returns stdout, throws on a non-zero exit. */
export async function labSh(host: string, script: string): Promise<string> {
  const r = await execOn(host, ['sh', '-c', script]);
  if (r.exitCode !== 0) throw new Error(`lab exec on ${host} failed (${r.exitCode}): ${r.stderr}`);
  return r.stdout;
}

/** Fresh test directory on the lab host: `data/` with a file, no backup, no effect log. */
export async function resetLabDir(): Promise<void> {
  await labSh(HOST, `rm -rf ${BASE} && mkdir -p ${BASE}/data && echo payload > ${BASE}/data/file`);
}

/** Removes the test directory from the lab host. */
export async function cleanLabDir(): Promise<void> {
  await labSh(HOST, `rm -rf ${BASE}`);
}

/** How many times each step really ran on the host (lines of the effect log). */
export async function effectCounts(): Promise<Record<string, number>> {
  const lines = (await labSh(HOST, `cat ${BASE}/effects.log 2>/dev/null || true`)).split('\n').filter((l) => l !== '');
  const counts: Record<string, number> = {};
  for (const l of lines) counts[l] = (counts[l] ?? 0) + 1;
  return counts;
}

export async function pathExists(path: string): Promise<boolean> {
  return (await labSh(HOST, `test -e ${path} && echo yes || echo no`)).trim() === 'yes';
}

/** The approvers of the lab site, from its site file. */
export async function labApprovers(): Promise<readonly string[]> {
  const r = await loadSite(join(sitesDir(), `${SITE}.yml`), { env: process.env, checkSecrets: false });
  if (!r.ok) throw new Error(`lab site file: ${r.error.map((p) => p.message).join('; ')}`);
  return r.value.site.policy.approvers.users;
}

export interface TestEnv {
  readonly prefix: string;
  readonly redisUrl: string;
}

/** The engine the test drives (as the chat process would), with the same keys as its workers. */
export async function testRuntime(t: TestEnv): Promise<Runtime> {
  const env = {
    ...process.env,
    OPSGATE_SITES: sitesDir(),
    OPSGATE_STATE_DIR: mkdtempSync(join(tmpdir(), 'opsgate-engine-')),
    REDIS_URL: t.redisUrl,
    OPSGATE_REDIS_PREFIX: t.prefix,
    LOG_LEVEL: 'silent',
  };
  const setup = await loadAppSetup({ env });
  if (!setup.ok) throw new Error(setup.error);
  return openRuntime({ ...setup.value, log: pino({ level: 'silent' }) });
}

/**
 * `opsgate worker --sites xizang` as a child process, with quick stalled-job detection, or BullMQ's defaults
 * (a killed worker's job handed out again after 30 to 60 s) with `stalledJobs: 'default'`.
 */
export async function spawnWorker(
  t: TestEnv,
  opts: { readonly stalledJobs?: 'quick' | 'default' } = {},
): Promise<ChildProcess> {
  const stateDir = mkdtempSync(join(tmpdir(), 'opsgate-worker-'));
  const quick = opts.stalledJobs === 'default' ? [] : ['--lock-duration-ms', '2000', '--stalled-interval-ms', '1000'];
  const child = spawn(process.execPath, [join(REPO, 'bin', 'opsgate.js'), 'worker', '--sites', SITE, ...quick], {
    cwd: REPO,
    env: {
      ...process.env,
      OPSGATE_SITES: sitesDir(),
      REDIS_URL: t.redisUrl,
      OPSGATE_REDIS_PREFIX: t.prefix,
      LOG_LEVEL: 'warn',
      OPSGATE_STATE_DIR: stateDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.once('exit', () => rmSync(stateDir, { recursive: true, force: true }));
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${err}`)), 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('serving')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${String(code)}: ${err}`));
    });
  });
  return child;
}

/** kill -9, and wait until the process is gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

/** Follows a site's event stream from the start and waits for events. */
export class EventWatch {
  private last = '0';
  readonly seen: EngineEvent[] = [];

  constructor(private readonly rt: Runtime) {}

  /** Waits for the first event (seen before or not) matching `pred`. */
  async waitFor<T extends EngineEvent>(pred: (e: EngineEvent) => e is T, timeoutMs?: number): Promise<T>;
  async waitFor(pred: (e: EngineEvent) => boolean, timeoutMs?: number): Promise<EngineEvent>;
  async waitFor(pred: (e: EngineEvent) => boolean, timeoutMs = 90_000): Promise<EngineEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.seen.find(pred);
      if (hit !== undefined) return hit;
      if (Date.now() > deadline)
        throw new Error(
          `no such event within ${timeoutMs} ms; seen: ${this.seen.map((e) => `${e.type}${'stepId' in e ? `(${e.stepId})` : e.type === 'gate.opened' ? `(${e.gate.stepId})` : ''}`).join(' ')}`,
        );
      const batch = await this.rt.events.read(SITE, this.last, { blockMs: 500 });
      for (const s of batch) {
        this.seen.push(s.event);
        this.last = s.id;
      }
    }
  }
}

/** Matches an event by type and (optionally) step. */
export function ev<T extends EngineEvent['type']>(type: T, stepId?: string, runId?: string) {
  const stepOf = (e: EngineEvent) => (e.type === 'gate.opened' ? e.gate.stepId : 'stepId' in e ? e.stepId : undefined);
  return (e: EngineEvent): e is Extract<EngineEvent, { type: T }> =>
    e.type === type && (stepId === undefined || stepOf(e) === stepId) && (runId === undefined || e.runId === runId);
}
