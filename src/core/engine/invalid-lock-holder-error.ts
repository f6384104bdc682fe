import { OpsgateError } from '../opsgate-error.ts';

/** The engine asked for the site lock with a holder that is not complete (a bug in the caller). */
export class InvalidLockHolderError extends OpsgateError {
  readonly code = 'INVALID_LOCK_HOLDER';

  constructor(problems: readonly string[], site: unknown, runId: unknown) {
    super(`cannot take the site lock: ${problems.join('; ')}`, { fields: { site, runId, problems } });
  }
}
