import { OpsgateError } from '../../../core/opsgate-error.ts';
import { formatDurationMs } from './statement-timeout.ts';

/**
 * A statement of an upgrade_checker check ran past the timeout the script gives it (its `query_timeout` hint,
 * `-t`, or the session default). Like a SQL error, it is not a finding: the script would abort too. Retrying
 * may succeed on a quieter cluster.
 */
export class ObCheckTimeoutError extends OpsgateError {
  readonly code = 'OB_CHECK_TIMEOUT';
  constructor(
    readonly checkId: string,
    readonly fn: string,
    readonly timeoutMs: number,
    readonly statement: string,
    cause?: unknown,
  ) {
    super(
      `check ${checkId} (${fn}) did not finish within its timeout of ${formatDurationMs(timeoutMs)}: ${statement}`,
      { retryable: true, fields: { checkId, fn, timeoutMs, statement }, cause },
    );
  }
}
