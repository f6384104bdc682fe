import { OpsgateError } from '../opsgate-error.ts';

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
  constructor(
    readonly runId: string,
    readonly attempts: number,
  ) {
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
  constructor(
    readonly step: string,
    readonly secret: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`step ${step}: secret ${secret} for stdin: ${reason}`, { fields: { step, secret, reason }, cause });
  }
}
