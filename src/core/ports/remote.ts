/**
 * The port through which a step touches a site's hosts. The engine and the runbooks depend on these types
 * only; `src/runners/ssh` implements them with ssh2, and tests use fakes that record calls.
 *
 * Contract every implementation keeps:
 * - one connection per host per session, reused by every command and closed by `close()`;
 * - every secret the session knows (given at creation or learned with `learnSecret`) is replaced by `***`
 *   in everything captured, before any caller, log or chat sees it;
 * - transport failures are thrown as coded errors naming the host (unreachable, auth failed, host key
 *   mismatch, timeout); a non-zero exit is a normal result unless `check` is set.
 */

/** One chunk of output as it arrives (already redacted). */
export interface OutputChunk {
  readonly host: string;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

/** Output kept in memory: the head and the tail; the whole (redacted) stream spooled to a file when large. */
export interface CapturedOutput {
  /** First bytes of the stream (the whole stream when it is short). */
  readonly head: string;
  /** Last bytes of the stream; empty when `head` already holds everything. */
  readonly tail: string;
  /** Total bytes produced by the remote command. */
  readonly totalBytes: number;
  /** True when bytes between head and tail were left out of memory. */
  readonly truncated: boolean;
  /** Path of a local file holding the whole redacted stream, when it was too long to keep in memory. */
  readonly spoolPath?: string;
  /** sha256 (hex) of the whole redacted stream: what the audit trail records. */
  readonly sha256: string;
}

export interface CommandRequest {
  /** The exact command line, built with `shellQuote` for every interpolated value. */
  readonly command: string;
  /** Kill the remote process (and its group) and throw a timeout error after this long. */
  readonly timeoutMs?: number;
  /** Throw a non-zero-exit error instead of returning the result. */
  readonly check?: boolean;
  /** Bytes written to the command's stdin, then closed. */
  readonly stdin?: string;
}

export interface CommandResult {
  readonly host: string;
  readonly command: string;
  /** null when the process died of a signal. */
  readonly exitCode: number | null;
  readonly signal?: string;
  readonly stdout: CapturedOutput;
  readonly stderr: CapturedOutput;
  readonly startedAt: number;
  readonly durationMs: number;
}

export interface ExecOptions {
  /** Called with each chunk as it arrives, redacted. */
  readonly onOutput?: (chunk: OutputChunk) => void;
  /** Aborting kills the remote process. */
  readonly signal?: AbortSignal;
}

/** How a command is spread over several hosts. */
export interface FanOutOptions extends ExecOptions {
  /** At most this many hosts at once (default 50). */
  readonly concurrency?: number;
  /** One host at a time, in the given order, stopping at the first failure (e.g. replica before master). */
  readonly oneAtATime?: boolean;
  /** Do not start new hosts after the first failure (implied by `oneAtATime`). */
  readonly stopOnFailure?: boolean;
}

/** The outcome on one host of a fan-out: a result, an error, or not started because an earlier host failed. */
export type HostOutcome =
  | { readonly host: string; readonly status: 'done'; readonly result: CommandResult }
  | { readonly host: string; readonly status: 'error'; readonly error: Error }
  | { readonly host: string; readonly status: 'skipped' };

/** The outcome of one command of a host's list: a result, an error, or not started (the list broke earlier). */
export type ListOutcome =
  | { readonly command: string; readonly status: 'done'; readonly result: CommandResult }
  | { readonly command: string; readonly status: 'error'; readonly error: Error }
  | { readonly command: string; readonly status: 'skipped' };

/** One host's outcomes of `fanOutBatch`, one per command of its list and in the list's order. */
export interface HostListOutcome {
  readonly host: string;
  readonly outcomes: readonly ListOutcome[];
}

/** How `fanOutBatch` spreads the hosts' lists. */
export interface BatchFanOutOptions extends ExecOptions {
  /** At most this many hosts at once (default 50). */
  readonly concurrency?: number;
}

export interface UploadRequest {
  readonly localPath: string;
  readonly remotePath: string;
  readonly mode?: number;
  /** Expected sha256 (hex) of the file; verified on the host after the upload (computed locally when absent). */
  readonly sha256?: string;
}

export interface UploadResult {
  readonly host: string;
  readonly remotePath: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly durationMs: number;
}

/** A run's connections to a site's hosts. */
export interface RemoteSession {
  /** Runs one command on one host (by its site-file name). */
  exec(host: string, req: CommandRequest, opts?: ExecOptions): Promise<CommandResult>;
  /** Runs a command per host over several hosts; never throws for one host's failure. */
  fanOut(
    hosts: readonly string[],
    req: (host: string) => CommandRequest,
    opts?: FanOutOptions,
  ): Promise<readonly HostOutcome[]>;
  /**
   * Optional batch mode: runs each host's list of commands in order over ONE channel per host, with the same
   * per-command results (exit code, separate streams, redaction, timeouts) as `exec`. A session without it is
   * used one command per channel. Requests carry no `stdin`; bad input throws before any host is touched; a
   * host's failure is an outcome (a list that broke gives `error` at that command and `skipped` after it).
   */
  fanOutBatch?(
    hosts: readonly string[],
    commands: (host: string) => readonly CommandRequest[],
    opts?: BatchFanOutOptions,
  ): Promise<readonly HostListOutcome[]>;
  /** Uploads a file by SFTP and verifies its checksum on the host. */
  upload(host: string, req: UploadRequest): Promise<UploadResult>;
  /** Adds a value learned at run time (e.g. a password read from a config file) to what is redacted. */
  learnSecret(value: string): void;
  /** Replaces every known secret in `text` with `***`. */
  redact(text: string): string;
  /** Closes every connection. */
  close(): Promise<void>;
}
