import type { CapturedOutput } from './remote.ts';

/**
 * Where a step's long output goes so that a chat process on another machine can show it whole: the worker
 * stores one host's redacted output of one step, the event carries a reference, the bot reads it back.
 * Everything stored was redacted by the runner already; the audit trail keeps digests only.
 */

/** A stored output, as events carry it. */
export interface OutputArtefactRef {
  /** Where it is (a Redis key: `GET` it). */
  readonly key: string;
  /** Bytes stored (at most the cap). */
  readonly bytes: number;
  /** True when the output was longer than the cap and its end was left out (the file says so). */
  readonly capped: boolean;
  /** When it will be gone (milliseconds since the epoch). */
  readonly expiresAt: number;
}

/** Which step and host an output belongs to. */
export interface OutputArtefactOwner {
  readonly site: string;
  readonly runId: string;
  readonly stepId: string;
  readonly host: string;
}

/** Stores and reads step outputs. */
export interface OutputArtefacts {
  /** Stores the whole (redacted) stdout and stderr of one host, reading a spooled stream from its file. */
  put(owner: OutputArtefactOwner, stdout: CapturedOutput, stderr: CapturedOutput): Promise<OutputArtefactRef>;
  /** The stored text, or undefined once it expired. */
  get(key: string): Promise<string | undefined>;
}
