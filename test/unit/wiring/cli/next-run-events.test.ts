import { describe, expect, it } from 'vitest';
import type { EventSource } from '../../../../src/core/ports/event-source.ts';
import type { StoredEvent } from '../../../../src/core/ports/events.ts';
import type { RunSummary } from '../../../../src/core/ports/views.ts';
import type { DriveNotice } from '../../../../src/wiring/cli/drive-notice.ts';
import { nextRunEvents } from '../../../../src/wiring/cli/next-run-events.ts';

const RUN = 'run_00000000000000aa';
const WHERE = 'Redis at 127.0.0.1:6390';

/** ioredis's rejection of a command while it cannot reach Redis. */
class MaxRetriesPerRequestError extends Error {
  override name = 'MaxRetriesPerRequestError';
  constructor() {
    super(
      'Reached the max retries per request limit (which is 3). Refer to "maxRetriesPerRequest" option for details.',
    );
  }
}

const summary: RunSummary = {
  id: RUN,
  site: 'xizang',
  title: 'Move',
  state: 'waiting',
  requester: 'UOPERATOR',
  startedAt: 0,
  awaiting: 'waiting at the approval gate of move-dir: approve / reject',
};

/** A Redis that is away for `downReads` reads, on a clock that each retry pause moves on. */
function outage(downReads: number, opts: { readonly runAfter?: RunSummary | undefined } = {}) {
  let t = 0;
  let reads = 0;
  const notices: DriveNotice[] = [];
  const event: StoredEvent = {
    id: '5-0',
    event: { site: 'xizang', runId: RUN, at: 0, type: 'run.finished', outcome: 'completed', statusLine: 'done' },
  };
  const events: EventSource = {
    latestId: async () => '0-0',
    read: async () => {
      reads += 1;
      if (reads <= downReads) throw new MaxRetriesPerRequestError();
      return [event];
    },
  };
  const deps = {
    events,
    getRun: async () => ('runAfter' in opts ? opts.runAfter : summary),
    notify: (n: DriveNotice) => notices.push(n),
    redisWhere: WHERE,
    redisWaitMs: 10_000,
    now: () => t,
    sleep: async (ms: number) => void (t += ms),
  };
  return { deps, notices, event };
}

describe('nextRunEvents', () => {
  it('says once that Redis is lost and once that it is back, then returns the events emitted meanwhile', async () => {
    const o = outage(4);
    const next = await nextRunEvents(o.deps, 'xizang', RUN, '4-0');
    expect(next).toEqual({ ok: true, events: [o.event] });
    expect(o.notices.map((n) => n.type)).toEqual(['redis-lost', 'redis-back']);
    expect(o.notices[0]?.message).toBe(
      `⚠ lost ${WHERE} (no answer: the connection is lost); following run ${RUN} again when it is back, for up to 10 s`,
    );
    expect(o.notices[1]?.message).toBe(
      `${WHERE} answers again after 4 s; run ${RUN} is waiting, waiting at the approval gate of move-dir: approve / reject; following it again`,
    );
  });

  it('gives up naming where Redis is when it stays away longer than the wait', async () => {
    const o = outage(1000);
    const next = await nextRunEvents(o.deps, 'xizang', RUN, '4-0');
    expect(next.ok).toBe(false);
    expect(o.notices.map((n) => n.type)).toEqual(['redis-lost', 'gave-up']);
    expect(o.notices[1]).toMatchObject({ type: 'gave-up', reason: 'redis-down', redis: WHERE });
    expect(o.notices[1]?.message).toMatch(new RegExp(`^${WHERE} did not come back within 10 s`));
  });

  it('ends, saying so, when Redis came back without the run', async () => {
    const o = outage(2, { runAfter: undefined });
    const next = await nextRunEvents(o.deps, 'xizang', RUN, '4-0');
    expect(next.ok).toBe(false);
    expect(o.notices.at(-1)).toMatchObject({ type: 'gave-up', reason: 'run-lost' });
    expect(o.notices.at(-1)?.message).toMatch(/is no longer in Redis at 127\.0\.0\.1:6390: Redis came back without/);
  });

  it('reads on at once, saying nothing, while Redis answers', async () => {
    const o = outage(0);
    expect(await nextRunEvents(o.deps, 'xizang', RUN, '4-0')).toEqual({ ok: true, events: [o.event] });
    expect(o.notices).toEqual([]);
  });
});
