import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../../src/core/ports/remote.ts';
import { fanOutHosts } from '../../../../src/runners/ssh/fan-out-hosts.ts';

const capture = { head: '', tail: '', totalBytes: 0, truncated: false, sha256: '' };
const result = (host: string, exitCode: number): CommandResult => ({
  host,
  command: 'true',
  exitCode,
  stdout: capture,
  stderr: capture,
  startedAt: 0,
  durationMs: 0,
});

/** A host runner that records the order of starts and the peak concurrency, each host finishing on a later tick. */
function recorder(behaviour: Record<string, 'fail' | 'throw'> = {}) {
  const started: string[] = [];
  let running = 0;
  let peak = 0;
  const run = async (host: string): Promise<CommandResult> => {
    started.push(host);
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setImmediate(r));
    running--;
    if (behaviour[host] === 'throw') throw new Error(`${host} unreachable`);
    return result(host, behaviour[host] === 'fail' ? 1 : 0);
  };
  return { run, started, peak: () => peak };
}

const hosts = ['h1', 'h2', 'h3', 'h4', 'h5'];

describe('fanOutHosts', () => {
  it('starts hosts in the given order and never runs more than the cap at once', async () => {
    const r = recorder();
    const outcomes = await fanOutHosts(hosts, r.run, { concurrency: 2 });
    expect(r.started).toEqual(hosts);
    expect(r.peak()).toBe(2);
    expect(outcomes.map((o) => [o.host, o.status])).toEqual(hosts.map((h) => [h, 'done']));
  });

  it('reports a dead host as an error outcome naming it while the others carry on', async () => {
    const r = recorder({ h2: 'throw' });
    const outcomes = await fanOutHosts(hosts, r.run, { concurrency: 5 });
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'error', 'done', 'done', 'done']);
    const bad = outcomes[1];
    expect(bad?.status === 'error' && bad.error.message).toBe('h2 unreachable');
  });

  it('one at a time stops at the first non-zero exit and skips the rest', async () => {
    const r = recorder({ h2: 'fail' });
    const outcomes = await fanOutHosts(hosts, r.run, { oneAtATime: true, concurrency: 5 });
    expect(r.peak()).toBe(1);
    expect(r.started).toEqual(['h1', 'h2']);
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'done', 'skipped', 'skipped', 'skipped']);
  });

  it('stopOnFailure lets running hosts finish but starts no new one', async () => {
    const r = recorder({ h1: 'throw' });
    const outcomes = await fanOutHosts(hosts, r.run, { concurrency: 2, stopOnFailure: true });
    expect(r.started).toEqual(['h1', 'h2']);
    expect(outcomes.map((o) => o.status)).toEqual(['error', 'done', 'skipped', 'skipped', 'skipped']);
  });

  it('starts nothing new once aborted', async () => {
    const r = recorder();
    const ac = new AbortController();
    const outcomes = await fanOutHosts(
      hosts,
      async (h) => {
        if (h === 'h1') ac.abort();
        return r.run(h);
      },
      { concurrency: 1, signal: ac.signal },
    );
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'skipped', 'skipped', 'skipped', 'skipped']);
  });

  it('rejects a concurrency that is not a positive integer', async () => {
    await expect(fanOutHosts(hosts, recorder().run, { concurrency: 0 })).rejects.toThrow(/positive integer, got 0/);
  });
});
