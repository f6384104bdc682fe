import { OpsgateError } from '../opsgate-error.ts';

/** A runbook produced a plan that breaks a rule (a destructive step without a gate, no rollback decision …). */
export class RunbookInvalidError extends OpsgateError {
  readonly code = 'RUNBOOK_INVALID';
  constructor(readonly runbook: string, readonly step: string | undefined, readonly problem: string, cause?: unknown) {
    super(`runbook ${runbook}${step === undefined ? '' : `, step ${step}`}: ${problem}`, {
      fields: { runbook, step, problem },
      cause,
    });
  }
}

/** No runbook of that name is registered. */
export class UnknownRunbookError extends OpsgateError {
  readonly code = 'RUNBOOK_UNKNOWN';
  constructor(readonly runbook: string, readonly known: readonly string[]) {
    super(`no runbook named ${runbook} (known: ${known.join(', ') || 'none'})`, { fields: { runbook, known } });
  }
}

/** The arguments given to a runbook do not fit its schema. */
export class RunbookArgsInvalidError extends OpsgateError {
  readonly code = 'RUNBOOK_ARGS_INVALID';
  constructor(readonly runbook: string, readonly problems: readonly string[]) {
    super(`runbook ${runbook}: bad arguments: ${problems.join('; ')}`, { fields: { runbook, problems } });
  }
}

/** The site named in a request is not configured. */
export class UnknownSiteError extends OpsgateError {
  readonly code = 'SITE_UNKNOWN';
  constructor(readonly site: string) {
    super(`no site named ${site}`, { fields: { site } });
  }
}

/** A run id that the store does not know. */
export class RunNotFoundError extends OpsgateError {
  readonly code = 'RUN_NOT_FOUND';
  constructor(readonly runId: string) {
    super(`no run ${runId}`, { fields: { runId } });
  }
}

/** Concurrent writers kept changing a run's state; the update was not applied. */
export class RunStateConflictError extends OpsgateError {
  readonly code = 'RUN_STATE_CONFLICT';
  constructor(readonly runId: string, readonly attempts: number) {
    super(`run ${runId}: state changed concurrently ${attempts} times, update not applied`, {
      retryable: true,
      fields: { runId, attempts },
    });
  }
}

/**
 * A secret a step writes to a command's stdin could not be had when the step was to run (no secret source, an
 * unknown name, an unset variable, a value that is not one line). Names the step and the secret, never a value.
 */
export class StepSecretError extends OpsgateError {
  readonly code = 'STEP_SECRET_UNAVAILABLE';
  constructor(readonly step: string, readonly secret: string, readonly reason: string, cause?: unknown) {
    super(`step ${step}: secret ${secret} for stdin: ${reason}`, { fields: { step, secret, reason }, cause });
  }
}
