import { OpsgateError } from '../opsgate-error.ts';

/** An audit event that cannot be recorded as it is: a missing field, or data that is not plain JSON. */
export class AuditDataError extends OpsgateError {
  readonly code = 'AUDIT_DATA_INVALID';

  constructor(problem: string, fields: { site?: string; type?: string; path?: string }) {
    super(
      `audit event${fields.type ? ` ${fields.type}` : ''}${fields.site ? ` for ${fields.site}` : ''} not recorded: ${problem}`,
      {
        fields: { ...fields, problem },
      },
    );
  }
}
