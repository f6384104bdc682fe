import { describe, expect, it } from 'vitest';
import type { CommandRequest, CommandResult } from '../../../../src/core/ports/remote.ts';
import { fanOutSequenceHosts } from '../../../../src/runners/ssh/fan-out-sequence-hosts.ts';
import { SshTimeoutError, SshUnreachableError } from '../../../../src/runners/ssh/ssh-errors.ts';

const capture = { head: '', tail: '', totalBytes: 0, truncated: false, sha256: '' };
const result = (host: string, command: string, exitCode: number): CommandResult => ({
  host,
  command,
  exitCode,
  stdout: { ...capture, head: `${host}:${command}` },
  stderr: capture,
  startedAt: 0,
  durationMs: 0,
});

type Behaviour = 'fail' | 'timeout' | 'unreachable' | 'slow';

/**
 * A command runner that records starts and ends per host and the peak of commands running at once per host
 * and overall; each command ends on a later tick (`slow` ones a few ticks later). Behaviours are keyed
 * `host:command`.
 */
function recorder(behaviour: Record<string, Behaviour> = {}) {
  const events: string[] = [];
  const running = new Map<string, number>();
  const peakPerHost = new Map<string, number>();
  let hostsRunning = 0;
  let peakHosts = 0;
  const run = async (host: string, req: CommandRequest): Promise<CommandResult> => {
    const key = `${host}:${req.command}`;
    events.push(`start ${key}`);
    const n = (running.get(host) ?? 0) + 1;
    running.set(host, n);
    if (n === 1) peakHosts = Math.max(peakHosts, ++hostsRunning);
    peakPerHost.set(host, Math.max(peakPerHost.get(host) ?? 0, n));
    for (let i = 0; i < (behaviour[key] === 'slow' ? 5 : 1); i++) await new Promise((r) => setImmediate(r));
    running.set(host, n - 1);
    if (running.get(host) === 0) hostsRunning--;
    events.push(`end ${key}`);
    const b = behaviour[key];
    if (b === 'unreachable') throw new SshUnreachableError({ host, address: '10.0.0.1', port: 22 }, 'connect');
    if (b === 'timeout') throw new SshTimeoutError(host, req.command, 50, true);
    return result(host, req.command, b === 'fail' ? 3 : 0);
  };
  return { run, events, peakPerHost: (h: string) => peakPerHost.get(h) ?? 0, peakHosts: () => peakHosts };
}

const cmds =
  (...names: string[]) =>
  (): readonly CommandRequest[] =>
    names.map((command) => ({ command }));

