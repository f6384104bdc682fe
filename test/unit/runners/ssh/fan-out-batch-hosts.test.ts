import { describe, expect, it } from 'vitest';
import type { CommandRequest } from '../../../../src/core/ports/remote.ts';
import { fanOutBatchHosts } from '../../../../src/runners/ssh/fan-out-batch-hosts.ts';
import type { CommandOutcome } from '../../../../src/runners/ssh/fan-out-sequence-hosts.ts';
import { SshUnreachableError } from '../../../../src/runners/ssh/ssh-errors.ts';

const list = (...commands: string[]): readonly CommandRequest[] => commands.map((command) => ({ command }));
const capture = { head: '', tail: '', totalBytes: 0, truncated: false, sha256: '' };

/** A batch runner that records which hosts run at once; `unreachable` hosts throw before anything runs. */
function batches(unreachable: readonly string[] = []) {
  const started: string[] = [];
  let running = 0;
  let peak = 0;
  const run = async (host: string, reqs: readonly CommandRequest[]): Promise<readonly CommandOutcome[]> => {
    started.push(host);
    peak = Math.max(peak, ++running);
    await new Promise((r) => setImmediate(r));
    running--;
    if (unreachable.includes(host)) throw new SshUnreachableError({ host, address: '10.0.0.1', port: 22 }, 'connect');
    return reqs.map((r) => ({
      command: r.command,
      status: 'done',
      result: {
        host,
        command: r.command,
        exitCode: 0,
        stdout: { ...capture, head: host },
        stderr: capture,
        startedAt: 0,
        durationMs: 0,
      },
    }));
  };
  return { run, started, peak: () => peak };
}

describe('fanOutBatchHosts', () => {
  it('runs one batch per host, at most `concurrency` at once, outcomes in the order of the hosts', async () => {
    const b = batches();
    const hosts = ['h1', 'h2', 'h3', 'h4', 'h5'];
    const out = await fanOutBatchHosts(hosts, new Map(hosts.map((h) => [h, list('a', 'b')])), b.run, {
      concurrency: 2,
    });
    expect(out.map((h) => h.host)).toEqual(hosts);
    expect(
      out.map((h) => h.outcomes.map((o) => (o.status === 'done' ? `${o.result.stdout.head}:${o.command}` : o.status))),
    ).toEqual(hosts.map((h) => [`${h}:a`, `${h}:b`]));
    expect(b.started).toEqual(hosts);
    expect(b.peak()).toBe(2);
  });

  it('gives a host whose batch cannot start its first command’s error and skips the rest, redacting their names', async () => {
    const b = batches(['h2']);
    const out = await fanOutBatchHosts(
      ['h1', 'h2'],
      new Map([
        ['h1', list('a')],
        ['h2', list('pw=s3cret', 'b')],
      ]),
      b.run,
      {},
      (t) => t.replace('s3cret', '***'),
    );
    expect(out[0]?.outcomes.map((o) => o.status)).toEqual(['done']);
    const [first, second] = out[1]?.outcomes ?? [];
    expect(first?.status === 'error' && first.error).toMatchObject({ code: 'SSH_UNREACHABLE' });
    expect(first?.command).toBe('pw=***');
    expect(second).toEqual({ command: 'b', status: 'skipped' });
  });

  it('starts no host once the signal is aborted: those hosts are skipped', async () => {
    const b = batches();
    const ac = new AbortController();
    const run = async (host: string, reqs: readonly CommandRequest[]): Promise<readonly CommandOutcome[]> => {
      ac.abort();
      return b.run(host, reqs);
    };
    const out = await fanOutBatchHosts(
      ['h1', 'h2'],
      new Map([
        ['h1', list('a')],
        ['h2', list('a')],
      ]),
      run,
      { concurrency: 1, signal: ac.signal },
    );
    expect(out.map((h) => h.outcomes.map((o) => o.status))).toEqual([['done'], ['skipped']]);
  });

  it('refuses a concurrency that is not a positive integer', async () => {
    await expect(fanOutBatchHosts(['h1'], new Map(), batches().run, { concurrency: 0 })).rejects.toThrow(RangeError);
  });
});
