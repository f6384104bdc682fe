import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labExec } from '../../../src/wiring/lab/index.ts';
import { getLab } from '../../support/lab.ts';

/** Helpers for tests that run the `opsgate` binary as a person would, against the site lab. */

export const BIN = fileURLToPath(new URL('../../../bin/opsgate.js', import.meta.url));

/** The directory of the site file of the lab the global setup brought up (it holds only xizang.yml). */
export function labSitesDir(): string {
  const lab = getLab();
  if (lab.siteFile === null) throw new Error(`lab ${lab.prefix} has no site file`);
  return dirname(lab.siteFile);
}

/** The host and directory the lab-move-dir runbook acts on (its defaults). */
export const MOVE_HOST = 'fdfs-3';
const BASE = '/app/opsgate-test';

/** A fresh `<base>/data` with one file, no backup, an empty effect log. */
export async function resetMoveDir(): Promise<void> {
  const r = await labExec(getLab(), MOVE_HOST, [
    'sh',
    '-c',
    `rm -rf ${BASE} && mkdir -p ${BASE}/data && echo keep > ${BASE}/data/file && : > ${BASE}/effects.log`,
  ]);
  if (r.exitCode !== 0) throw new Error(`cannot reset ${BASE} on ${MOVE_HOST}: ${r.stderr}`);
}

/** What the runbook left on the host: whether data and data_bak exist, and the effect log's lines. */
export async function moveDirState(): Promise<{
  readonly data: boolean;
  readonly bak: boolean;
  readonly effects: readonly string[];
}> {
  const r = await labExec(getLab(), MOVE_HOST, [
    'sh',
    '-c',
    `test -e ${BASE}/data && echo data; test -e ${BASE}/data_bak && echo bak; sed 's/^/effect /' ${BASE}/effects.log`,
  ]);
  const lines = r.stdout.split('\n');
  return {
    data: lines.includes('data'),
    bak: lines.includes('bak'),
    effects: lines.filter((l) => l.startsWith('effect ')).map((l) => l.slice('effect '.length)),
  };
}

export interface Finished {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `opsgate ARGS…` to its end with the given environment (added to this process's, minus `REDIS_URL` when
 * undefined).
 */
export function opsgate(args: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<Finished> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: childEnv(env), maxBuffer: 16 * 1024 * 1024 },
      (e, stdout, stderr) => {
        const code =
          e === null ? 0 : typeof (e as { code?: unknown }).code === 'number' ? (e as { code: number }).code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Starts `opsgate ARGS…` with pipes, for interactive tests. */
export function spawnOpsgate(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [BIN, ...args], { env: childEnv(env) });
}

function childEnv(extra: Readonly<Record<string, string | undefined>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Collects a child's stdout and waits for text to appear in it (after `from`, default anywhere). */
export class OutputWatcher {
  text = '';
  private waiters: { re: RegExp; from: number; resolve: (i: number) => void }[] = [];

  constructor(stream: NodeJS.ReadableStream) {
    stream.on('data', (d: Buffer) => {
      this.text += d.toString();
      this.waiters = this.waiters.filter((w) => {
        const i = this.indexOf(w.re, w.from);
        if (i >= 0) w.resolve(i);
        return i < 0;
      });
    });
  }

  private indexOf(re: RegExp, from: number): number {
    const m = re.exec(this.text.slice(from));
    return m === null ? -1 : from + m.index + m[0].length;
  }

  /** Resolves with the offset just after the first match found after `from`; rejects after `timeoutMs`. */
  waitFor(re: RegExp, from = 0, timeoutMs = 60_000): Promise<number> {
    const i = this.indexOf(re, from);
    if (i >= 0) return Promise.resolve(i);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${re} in output after ${timeoutMs} ms:\n${this.text.slice(from)}`)),
        timeoutMs,
      );
      this.waiters.push({ re, from, resolve: (n) => (clearTimeout(timer), resolve(n)) });
    });
  }
}

/** A running interactive `opsgate`: its output, its exit, and a way to type lines into it. */
export interface Interactive {
  readonly child: ChildProcessWithoutNullStreams;
  readonly out: OutputWatcher;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  type(line: string): void;
}

/** Starts `opsgate ARGS…` and watches its output; kill it in a `finally`. */
export function startInteractive(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Interactive {
  const child = spawnOpsgate(args, env);
  const out = new OutputWatcher(child.stdout);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out, exited, type: (line) => void child.stdin.write(`${line}\n`) };
}