describe('fanOutSequenceHosts', () => {
  it('runs each host’s commands one after the other in the given order and returns them in that order', async () => {
    const r = recorder({ 'h1:a': 'slow' });
    const out = await fanOutSequenceHosts(['h1', 'h2'], cmds('a', 'b', 'c'), r.run);
    const h1 = r.events.filter((e) => e.includes('h1:'));
    expect(h1).toEqual(['start h1:a', 'end h1:a', 'start h1:b', 'end h1:b', 'start h1:c', 'end h1:c']);
    expect(out.map((h) => h.host)).toEqual(['h1', 'h2']);
    expect(out[0]?.outcomes.map((o) => (o.status === 'done' ? o.result.stdout.head : o.status))).toEqual([
      'h1:a',
      'h1:b',
      'h1:c',
    ]);
    expect(r.peakPerHost('h1')).toBe(1);
  });

  it('does not hold a fast host back until a slow host finishes the same command (no barrier)', async () => {
    const r = recorder({ 'h1:a': 'slow' });
    await fanOutSequenceHosts(['h1', 'h2'], cmds('a', 'b', 'c'), r.run);
    expect(r.events.indexOf('end h2:c')).toBeLessThan(r.events.indexOf('end h1:a'));
  });

  it('keeps a failing command’s exit code in its own outcome and goes on with the host’s next commands', async () => {
    const r = recorder({ 'h1:b': 'fail' });
    const out = await fanOutSequenceHosts(['h1'], cmds('a', 'b', 'c'), r.run);
    expect(out[0]?.outcomes.map((o) => (o.status === 'done' ? o.result.exitCode : o.status))).toEqual([0, 3, 0]);
  });

  it('with stopOnFailure skips a host’s remaining commands after its first failure, other hosts untouched', async () => {
    const r = recorder({ 'h1:b': 'fail' });
    const out = await fanOutSequenceHosts(['h1', 'h2'], cmds('a', 'b', 'c'), r.run, { stopOnFailure: true });
    expect(out[0]?.outcomes.map((o) => o.status)).toEqual(['done', 'done', 'skipped']);
    expect(out[1]?.outcomes.map((o) => o.status)).toEqual(['done', 'done', 'done']);
  });

  it('reports a timed-out command as an error of that command only and runs the next one', async () => {
    const r = recorder({ 'h1:a': 'timeout' });
    const out = await fanOutSequenceHosts(['h1'], cmds('a', 'b'), r.run);
    const [first, second] = out[0]?.outcomes ?? [];
    expect(first?.status === 'error' && first.error).toBeInstanceOf(SshTimeoutError);
    expect(second?.status).toBe('done');
  });

  it('gives up on a host whose connection fails: its other commands are skipped, not dialled again', async () => {
    const r = recorder({ 'h1:a': 'unreachable' });
    const out = await fanOutSequenceHosts(['h1', 'h2'], cmds('a', 'b', 'c'), r.run);
    expect(out[0]?.outcomes.map((o) => o.status)).toEqual(['error', 'skipped', 'skipped']);
    expect(r.events.filter((e) => e.startsWith('start h1:'))).toEqual(['start h1:a']);
    expect(out[1]?.outcomes.every((o) => o.status === 'done')).toBe(true);
  });

  it('runs up to channelsPerHost commands of a host at once, started in list order, results in list order', async () => {
    const r = recorder({ 'h1:a': 'slow' });
    const out = await fanOutSequenceHosts(['h1'], cmds('a', 'b', 'c', 'd', 'e'), r.run, { channelsPerHost: 2 });
    expect(r.peakPerHost('h1')).toBe(2);
    expect(r.events.filter((e) => e.startsWith('start'))).toEqual(
      ['a', 'b', 'c', 'd', 'e'].map((c) => `start h1:${c}`),
    );
    expect(out[0]?.outcomes.map((o) => o.command)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('works on at most `concurrency` hosts at once', async () => {
    const r = recorder();
    await fanOutSequenceHosts(['h1', 'h2', 'h3', 'h4'], cmds('a', 'b'), r.run, { concurrency: 2 });
    expect(r.peakHosts()).toBe(2);
  });

  it('starts nothing new once the signal is aborted: the rest are skipped', async () => {
    const ac = new AbortController();
    const r = recorder();
    const run = async (host: string, req: CommandRequest): Promise<CommandResult> => {
      const res = await r.run(host, req);
      if (host === 'h1' && req.command === 'a') ac.abort();
      return res;
    };
    const out = await fanOutSequenceHosts(['h1', 'h2'], cmds('a', 'b'), run, { concurrency: 1, signal: ac.signal });
    expect(out.map((h) => h.outcomes.map((o) => o.status))).toEqual([
      ['done', 'skipped'],
      ['skipped', 'skipped'],
    ]);
  });

  it('names each outcome’s command through the redaction it is given', async () => {
    const r = recorder({ 'h1:login s3cret': 'unreachable' });
    const out = await fanOutSequenceHosts(['h1'], cmds('login s3cret', 'b'), r.run, {}, (t) =>
      t.replaceAll('s3cret', '***'),
    );
    expect(out[0]?.outcomes.map((o) => o.command)).toEqual(['login ***', 'b']);
  });

  it('rejects a channel count the connection cannot give before running anything', async () => {
    const r = recorder();
    await expect(fanOutSequenceHosts(['h1'], cmds('a'), r.run, { channelsPerHost: 10 })).rejects.toThrow(
      /channelsPerHost must be an integer from 1 to 9/,
    );
    expect(r.events).toEqual([]);
  });
});
