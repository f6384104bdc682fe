import type { EngineDeps } from './engine-deps.ts';
import type { ExecutableStep } from '../plan/step-schema.ts';
import type { Finding } from '../plan/run-state.ts';
import type { LoadedRun } from './load-run.ts';
import type { RemoteSession } from '../ports/remote.ts';
import type { SqlSession } from '../ports/sql.ts';
import { notify } from './notify.ts';
import type { ProgressReporter } from './progress-reporter.ts';

/**
 * The step's program with its context: progress notes go to the thread as output summaries, its waits to `waits`
 * (`step.progress` events).
 */
export function bindProgram(
  deps: EngineDeps,
  { run, site }: LoadedRun,
  step: ExecutableStep,
  remote: RemoteSession,
  sql: SqlSession | undefined,
  waits: ProgressReporter,
): (() => Promise<readonly Finding[]>) | undefined {
  if (step.program === undefined) return undefined;
  const fn = deps.runbooks.program(step.program.id);
  if (fn === undefined)
    return async () => Promise.reject(new Error(`program ${step.program?.id ?? ''} is not registered`));
  const target = step.targets.kind === 'sql' ? step.targets.target : step.targets.hosts.join(',');
  const head = { site: run.site, runId: run.id };
  const args = step.program.args;
  return () =>
    fn(
      {
        site,
        run,
        step,
        remote,
        ...(sql ? { sql } : {}),
        ...(deps.files === undefined ? {} : { files: deps.files }),
        clock: deps.clock,
        sleep: deps.sleep,
        progress: (text) =>
          notify(deps, head, {
            type: 'step.output-summary',
            stepId: step.id,
            outputs: [
              { host: target, exitCode: null, tail: remote.redact(text), totalBytes: text.length, progress: true },
            ],
          }),
        waiting: (w) => waits.report({ ...w, target: w.target ?? target }),
      },
      args,
    );
}
