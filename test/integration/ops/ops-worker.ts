import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, labSitesDir, OutputWatcher } from '../cli/opsgate-process.ts';
import type { TestEnv } from '../engine/engine-lab.ts';

/** A running `opsgate worker --sites xizang` with its ops server on a free port. */
export interface OpsWorker {
  readonly child: ChildProcessWithoutNullStreams;
  readonly out: OutputWatcher;
  readonly url: string;
  readonly exited: Promise<number | null>;
  stderr(): string;
}

/** Starts a worker with `/healthz` and `/metrics` and waits until it serves. */
export async function startOpsWorker(t: TestEnv, extra: Readonly<Record<string, string>> = {}): Promise<OpsWorker> {
  const child = spawn(
    process.execPath,
    [BIN, 'worker', '--sites', 'xizang', '--lock-duration-ms', '2000', '--stalled-interval-ms', '1000'],
    {
      env: {
        ...process.env,
        OPSGATE_SITES: labSitesDir(),
        REDIS_URL: t.redisUrl,
        OPSGATE_REDIS_PREFIX: t.prefix,
        OPSGATE_STATE_DIR: mkdtempSync(join(tmpdir(), 'opsgate-ops-')),
        LOG_LEVEL: 'info',
        METRICS_PORT: '0',
        OPSGATE_HEARTBEAT_MS: '300',
        ...extra,
      },
    },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const out = new OutputWatcher(child.stdout);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await out.waitFor(/serving xizang/, 0, 90_000).catch((e: unknown) => {
    child.kill('SIGKILL');
    throw new Error(`${String(e)}\n${err}`);
  });
  const url = /health and metrics on (http:\/\/\S+)\)/.exec(out.text)?.[1];
  if (url === undefined) throw new Error(`no ops address in: ${out.text}`);
  return { child, out, url, exited, stderr: () => err };
}

/** The value of a Prometheus sample whose labels include `labels` (0 when absent). */
export function sample(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number {
  for (const line of text.split('\n')) {
    const m = /^(\w+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (m?.[1] !== name) continue;
    if (Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`))) return Number(m[3]);
  }
  return 0;
}

export async function scrape(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}
