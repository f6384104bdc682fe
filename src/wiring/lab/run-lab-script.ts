import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT, type LabRef } from './lab-ref.ts';
import { LabNotRootError } from './lab-errors.ts';

/** What lab/lab.sh printed and how it ended. With `output: 'inherit'` stdout and stderr are empty. */
export interface LabScriptResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** How to run the controller: stream or collect its output, and what to feed its stdin. */
export interface LabScriptOptions {
  /** `inherit` streams the controller's output to this process (the CLI); `capture` collects it. */
  readonly output?: 'inherit' | 'capture';
  readonly input?: string;
  /** Extra environment for the controller (e.g. OPSGATE_LAB_SKIP_ROLES). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Dies loudly unless this is a root process on Linux: the lab cannot be faked or skipped. */
export function assertLabCapable(): void {
  const uid = process.getuid?.();
  if (process.platform !== 'linux' || uid !== 0) throw new LabNotRootError(process.platform, uid);
}

/** Runs `lab/lab.sh ARGS…` for the lab `ref` (the script picks the bare lab itself from `--bare` or a bNNN host). */
export function runLabScript(
  ref: LabRef,
  args: readonly string[],
  opts: LabScriptOptions = {},
): Promise<LabScriptResult> {
  assertLabCapable();
  const capture = opts.output !== 'inherit';
  const child = spawn('bash', [path.join(REPO_ROOT, 'lab', 'lab.sh'), ...args], {
    env: { ...process.env, ...opts.env, OPSGATE_LAB_PREFIX: ref.prefix, OPSGATE_LAB_NET: ref.net },
    stdio: [
      opts.input === undefined ? (capture ? 'ignore' : 'inherit') : 'pipe',
      capture ? 'pipe' : 'inherit',
      capture ? 'pipe' : 'inherit',
    ],
  });
  const out: Buffer[] = [];
  const errOut: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => out.push(b));
  child.stderr?.on('data', (b: Buffer) => errOut.push(b));
  if (opts.input !== undefined) child.stdin?.end(opts.input);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({
        exitCode: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(errOut).toString('utf8'),
      });
    });
  });
}

/** The last few lines of the controller's stderr, for an error message. */
export function tail(text: string, lines = 6): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
