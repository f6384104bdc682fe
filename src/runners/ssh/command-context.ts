import type { CaptureLimits } from './output-capture.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { RunnerLog } from './runner-log.ts';
import type { SecretRedactor } from './secret-redactor.ts';

/** What one command needs from its session. */
export interface CommandContext {
  readonly host: string;
  readonly redactor: SecretRedactor;
  readonly clock: Clock;
  readonly log: RunnerLog;
  readonly limits: CaptureLimits;
  /** A fresh unique id (nonce of the wrapper marker, spool file names). */
  readonly newId: () => string;
  /** Where the spool file of `stream` goes if it is needed. */
  readonly spoolPath: (id: string, stream: 'stdout' | 'stderr') => string;
}
