import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type {
  CapturedOutput,
  CommandRequest,
  CommandResult,
  ExecOptions,
  FanOutOptions,
  HostOutcome,
  RemoteSession,
  UploadRequest,
  UploadResult,
} from '../../../src/core/ports/remote.ts';
import {
  SshChecksumMismatchError,
  SshCommandAbortedError,
  SshConfigError,
  SshHostNotConfiguredError,
  SshNonZeroExitError,
  SshTimeoutError,
  SshUnreachableError,
  type SshEndpoint,
} from '../../../src/runners/ssh/ssh-errors.ts';

/**
 * A hand-written RemoteSession for engine unit tests. It records every command and plays a tiny host: a set
 * of paths per host (`test -e`, `test ! -e`, `ls -ld`, `mv A B`), an append-only log per file (`echo X >> F`),
 * free disk (`df … | awk`), services (`service N status …; echo $?`), output (`echo X`, `echo X >&2`, `cat` of
 * stdin), `exit N`, and `sleep N` on a virtual clock (instant, but past a request's `timeoutMs` it times out).
 * Commands joined with ` && ` run in order. `hang` makes matching commands never return (a worker killed
 * mid-command); `unreachable` makes a host throw like a dropped connection.
 *
 * Everything a caller sees behaves as the SSH runner does (the RemoteSession contract suite runs against
 * both): the runner's coded errors, `check`, redaction of learned secrets, `onOutput`, abort, fan-out
 * concurrency, a closed session refusing commands, uploads checked by sha256. Given `hosts`, it refuses any
 * other host as the runner refuses one missing from the site file.
 */
export class FakeRemote implements RemoteSession {
  readonly calls: { host: string; command: string; stdin?: string }[] = [];
  /** Values given to `learnSecret`, in order. */
  readonly learned: string[] = [];
  readonly uploads: { host: string; localPath: string; remotePath: string; sha256: string }[] = [];
  readonly paths = new Map<string, Set<string>>();
  readonly logs = new Map<string, string[]>();
  readonly services = new Map<string, 'running' | 'stopped'>();
  freeBytes = 10 * 1024 ** 3;
  hang: RegExp | undefined;
  unreachable = new Set<string>();
  /** How many times `close()` was called. */
  closed = 0;
  private isOpen = true;
  private readonly known: ReadonlySet<string> | undefined;

  constructor(opts: { readonly hosts?: readonly string[] } = {}) {
    this.known = opts.hosts === undefined ? undefined : new Set(opts.hosts);
  }

  /**
   * Opens the fake again after `close()`, as a new session to the same hosts: engine tests hand one fake to
   * every step, and the engine closes its session at the end of each.
   */
  reopen(): this {
    this.isOpen = true;
    return this;
  }

  /** Creates paths on a host. */
  touch(host: string, ...paths: string[]): this {
    const set = this.paths.get(host) ?? new Set<string>();
    for (const p of paths) set.add(p);
    this.paths.set(host, set);
    return this;
  }

  exists(host: string, path: string): boolean {
    return [...(this.paths.get(host) ?? [])].some((p) => p === path || p.startsWith(`${path}/`));
  }

  /** Commands run on a host that match `re`. */
  ran(re: RegExp, host?: string): number {
    return this.calls.filter((c) => re.test(c.command) && (host === undefined || c.host === host)).length;
  }

