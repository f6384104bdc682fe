import { createHash } from 'node:crypto';
import type { CapturedOutput, CommandRequest, CommandResult, FanOutOptions, HostOutcome, RemoteSession, UploadResult } from '../../../src/core/ports/remote.ts';

/**
 * A hand-written RemoteSession for engine unit tests. It records every command and plays a tiny host: a set
 * of paths per host (`test -e`, `test ! -e`, `ls -ld`, `mv A B`), an append-only log per file (`echo X >> F`),
 * free disk (`df … | awk`), services (`service N status …; echo $?`), and `sleep`. Commands joined with ` && `
 * run in order. `hang` makes matching commands never return (a worker killed mid-command); `unreachable`
 * makes a host throw like a dropped connection.
 */
export class FakeRemote implements RemoteSession {
  readonly calls: { host: string; command: string; stdin?: string }[] = [];
  /** Values given to `learnSecret`, in order. */
  readonly learned: string[] = [];
  readonly paths = new Map<string, Set<string>>();
  readonly logs = new Map<string, string[]>();
  readonly services = new Map<string, 'running' | 'stopped'>();
  freeBytes = 10 * 1024 ** 3;
  hang: RegExp | undefined;
  unreachable = new Set<string>();
  closed = 0;

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

  async exec(host: string, req: CommandRequest): Promise<CommandResult> {
    this.calls.push({ host, command: req.command, ...(req.stdin === undefined ? {} : { stdin: req.stdin }) });
    if (this.unreachable.has(host)) throw new Error(`${host}: connection lost`);
    if (this.hang?.test(req.command)) await new Promise(() => undefined);
    let code = 0;
    let out = '';
    for (const part of req.command.split(' && ')) {
      [code, out] = this.run(host, part.trim());
      if (code !== 0) break;
    }
    return { host, command: req.command, exitCode: code, stdout: captured(out), stderr: captured(''), startedAt: 0, durationMs: 1 };
  }

  private run(host: string, cmd: string): [number, string] {
    let m: RegExpMatchArray | null;
    if ((m = cmd.match(/^test -e (\S+)$/))) return [this.exists(host, m[1]!) ? 0 : 1, ''];
    if ((m = cmd.match(/^test ! -e (\S+)$/))) return [this.exists(host, m[1]!) ? 1 : 0, ''];
    if ((m = cmd.match(/^ls -ld (\S+)$/))) return this.exists(host, m[1]!) ? [0, `drwxr-xr-x ${m[1]!}\n`] : [2, ''];
    if (/^df -P -B1 /.test(cmd)) return [0, `${this.freeBytes}\n`];
    if ((m = cmd.match(/^service (\S+) status/))) return [0, this.services.get(`${host}:${m[1]!}`) === 'running' ? '0\n' : '3\n'];
    if (/^sleep \d+$/.test(cmd)) return [0, ''];
    if ((m = cmd.match(/^echo (\S+) >> (\S+)$/))) {
      const key = `${host}:${m[2]!}`;
      this.logs.set(key, [...(this.logs.get(key) ?? []), m[1]!]);
      return [0, ''];
    }
    if ((m = cmd.match(/^mv (\S+) (\S+)$/))) {
      const [src, dst] = [m[1]!, m[2]!];
      if (!this.exists(host, src) || this.exists(host, dst)) return [1, ''];
      const set = this.paths.get(host) ?? new Set<string>();
      for (const p of [...set]) {
        if (p === src || p.startsWith(`${src}/`)) {
          set.delete(p);
          set.add(dst + p.slice(src.length));
        }
      }
      return [0, ''];
    }
    if (cmd === 'true' || cmd === 'uptime') return [0, ''];
    return [127, ''];
  }

  /** Lines appended to `file` on `host` by `echo X >> file`. */
  linesOf(host: string, file: string): readonly string[] {
    return this.logs.get(`${host}:${file}`) ?? [];
  }

  async fanOut(hosts: readonly string[], req: (host: string) => CommandRequest, opts: FanOutOptions = {}): Promise<readonly HostOutcome[]> {
    const out: HostOutcome[] = [];
    let failed = false;
    for (const host of hosts) {
      if (failed && (opts.oneAtATime || opts.stopOnFailure)) {
        out.push({ host, status: 'skipped' });
        continue;
      }
      try {
        const result = await this.exec(host, req(host));
        out.push({ host, status: 'done', result });
        failed ||= result.exitCode !== 0;
      } catch (error) {
        out.push({ host, status: 'error', error: error as Error });
        failed = true;
      }
    }
    return out;
  }

  async upload(host: string): Promise<UploadResult> {
    throw new Error(`FakeRemote: upload to ${host} is not supported`);
  }

  learnSecret(value: string): void {
    this.learned.push(value);
  }

  redact(text: string): string {
    return text;
  }

  async close(): Promise<void> {
    this.closed++;
  }
}

function captured(text: string): CapturedOutput {
  return { head: text, tail: '', totalBytes: Buffer.byteLength(text), truncated: false, sha256: createHash('sha256').update(text).digest('hex') };
}
