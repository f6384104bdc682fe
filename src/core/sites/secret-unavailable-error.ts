import { OpsgateError } from '../opsgate-error.ts';
import type { SecretProblem } from './secret-ref.ts';

/**
 * A secret the site file references could not be read when it was needed (the variable was unset or the file
 * went away after validation). Its fields name the reference, never a value; fixing the environment and
 * retrying may succeed.
 */
export class SecretUnavailableError extends OpsgateError {
  readonly code = 'SECRET_UNAVAILABLE';

  constructor(
    readonly problem: SecretProblem,
    readonly reference: string,
  ) {
    super(`${problem.message}; set it where opsgate runs, then retry`, {
      retryable: true,
      fields: { reference, reason: problem.code },
    });
  }
}