  async exec(host: string, req: CommandRequest, opts: ExecOptions = {}): Promise<CommandResult> {
    this.refuseUnknown(host);
    this.refuseClosed(host);
    const command = this.redact(req.command);
    if (opts.signal?.aborted === true) throw new SshCommandAbortedError(host, command, 'not started');
    this.calls.push({ host, command: req.command, ...(req.stdin === undefined ? {} : { stdin: req.stdin }) });
    if (this.unreachable.has(host)) throw new SshUnreachableError(fakeEndpoint(host), 'connection lost');
    if (this.hang?.test(req.command)) await new Promise(() => undefined);
    let code = 0;
    let out = '';
    let err = '';
    let sleptMs = 0;
    for (const part of req.command.split(' && ')) {
      const ran = this.run(host, part.trim(), req.stdin);
      sleptMs += ran.sleptMs;
      // The runner kills the command at its timeout: what comes after the sleep that outlives it never runs.
      if (req.timeoutMs !== undefined && sleptMs > req.timeoutMs) {
        throw new SshTimeoutError(host, command, req.timeoutMs, true);
      }
      [code, out, err] = [ran.code, out + ran.stdout, err + ran.stderr];
      if (code !== 0) break;
    }
    const [stdout, stderr] = [this.redact(out), this.redact(err)];
    if (stdout !== '') opts.onOutput?.({ host, stream: 'stdout', text: stdout });
    if (stderr !== '') opts.onOutput?.({ host, stream: 'stderr', text: stderr });
    const result: CommandResult = {
      host,
      command,
      exitCode: code,
      stdout: captured(out, stdout),
      stderr: captured(err, stderr),
      startedAt: 0,
      durationMs: 1,
    };
    if (req.check === true && code !== 0) throw new SshNonZeroExitError(result);
    return result;
  }

  private run(host: string, cmd: string, stdin: string | undefined): Ran {
    let m: RegExpMatchArray | null;
    if ((m = cmd.match(/^test -e (\S+)$/))) return ran(this.exists(host, m[1]!) ? 0 : 1);
    if ((m = cmd.match(/^test ! -e (\S+)$/))) return ran(this.exists(host, m[1]!) ? 1 : 0);
    if ((m = cmd.match(/^ls -ld (\S+)$/))) {
      if (this.exists(host, m[1]!)) return ran(0, `drwxr-xr-x ${m[1]!}\n`);
      return ran(2, '', `ls: cannot access '${m[1]!}': No such file or directory\n`);
    }
    if (/^df -P -B1 /.test(cmd)) return ran(0, `${this.freeBytes}\n`);
    if ((m = cmd.match(/^service (\S+) status/)))
      return ran(0, this.services.get(`${host}:${m[1]!}`) === 'running' ? '0\n' : '3\n');
    if ((m = cmd.match(/^sleep (\d+)$/))) return { ...ran(0), sleptMs: Number(m[1]) * 1000 };
    if ((m = cmd.match(/^echo (\S+) >> (\S+)$/))) {
      const key = `${host}:${m[2]!}`;
      this.logs.set(key, [...(this.logs.get(key) ?? []), m[1]!]);
      // `>>` creates the file, as on a real host.
      this.touch(host, m[2]!);
      return ran(0);
    }
    if ((m = cmd.match(/^echo (\S+) >&2$/))) return ran(0, '', `${m[1]!}\n`);
    if ((m = cmd.match(/^echo (\S+)$/))) return ran(0, `${m[1]!}\n`);
    if ((m = cmd.match(/^exit (\d+)$/))) return ran(Number(m[1]));
    if (cmd === 'cat') return ran(0, stdin ?? '');
    if ((m = cmd.match(/^mv (\S+) (\S+)$/))) {
      const [src, dst] = [m[1]!, m[2]!];
      if (!this.exists(host, src) || this.exists(host, dst)) return ran(1);
      const set = this.paths.get(host) ?? new Set<string>();
      for (const p of [...set]) {
        if (p === src || p.startsWith(`${src}/`)) {
          set.delete(p);
          set.add(dst + p.slice(src.length));
        }
      }
      return ran(0);
    }
    if (cmd === 'true' || cmd === 'uptime') return ran(0);
    return ran(127, '', `sh: 1: ${cmd.split(' ')[0] ?? ''}: not found\n`);
  }

  /** Lines appended to `file` on `host` by `echo X >> file`. */
  linesOf(host: string, file: string): readonly string[] {
    return this.logs.get(`${host}:${file}`) ?? [];
  }

