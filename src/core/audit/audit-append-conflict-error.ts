import { OpsgateError } from '../opsgate-error.ts';

/** Appending kept losing the race for the chain head; retrying later may succeed. */
export class AuditAppendConflictError extends OpsgateError {
  readonly code = 'AUDIT_APPEND_CONFLICT';

  constructor(site: string, attempts: number) {
    super(
      `could not append to the audit trail of ${site} after ${attempts} attempts: other writers kept moving its head`,
      {
        retryable: true,
        fields: { site, attempts },
      },
    );
  }
}
