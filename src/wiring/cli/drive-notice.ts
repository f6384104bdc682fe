import type { GateChoice } from '../../core/ports/gates.ts';

/**
 * What `opsgate run` tells the person running it besides the run's own events: a refused decision, why it
 * stops following a run that waits, a lost or restored Redis. `message` is the line printed as text; with
 * `--json` the whole object is printed as one line, `type` first.
 */
export type DriveNotice =
  | {
      readonly type: 'decision-refused';
      readonly runId: string;
      readonly stepId: string;
      readonly gateId: string;
      readonly choice: GateChoice;
      readonly user: string;
      readonly message: string;
    }
  | {
      /** The run is left waiting at a gate this command does not (or may not) answer. */
      readonly type: 'waiting';
      readonly runId: string;
      readonly stepId: string;
      readonly gateId: string;
      readonly gateKind: string;
      readonly message: string;
    }
  | { readonly type: 'not-succeeded'; readonly runId: string; readonly outcome: string; readonly message: string }
  | {
      /** Redis stopped answering; the command follows the run again when it is back, for up to `waitMs`. */
      readonly type: 'redis-lost';
      readonly runId: string;
      readonly redis: string;
      readonly error: string;
      readonly waitMs: number;
      readonly message: string;
    }
  | {
      readonly type: 'redis-back';
      readonly runId: string;
      readonly redis: string;
      readonly downMs: number;
      readonly message: string;
    }
  | {
      /** The command stops following: Redis stayed away, the run is gone from it, or a decision could not be sent. */
      readonly type: 'gave-up';
      readonly runId: string;
      readonly redis: string;
      readonly reason: 'redis-down' | 'run-lost' | 'decision-failed';
      readonly message: string;
    };
