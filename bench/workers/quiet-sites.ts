/**
 * Quiet-sites benchmark: `npx tsx bench/workers/quiet-sites.ts [--sites 100] [--events 20] [--sequential-events 3]`.
 * A bot follows every site's event stream, each with a blocking read of 500 ms, on one Redis connection. With
 * most sites quiet, how long does an event written on one of them take to reach its follower? Side by side on the
 * same Redis: opsgate's coalesced reads (one XREAD over every waiting stream per round, `CoalescedEventReads`) and
 * one blocking XREAD per follower on the shared connection, which Redis serves one after another. Events go to
 * sites spread over the list, at irregular intervals. Prints p50, p99 and max per mode and the ratio; the last
 * line is one JSON object. Uses REDIS_URL (default the local Redis) under a unique prefix, removed at the end.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { CoalescedEventReads } from '../../src/adapters/redis/coalesced-event-reads.ts';
import { RedisEventStream } from '../../src/adapters/redis/redis-event-stream.ts';
import type { StoredEvent } from '../../src/core/ports/events.ts';
import { deleteKeysUnder } from '../../test/support/redis-test-keys.ts';

const { values } = parseArgs({
  options: {
    sites: { type: 'string', default: '100' },
    events: { type: 'string', default: '20' },
    'sequential-events': { type: 'string', default: '3' },
  },
});
const siteCount = Number(values.sites);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const BLOCK_MS = 500;

type Read = (site: string, after: string) => Promise<readonly StoredEvent[]>;

/** Follows every site with `read`, writes `events` events one by one, and returns each one's delay in ms. */
async function measure(prefix: string, events: number, read: (stream: RedisEventStream) => Read): Promise<number[]> {
  const writerRedis = new Redis(redisUrl);
  const readerRedis = new Redis(redisUrl);
  const writer = new RedisEventStream(writerRedis, prefix);
  const follow = read(new RedisEventStream(readerRedis, prefix));
  const sites = Array.from({ length: siteCount }, (_, i) => `site${i}`);
  const seen = new Map<string, number>();
  let stopped = false;
  const followers = Promise.all(
    sites.map(async (site) => {
      let after = '0-0';
      while (!stopped) {
        for (const e of await follow(site, after)) {
          if (e.event.type === 'gate.expired') seen.set(e.event.gateId, Date.now());
          after = e.id;
        }
      }
    }),
  );
  await new Promise((r) => setTimeout(r, 1000));
  const delays: number[] = [];
  for (let i = 0; i < events; i++) {
    const site = sites[(i * 37 + 11) % siteCount] ?? 'site0';
    const gateId = `g${i}`;
    const t = Date.now();
    await writer.emit({ type: 'gate.expired', site, runId: 'r', at: t, gateId, stepId: 's' });
    while (!seen.has(gateId)) await new Promise((r) => setTimeout(r, 1));
    delays.push((seen.get(gateId) ?? t) - t);
    await new Promise((r) => setTimeout(r, 100 + (i % 7) * 60));
  }
  stopped = true;
  await followers;
  await deleteKeysUnder(writerRedis, prefix);
  writerRedis.disconnect();
  readerRedis.disconnect();
  return delays;
}

function stats(xs: readonly number[]): { p50: number; p99: number; max: number; n: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: s.at(-1) ?? NaN, n: s.length };
}

const base = `opsgate-bench-quiet:${randomUUID()}:`;
const coalesced = stats(
  await measure(`${base}c:`, Number(values.events), (stream) => {
    const reads = new CoalescedEventReads(stream);
    return (site, after) => reads.read(site, after, { blockMs: BLOCK_MS });
  }),
);
console.log(
  `coalesced (one XREAD per round over every stream): ${siteCount} sites, ${coalesced.n} events: p50 ${coalesced.p50} ms, p99 ${coalesced.p99} ms, max ${coalesced.max} ms`,
);
const sequential = stats(
  await measure(
    `${base}s:`,
    Number(values['sequential-events']),
    (stream) => (site, after) => stream.read(site, after, { blockMs: BLOCK_MS }),
  ),
);
console.log(
  `one blocking XREAD per follower, one connection: ${siteCount} sites, ${sequential.n} events: p50 ${sequential.p50} ms, p99 ${sequential.p99} ms, max ${sequential.max} ms`,
);
const ratio = Math.round((coalesced.p50 / Math.max(1, sequential.p50)) * 10_000) / 10_000;
console.log(`coalesced / per-follower p50: ${ratio}× (${coalesced.p50} ms against ${sequential.p50} ms)`);
console.log(
  JSON.stringify({ bench: 'quiet-sites', sites: siteCount, blockMs: BLOCK_MS, coalesced, sequential, ratio }),
);
