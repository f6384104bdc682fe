import { describeError } from '../opsgate-error.ts';
import type { RemoteSession } from '../ports/remote.ts';
import type { EngineDeps } from './engine-deps.ts';
import { executeStep, type ExecuteStepInput, type StepOutcome } from './execute-step.ts';
import type { LoadedRun } from './load-run.ts';
import { outputStorer } from './output-storer.ts';
import type { ExecutableStep, HostCommand } from '../plan/step-schema.ts';
import { resolveStdinSecrets } from './resolve-stdin-secrets.ts';
import { stdinText } from '../plan/describe-command.ts';
import { bindProgram } from './bind-program.ts';
import { countSql } from './count-sql.ts';
import { progressReporter } from './progress-reporter.ts';

/**
 * Executes a step in the run's sessions (SSH, and SQL for a SQL step), with its stdin secrets resolved; a session
 * that cannot even be opened (bad config, a secret gone) is a transport failure. `beforeSend` is handed to
 * `executeStep`.
 */
export async function executeInSessions(
  deps: EngineDeps,
  loaded: LoadedRun,
  step: ExecutableStep,
  beforeSend?: ExecuteStepInput['beforeSend'],
): Promise<StepOutcome> {
  try {
    return await executeWithSessions(deps, loaded, step, beforeSend);
  } catch (e) {
    return {
      status: 'failed',
      failedAt: 'transport',
      hosts: [],
      outputs: [],
      probes: [],
      findings: [],
      summary: describeError(e),
    };
  }
}

async function executeWithSessions(
  deps: EngineDeps,
  loaded: LoadedRun,
  step: ExecutableStep,
  beforeSend: ExecuteStepInput['beforeSend'],
): Promise<StepOutcome> {
  const { site, run } = loaded;
  const remote: RemoteSession = await deps.openRemote(site, run.id);
  let secrets: ReadonlyMap<string, string>;
  try {
    secrets = await resolveStdinSecrets(deps.secrets, site.name, step, (v) => remote.learnSecret(v));
  } catch (e) {
    await remote.close().catch(() => undefined);
    // Nothing ran: like an unmet precondition, the step changed nothing.
    return {
      status: 'failed',
      failedAt: 'precondition',
      hosts: [],
      outputs: [],
      probes: [],
      findings: [],
      summary: describeError(e),
    };
  }
  const sqlTarget = step.targets.kind === 'sql' ? step.targets.target : undefined;
  const sqlSession =
    sqlTarget !== undefined && deps.openSql
      ? await deps.openSql(site, sqlTarget).catch(async (e: unknown) => {
          await remote.close().catch(() => undefined);
          throw e;
        })
      : undefined;
  try {
    const evaluator =
      step.kind === 'check' && step.evaluator !== undefined ? deps.runbooks.evaluator(step.evaluator) : undefined;
    // What the step's statements (its own, or its program's) did is counted, to report them as SQL.
    const tally = sqlSession === undefined ? undefined : countSql(sqlSession);
    const waits = progressReporter(deps, { site: site.name, runId: run.id }, step.id, {
      redact: (t) => remote.redact(t),
    });
    const program = bindProgram(deps, loaded, step, remote, tally?.session, waits);
    const outcome = await executeStep({
      step,
      remote,
      manualScripted: site.manualScripted,
      ...(sqlTarget !== undefined && sqlSession !== undefined
        ? { sql: { target: sqlTarget, session: sqlSession, ...(tally === undefined ? {} : { tally }) } }
        : {}),
      ...(evaluator ? { evaluator } : {}),
      ...(program ? { program } : {}),
      ...outputStorer(deps, { site: site.name, runId: loaded.run.id, stepId: step.id }),
      ...(secrets.size > 0 ? { stdin: (c: HostCommand) => stdinText(c, secrets) } : {}),
      clock: deps.clock,
      ...(beforeSend !== undefined ? { beforeSend } : {}),
      onOutput: waits.onOutput,
    });
    await waits.finish();
    return outcome;
  } finally {
    await Promise.allSettled([remote.close(), sqlSession?.close()]);
  }
}
