import { OpsgateError } from '../opsgate-error.ts';

/** A runbook produced a plan that breaks a rule (a destructive step without a gate, no rollback decision …). */
export class RunbookInvalidError extends OpsgateError {
  readonly code = 'RUNBOOK_INVALID';
  constructor(
    readonly runbook: string,
    readonly step: string | undefined,
    readonly problem: string,
    cause?: unknown,
  ) {
    super(`runbook ${runbook}${step === undefined ? '' : `, step ${step}`}: ${problem}`, {
      fields: { runbook, step, problem },
      cause,
    });
  }
}

/** No runbook of that name is registered. */
export class UnknownRunbookError extends OpsgateError {
  readonly code = 'RUNBOOK_UNKNOWN';
  constructor(
    readonly runbook: string,
    readonly known: readonly string[],
  ) {
    super(`no runbook named ${runbook} (known: ${known.join(', ') || 'none'})`, { fields: { runbook, known } });
  }
}

/** The arguments given to a runbook do not fit its schema. */
export class RunbookArgsInvalidError extends OpsgateError {
  readonly code = 'RUNBOOK_ARGS_INVALID';
  constructor(
    readonly runbook: string,
    readonly problems: readonly string[],
  ) {
    super(`runbook ${runbook}: bad arguments: ${problems.join('; ')}`, { fields: { runbook, problems } });
  }
}
