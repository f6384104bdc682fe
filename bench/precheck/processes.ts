import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A child process the bench started, with what it printed so far. */
export interface Started {
  readonly pid: number;
  out(): string;
  err(): string;
  /** Resolves once stdout matched `re`; rejects if the process exits first. */
  waitFor(re: RegExp): Promise<void>;
  /** The exit code (null after a signal). */
  readonly exited: Promise<number | null>;
  kill(): void;
}

/** Starts `file args` (node when `file` is omitted: the first arg is then its argument) with `env`. */
export function startProcess(file: string, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Started {
  const child = spawn(file, [...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    pid: child.pid ?? 0,
    out: () => out,
    err: () => err,
    waitFor: (re) =>
      new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => {
          if (re.test(out)) {
            clearInterval(timer);
            resolve();
          } else if (child.exitCode !== null) {
            clearInterval(timer);
            reject(new Error(`${argv.join(' ')} exited ${String(child.exitCode)}: ${err.slice(-2000)}`));
          }
        }, 50);
      }),
    exited,
    kill: () => void child.kill('SIGTERM'),
  };
}

/** Runs `file args` to its end, `stdin` written to it; resolves with its exit code whatever it is. */
export function runToExit(file: string, argv: readonly string[], stdin?: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [...argv], { stdio: [stdin === undefined ? 'ignore' : 'pipe', 'ignore', 'ignore'] });
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

let ticks: number | undefined;

/** CPU seconds (user + system, its own and its waited-for children's) a live process used so far. */
export function procCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const [utime = 0, stime = 0, cutime = 0, cstime = 0] = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number)
    .slice(11, 15);
  ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return (utime + stime + cutime + cstime) / ticks;
}
