import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { awaitPoll, type PollDeps } from '../../../src/runbooks/oceanbase/health/await-poll.ts';
import { zoneWaits } from '../../../src/runbooks/oceanbase/health/rolling-waits.ts';
import type { ObPoll } from '../../../src/runbooks/oceanbase/health/ob-poll.ts';
import { createSqlSession, type ObSqlSession } from '../../../src/runners/sql/create-sql-session.ts';
import { startLocalSim, type LocalSim } from '../../support/oceanbase/local-sim.ts';

/**
 * The zone waits when the sys endpoint's observer is in the zone being upgraded: its SQL port (here a relay to the
 * simulator that the test shuts, as the observer's stop does) goes away in the middle of a wait; the session goes
 * on through the next observer the site file names (the simulator itself), and the wait goes on until its own
 * timeout, counting what did not answer as polls that did not see the condition.
 */
let sim: LocalSim;
let relay: { port: number; shut(): Promise<void> } | undefined;
let session: ObSqlSession | undefined;

/** A TCP relay to `port`, like an observer's SQL port; `shut` closes it and cuts every connection through it. */
async function startRelay(port: number): Promise<{ port: number; shut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    shut: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const endpoint = (port: number, alternates: readonly number[]) => ({
  host: '127.0.0.1',
  port,
  user: 'root@sys',
  password: 'sim',
  target: 'obcluster',
  connectTimeoutMs: 2000,
  statementTimeoutMs: 5000,
  alternates: alternates.map((p) => ({ host: '127.0.0.1', port: p })),
});

function realTime(sql: ObSqlSession, seen: string[]): PollDeps {
  return {
    sql,
    clock: { now: () => Date.now() },
    sleep: (ms) => new Promise<void>((r) => setTimeout(r, ms)),
    onProgress: (_p, obs) => void seen.push(obs.observed),
  };
}

function zoneActive(seconds: number): ObPoll {
  const waits = zoneWaits('zone2', '4.3.5.5');
  if (!waits.ok) throw new Error(waits.error);
  return { ...waits.value.zoneActive, intervalSec: 1, timeout: { kind: 'fixed', seconds } };
}

const setZone2 = (status: string) =>
  sim.fixture.exec(`UPDATE __all_zone SET info = '${status}' WHERE zone = 'zone2' AND name = 'status'`);

beforeAll(async () => {
  sim = await startLocalSim('4.3.5.5');
});
afterEach(async () => {
  await session?.close();
  session = undefined;
  await relay?.shut();
  relay = undefined;
  await setZone2('ACTIVE');
});
afterAll(async () => {
  await sim?.close();
});

describe('the waits when the sys endpoint goes away', () => {
  test('a wait whose observer stops mid-wait goes on through the next observer and completes', async () => {
    relay = await startRelay(sim.port);
    session = await createSqlSession(endpoint(relay.port, [sim.port]));
    await setZone2('INACTIVE');
    const seen: string[] = [];
    const waiting = awaitPoll(realTime(session, seen), zoneActive(30), { tenantCount: 1 });
    await new Promise((r) => setTimeout(r, 1500));
    await relay.shut();
    await new Promise((r) => setTimeout(r, 1500));
    await setZone2('ACTIVE');
    const res = await waiting;
    expect(res.ok).toBe(true);
    expect(seen[0]).toBe('0 (want 1)');
    expect(seen.at(-1)).toBe('1 (want 1)');
    // The statement in flight when the port went away is the only one that did not answer.
    expect(seen.filter((s) => s.startsWith('no answer:')).length).toBeLessThanOrEqual(1);
  });

  test('with no observer answering, the wait retries until its own timeout and says what it last saw', async () => {
    relay = await startRelay(sim.port);
    const [a, b] = [await closedPort(), await closedPort()];
    session = await createSqlSession(endpoint(relay.port, [a, b]));
    await relay.shut();
    const seen: string[] = [];
    const started = Date.now();
    const res = await awaitPoll(realTime(session, seen), zoneActive(3), { tenantCount: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(res.ok).toBe(false);
    if (!res.ok)
      expect(res.error.message).toMatch(
        new RegExp(
          `^zone zone2 is ACTIVE: not reached within 3 s \\(last seen: no answer: cannot reach the SQL endpoint obcluster .*no observer answered: 127\\.0\\.0\\.1:${relay.port} \\(ECONNREFUSED\\), 127\\.0\\.0\\.1:${a} \\(ECONNREFUSED\\), 127\\.0\\.0\\.1:${b} \\(ECONNREFUSED\\)\\)$`,
        ),
      );
  });
});
