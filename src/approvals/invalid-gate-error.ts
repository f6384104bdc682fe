import { OpsgateError } from '../core/opsgate-error.ts';

/** A gate was opened with input that cannot work (a bug in the caller, not a user's click). */
export class InvalidGateError extends OpsgateError {
  readonly code = 'INVALID_GATE';

  constructor(problem: string, fields: { site: string; runId: string; stepId: string }) {
    super(`cannot open a gate for ${fields.site}/${fields.runId}/${fields.stepId}: ${problem}`, {
      fields: { ...fields, problem },
    });
  }
}
