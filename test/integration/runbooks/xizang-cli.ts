import { readFile } from 'node:fs/promises';
import type { Finding } from '../../../src/core/plan/run-state.ts';
import type { EngineEvent } from '../../../src/core/ports/events.ts';
import { RedisTestKeys, TEST_REDIS_URL } from '../../support/redis-test-keys.ts';
import { getLab } from '../../support/lab.ts';
import { labSitesDir, opsgate, startInteractive, type Finished, type Interactive } from '../cli/opsgate-process.ts';

/** Runs Xizang runbooks through `opsgate run --json` against the lab, as an operator would. */
export class XizangCli {
  readonly keys = new RedisTestKeys();

  /** `sitesDir`: a directory of site files other than the lab's own (a copy changed by a test). */
  constructor(private readonly sitesDir: string = labSitesDir()) {}

  /** Runs a chat command line with `--json`; returns the exit code, the events and the raw output. */
  async run(line: string, ...args: string[]): Promise<Finished & { events: EngineEvent[] }> {
    const env = { REDIS_URL: TEST_REDIS_URL, OPSGATE_REDIS_PREFIX: this.keys.prefix };
    const r = await opsgate(['run', line, '--sites', this.sitesDir, '--json', ...args], env);
    const events = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as EngineEvent);
    return { ...r, events };
  }

  /** Starts the same as `run`, returning the running process to watch (kill it in a `finally`). */
  start(line: string, ...args: string[]): Interactive {
    const env = { REDIS_URL: TEST_REDIS_URL, OPSGATE_REDIS_PREFIX: this.keys.prefix };
    return startInteractive(['run', line, '--sites', this.sitesDir, '--json', ...args], env);
  }

  async close(): Promise<void> {
    await this.keys.close();
  }
}

/** Every finding of every finished step, with its step id. */
export function findingsOf(events: readonly EngineEvent[]): (Finding & { step: string })[] {
  return events.flatMap((e) => (e.type === 'step.finished' ? e.findings.map((f) => ({ ...f, step: e.stepId })) : []));
}

/**
 * Why a run did not end as expected, for an assertion's message: the output tail of every host whose command failed
 * (the compact view's last lines hold only the step's long command), then the end of the output.
 */
export function explainRun(r: { stdout: string; events: readonly EngineEvent[] }): string {
  const failed = r.events.flatMap((e) =>
    e.type === 'step.output-summary'
      ? e.outputs
          .filter((o) => o.exitCode !== 0 && o.progress !== true)
          .map(
            (o) => `${e.stepId} ${o.host} exit ${o.exitCode ?? 'signal'}${o.error ? ` (${o.error})` : ''}:\n${o.tail}`,
          )
      : [],
  );
  return [...failed, r.stdout.slice(-1500)].join('\n---\n');
}

/**
 * The step a run stopped at after a rejection (`run.stopped`), or a description of how it ended instead. A run
 * that failed before its rejected gate ends at a failure gate, and a `/rollback` after it would answer that gate.
 */
export function stoppedAt(r: { stdout: string; events: readonly EngineEvent[] }): string {
  const last = r.events.at(-1);
  return last?.type === 'run.stopped' ? last.stepId : `not stopped by a rejection:\n${explainRun(r)}`;
}

/** The ids of the steps a run started, in order. */
export function startedSteps(events: readonly EngineEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'step.started' ? [e.stepId] : []));
}

/** The lab's secrets, to assert that none of them ever shows. */
export async function labSecrets(): Promise<string[]> {
  const s = getLab().secrets;
  return Promise.all(
    [s.rootPassword, s.redisPassword, s.csbRedisPassword].map(async (p) => (await readFile(p, 'utf8')).trim()),
  );
}
