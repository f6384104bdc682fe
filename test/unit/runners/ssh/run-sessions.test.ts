import { describe, expect, it } from 'vitest';
import { createRunSessions, endingSessions, type Schedule } from '../../../../src/runners/ssh/run-sessions.ts';
import type { EngineDeps } from '../../../../src/core/engine/engine-deps.ts';
import type { RemoteSession } from '../../../../src/core/ports/remote.ts';
import { FakeRemote } from '../../../support/fakes/fake-remote.ts';
import { APPROVER, harness, labSite } from '../../core/engine/harness.ts';

/** A session opener that counts what it opened and closed. */
function counting() {
  const opened: FakeRemote[] = [];
  let closed = 0;
  let failNext = false;
  return {
    opened,
    closed: () => closed,
    failNext: () => (failNext = true),
    async open(): Promise<RemoteSession> {
      if (failNext) {
        failNext = false;
        throw new Error('connect refused');
      }
      const r = new FakeRemote();
      opened.push(r);
      const learned: string[] = [];
      return {
        exec: r.exec.bind(r),
        fanOut: r.fanOut.bind(r),
        upload: r.upload.bind(r),
        learnSecret: (v: string) => void learned.push(v),
        redact: (text: string) => learned.reduce((t, v) => t.split(v).join('***'), text),
        close: async () => void (closed += 1),
      };
    },
  };
}

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Set<() => void>();
  const schedule: Schedule = (_ms, fn) => {
    pending.add(fn);
    return () => pending.delete(fn);
  };
  return { schedule, fire: () => [...pending].forEach((fn) => (pending.delete(fn), fn())), count: () => pending.size };
}

describe('run sessions', () => {
  it('gives every step of a run the same session and closes it only when the run ends', async () => {
    const c = counting();
    const sessions = createRunSessions({ open: () => c.open() });
    for (let step = 0; step < 3; step++) await (await sessions.acquire(labSite, 'run_1')).close();
    expect(c.opened).toHaveLength(1);
    expect(c.closed()).toBe(0);
    await sessions.end('run_1');
    expect(c.closed()).toBe(1);
    expect(sessions.size()).toBe(0);
  });

  it('keeps secrets learned in one step redacted in the next', async () => {
    const c = counting();
    const sessions = createRunSessions({ open: () => c.open() });
    const first = await sessions.acquire(labSite, 'run_1');
    first.learnSecret('s3cr3t-pw');
    await first.close();
    const second = await sessions.acquire(labSite, 'run_1');
    expect(second.redact('password=s3cr3t-pw')).toBe('password=***');
  });

  it('opens one session per run, never shared between runs', async () => {
    const c = counting();
    const sessions = createRunSessions({ open: () => c.open() });
    await (await sessions.acquire(labSite, 'run_1')).close();
    await (await sessions.acquire(labSite, 'run_2')).close();
    expect(c.opened).toHaveLength(2);
  });

  it('closes a session left idle (a run waiting at a gate) and opens a new one for the next step', async () => {
    const c = counting();
    const t = manualTimers();
    const sessions = createRunSessions({ open: () => c.open(), schedule: t.schedule });
    const held = await sessions.acquire(labSite, 'run_1');
    expect(t.count()).toBe(0);
    await held.close();
    await held.close();
    t.fire();
    await new Promise((r) => setImmediate(r));
    expect(c.closed()).toBe(1);
    await (await sessions.acquire(labSite, 'run_1')).close();
    expect(c.opened).toHaveLength(2);
  });

  it('does not close a session a step is still using when the idle timer of an earlier step would fire', async () => {
    const c = counting();
    const t = manualTimers();
    const sessions = createRunSessions({ open: () => c.open(), schedule: t.schedule });
    await (await sessions.acquire(labSite, 'run_1')).close();
    await sessions.acquire(labSite, 'run_1');
    t.fire();
    expect(c.closed()).toBe(0);
  });

  it('does not keep a session that failed to open: the next step dials again', async () => {
    const c = counting();
    const sessions = createRunSessions({ open: () => c.open() });
    c.failNext();
    await expect(sessions.acquire(labSite, 'run_1')).rejects.toThrow('connect refused');
    await (await sessions.acquire(labSite, 'run_1')).close();
    expect(c.opened).toHaveLength(1);
  });

  it('closes every session when the process stops', async () => {
    const c = counting();
    const sessions = createRunSessions({ open: () => c.open() });
    await sessions.acquire(labSite, 'run_1');
    await (await sessions.acquire(labSite, 'run_2')).close();
    await sessions.closeAll();
    expect(c.closed()).toBe(2);
  });

  it('serves a whole engine run over one session, closed once the run finishes', async () => {
    const h = harness();
    const opens: string[] = [];
    let closes = 0;
    const sessions = createRunSessions({
      open: async () => {
        opens.push('open');
        return {
          ...h.remote,
          exec: h.remote.exec.bind(h.remote),
          fanOut: h.remote.fanOut.bind(h.remote),
          upload: h.remote.upload.bind(h.remote),
          learnSecret: h.remote.learnSecret.bind(h.remote),
          redact: h.remote.redact.bind(h.remote),
          close: async () => void (closes += 1),
        };
      },
    });
    const openRemote: EngineDeps['openRemote'] = (site, runId) => sessions.acquire(site, runId);
    Object.assign(h.deps, { openRemote });
    const emit = h.events.emit.bind(h.events);
    const ending = endingSessions({ emit }, sessions);
    h.events.emit = (e) => ending.emit(e);
    const runId = await h.start();
    await h.decide(h.lastGate(), 'approve', APPROVER);
    await h.drain();
    expect((await h.runs.get(runId))?.outcome).toBe('completed');
    expect(opens).toHaveLength(1);
    expect(closes).toBe(1);
  });
});