  async fanOut(
    hosts: readonly string[],
    req: (host: string) => CommandRequest,
    opts: FanOutOptions = {},
  ): Promise<readonly HostOutcome[]> {
    // Bad input fails before any host is touched, as in the runner.
    for (const host of hosts) this.refuseUnknown(host);
    const concurrency = opts.oneAtATime === true ? 1 : (opts.concurrency ?? 50);
    const stopOnFailure = opts.oneAtATime === true || opts.stopOnFailure === true;
    const execOpts: ExecOptions = {
      ...(opts.onOutput === undefined ? {} : { onOutput: opts.onOutput }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    };
    const outcomes: (HostOutcome | undefined)[] = hosts.map(() => undefined);
    let next = 0;
    let failed = false;
    // Up to `concurrency` hosts start at once, as in the runner: a failure holds back only hosts not started yet.
    const worker = async (): Promise<void> => {
      while (!failed && opts.signal?.aborted !== true && next < hosts.length) {
        const i = next++;
        const host = hosts[i]!;
        try {
          const result = await this.exec(host, req(host), execOpts);
          outcomes[i] = { host, status: 'done', result };
          failed ||= stopOnFailure && result.exitCode !== 0;
        } catch (error) {
          outcomes[i] = { host, status: 'error', error: error instanceof Error ? error : new Error(String(error)) };
          failed ||= stopOnFailure;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, hosts.length) }, worker));
    return hosts.map((host, i) => outcomes[i] ?? { host, status: 'skipped' });
  }

  /** Uploads a local file: its sha256 is checked against `req.sha256`, and the path then exists on the host. */
  async upload(host: string, req: UploadRequest): Promise<UploadResult> {
    this.refuseUnknown(host);
    this.refuseClosed(host);
    if (this.unreachable.has(host)) throw new SshUnreachableError(fakeEndpoint(host), 'connect');
    const data = await readFile(req.localPath).catch((e: unknown) => {
      throw new SshConfigError(host, `cannot read local file ${req.localPath}`, e);
    });
    const sha256 = createHash('sha256').update(data).digest('hex');
    if (req.sha256 !== undefined && req.sha256 !== sha256) {
      throw new SshChecksumMismatchError(host, req.remotePath, req.sha256, sha256, sha256);
    }
    this.uploads.push({ host, localPath: req.localPath, remotePath: req.remotePath, sha256 });
    this.touch(host, req.remotePath);
    return { host, remotePath: req.remotePath, bytes: data.length, sha256, durationMs: 1 };
  }

  learnSecret(value: string): void {
    this.learned.push(value);
  }

  redact(text: string): string {
    // Longest first, so that a secret containing a shorter one is replaced whole; an empty one would match everywhere.
    const secrets = [...new Set(this.learned)].filter((s) => s !== '').sort((a, b) => b.length - a.length);
    return secrets.reduce((t, s) => t.split(s).join('***'), text);
  }

  async close(): Promise<void> {
    this.closed++;
    this.isOpen = false;
  }

  private refuseUnknown(host: string): void {
    if (this.known !== undefined && !this.known.has(host)) throw new SshHostNotConfiguredError(host, [...this.known]);
  }

  private refuseClosed(host: string): void {
    if (!this.isOpen) throw new SshUnreachableError(fakeEndpoint(host), 'connect', new Error('the session is closed'));
  }
}

/** What one command of the tiny host did. */
interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Virtual time the command took. */
  readonly sleptMs: number;
}

function ran(code: number, stdout = '', stderr = ''): Ran {
  return { code, stdout, stderr, sleptMs: 0 };
}

/** The fake has no addresses: a host is dialled at its own name. */
function fakeEndpoint(host: string): SshEndpoint {
  return { host, address: host, port: 22 };
}

/** `raw` as the remote command wrote it (what `totalBytes` counts), `text` as it leaves the session (redacted). */
function captured(raw: string, text: string): CapturedOutput {
  const sha256 = createHash('sha256').update(text).digest('hex');
  return { head: text, tail: '', totalBytes: Buffer.byteLength(raw), truncated: false, sha256 };
}
