import { shellQuote } from '../../core/shell-quote.ts';

/**
 * The thin shell wrapper every command runs in, so that a timeout or an abort can kill the command and
 * everything it started. sshd already makes each exec'd command a session and process-group leader; the
 * wrapper makes sure of it with `setsid` when that is not so, then reports its process-group id on stderr
 * (a marker line the runner strips) before running the command in the same shell.
 * Only builtins run before the command (`kill -0`, `printf`): no extra process per command.
 */

const MARK = '\u001eOPSGATE-PGID';

/** The command line sent to sshd for `command`; `nonce` ties the marker to this one command. */
export function wrapCommand(command: string, nonce: string): string {
  const inner = `printf '%s %s %s\\n' ${shellQuote(MARK)} ${shellQuote(nonce)} "$$" >&2; ${command}`;
  // `kill -0 -PID` and `kill -SIG -PID` (no `--`, no `-s`) work in bash, dash and busybox sh alike.
  return `kill -0 -$$ 2>/dev/null || exec setsid /bin/sh -c ${shellQuote(inner)}\n${inner}`;
}

/**
 * Kills a process group: TERM, then KILL if anything is still there after `graceMs`. Exits 0 when the group
 * is gone or got SIGKILL (which cannot be ignored; a killed process may linger a moment as a zombie until its
 * parent reaps it), non-zero when the signals could not be delivered.
 */
export function killGroupCommand(pgid: number, graceMs = 2000): string {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new RangeError(`refusing to kill process group ${pgid}`);
  const rounds = Math.max(1, Math.ceil(graceMs / 100));
  return [
    `kill -TERM -${pgid} 2>/dev/null || exit 0`,
    `i=0; while kill -0 -${pgid} 2>/dev/null; do`,
    `  i=$((i+1)); if [ "$i" -ge ${rounds} ]; then kill -KILL -${pgid} 2>/dev/null; exit 0; fi; sleep 0.1`,
    'done',
  ].join('\n');
}

/**
 * Finds the wrapper's marker at the start of a stderr stream and passes everything else through.
 * Gives up looking (and passes all bytes on) after `maxScan` bytes, e.g. when a login script wrote first.
 */
export class PgidMarkerFilter {
  private buffered: Buffer | undefined = Buffer.alloc(0);
  private found: number | undefined;

  constructor(
    private readonly nonce: string,
    private readonly maxScan = 64 * 1024,
  ) {}

  /** The process-group id, once the marker was seen. */
  get pgid(): number | undefined {
    return this.found;
  }

  /** Returns the bytes that belong to the command's stderr. */
  write(chunk: Buffer): Buffer {
    if (this.buffered === undefined) return chunk;
    const all = Buffer.concat([this.buffered, chunk]);
    const prefix = Buffer.from(`${MARK} ${this.nonce} `);
    const at = all.indexOf(prefix);
    if (at >= 0) {
      const eol = all.indexOf(0x0a, at + prefix.length);
      if (eol >= 0) {
        this.found = Number(all.subarray(at + prefix.length, eol).toString('latin1'));
        this.buffered = undefined;
        return Buffer.concat([all.subarray(0, at), all.subarray(eol + 1)]);
      }
    } else if (all.length > this.maxScan) {
      this.buffered = undefined;
      return all;
    }
    this.buffered = all;
    return Buffer.alloc(0);
  }

  /** Releases whatever is still held (the stream ended before a marker). */
  end(): Buffer {
    const rest = this.buffered ?? Buffer.alloc(0);
    this.buffered = undefined;
    return rest;
  }
}
