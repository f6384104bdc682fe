import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'bullmq';
import { pino } from 'pino';
import { loadAppSetup } from '../../../src/wiring/app-setup.ts';
import type { Env } from '../../../src/core/sites/secret-ref.ts';
import { openRuntime, type Runtime } from '../../../src/wiring/main.ts';
import type { StepJob } from '../../../src/core/ports/run-store.ts';
import { siteQueueName } from '../../../src/adapters/bullmq/bull-run-queue.ts';

/** The committed production site files: the runtime needs one site; nothing here connects to its hosts. */
const SITES = fileURLToPath(new URL('../../../sites/', import.meta.url));
const SITE_SECRETS = Object.fromEntries(
  [
    'XIZANG_SSH_KEY',
    'XIZANG_ROOT_PASSWORD',
    'XIZANG_KNOWN_HOSTS',
    'XIZANG_JUMP_KEY',
    'XIZANG_REDIS_PASSWORD',
    'XIZANG_CSB_REDIS_PASSWORD',
  ].map((v) => [v, 'unused']),
);

/** opsgate's runtime opened through the real configuration parsing, with a private key prefix and state dir. */
export async function openTestRuntime(env: Env): Promise<Runtime & { readonly dispose: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'opsgate-redis-rt-'));
  try {
    const setup = await loadAppSetup({
      env: {
        ...SITE_SECRETS,
        OPSGATE_SITES: SITES,
        OPSGATE_STATE_DIR: dir,
        OPSGATE_REDIS_PREFIX: `test-${randomUUID()}:`,
        ...env,
      },
    });
    if (!setup.ok) throw new Error(setup.error);
    const rt = await openRuntime({ ...setup.value, log: pino({ level: 'silent' }) });
    return { ...rt, dispose: async () => (await rt.close(), rmSync(dir, { recursive: true, force: true })) };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * What the runtime does with Redis, end to end: a PING, a key written and read back by a store, and a step job
 * enqueued by the engine's queue and received by a BullMQ worker on the runtime's connection options.
 */
export async function roundTrip(
  rt: Runtime,
  site: string,
): Promise<{ readonly ping: string; readonly cursor: string | undefined; readonly job: StepJob }> {
  const ping = String(await rt.ops.ping());
  const cursors = rt.eventCursors(`c-${randomUUID()}`);
  await cursors.set(site, '42-0');
  const cursor = await cursors.get(site);
  const sent: StepJob = { site, runId: `run-${randomUUID()}`, stepId: 'step-1', attempt: 1 };
  let worker: Worker | undefined;
  try {
    const received = new Promise<StepJob>((resolve) => {
      worker = new Worker(siteQueueName(site), async (j) => resolve(j.data as StepJob), {
        connection: rt.bull.connection,
        prefix: rt.bull.prefix,
      });
    });
    await rt.deps.queue.enqueue(sent);
    return { ping, cursor, job: await received };
  } finally {
    await worker?.close();
  }
}
