import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  batchCommandLine,
  batchStdin,
  needsOwnShell,
  newBatchNonce,
} from '../../../../src/runners/ssh/batch-driver.ts';
import { BatchFrameParser, type BatchFrame } from '../../../../src/runners/ssh/batch-frames.ts';

/** Runs a batch's command line the way sshd does (`bash -c` in a new session) and splits both streams. */
async function runLocally(commands: readonly string[], stopOnFailure = false) {
  const nonce = newBatchNonce();
  const child = spawn('setsid', ['bash', '-c', batchCommandLine(commands, stopOnFailure)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const parsed = { stdout: [] as (string | BatchFrame)[], stderr: [] as (string | BatchFrame)[] };
  for (const stream of ['stdout', 'stderr'] as const) {
    const parser = new BatchFrameParser(nonce);
    child[stream].on('data', (b: Buffer) => {
      for (const ev of parser.push(b)) parsed[stream].push(ev.type === 'data' ? ev.bytes.toString('latin1') : ev.frame);
    });
  }
  child.stdin.end(batchStdin(nonce));
  const code = await new Promise((r) => child.on('close', r));
  /** Each stream as command index → its text, and the frames' kinds in order. */
  const split = (items: readonly (string | BatchFrame)[]) => {
    const texts: string[] = [];
    let cur = 0;
    for (const it of items) {
      if (typeof it === 'string') texts[cur] = (texts[cur] ?? '') + it;
      else if (it.kind === 'B') cur = it.index;
    }
    return {
      texts,
      kinds: items.flatMap((it) =>
        typeof it === 'string' ? [] : [it.kind === 'E' ? `E${it.index}:${it.status}` : it.kind],
      ),
    };
  };
  return { code, stdout: split(parsed.stdout), stderr: split(parsed.stderr) };
}

describe('batch driver (bash, run locally)', () => {
  it('frames each command’s stdout and stderr apart, byte-exact, and reports every exit status', async () => {
    const r = await runLocally(['printf out1; printf err1 >&2', 'exit 3', "printf 'a\\nb'"]);
    expect(r.code).toBe(0);
    expect(r.stdout.kinds).toEqual(['B', 'E1:0', 'B', 'E2:3', 'B', 'E3:0', 'Z']);
    expect(r.stderr.kinds).toEqual(['H', 'B', 'P', 'E1:0', 'B', 'P', 'E2:3', 'B', 'P', 'E3:0', 'Z']);
    expect(r.stdout.texts).toEqual([undefined, 'out1', undefined, 'a\nb']);
    expect(r.stderr.texts).toEqual([undefined, 'err1']);
  });

  it('with stop-on-failure starts nothing after a failed command', async () => {
    const r = await runLocally(['true', 'false', 'echo never'], true);
    expect(r.stdout.kinds).toEqual(['B', 'E1:0', 'B', 'E2:1', 'Z']);
    expect(r.stdout.texts.join('')).not.toContain('never');
  });

  it('gives a command that reads $$ a shell of its own, and hides the driver’s variables from every command', async () => {
    const r = await runLocally(['[ "$$" = "$BASHPID" ] && echo own', 'echo "[${__og_n-}${__og_i-}${__og_stop-}]"']);
    expect(r.stdout.texts.slice(1)).toEqual(['own\n', '[]\n']);
    expect(needsOwnShell('echo $$')).toBe(true);
    expect(needsOwnShell('echo ${$}')).toBe(true);
    expect(needsOwnShell('echo $BASHPID $1')).toBe(false);
  });
});
