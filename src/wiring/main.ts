import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { RedisGateStore } from '../adapters/redis/redis-gate-store.ts';
import { createChatEngine } from '../core/engine/create-chat-engine.ts';
import type { EventSource } from '../core/ports/event-source.ts';
import { pendingGates } from '../core/engine/pending-gates.ts';
import { resolveRedisTarget, type RedisTarget } from '../adapters/redis/redis-target.ts';
import { createRunSessions, endingSessions } from '../runners/ssh/run-sessions.ts';
import { sqlEndpointOf } from './sql-endpoint-of.ts';
import { RedisAuditLog } from '../adapters/redis/redis-audit-log.ts';
import { createEngine } from '../core/engine/create-engine.ts';
import { RedisSiteLock } from '../adapters/redis/redis-site-lock.ts';
import { systemClock } from '../adapters/system/system-clock.ts';
import { randomIds } from '../adapters/system/random-ids.ts';
import type { EngineDeps } from '../core/engine/engine-deps.ts';
import { ALL_RUNBOOKS } from '../runbooks/all-runbooks.ts';
import { createRunbookRegistry } from '../core/engine/runbook-registry.ts';
import { addLogSecrets, createOpsLogger } from '../adapters/ops/create-ops-logger.ts';
import { meteredEvents } from '../adapters/ops/metered-events.ts';
import { connectRedis } from '../adapters/redis/connect-redis.ts';
import { describeRedis, redisOptionsOf } from '../adapters/redis/redis-options-of.ts';
import { interruptOverdueSteps } from '../core/engine/interrupt-overdue-steps.ts';
import { noWorkerMessage } from '../core/ports/worker-registry.ts';
import { checkRedis } from '../adapters/redis/check-redis.ts';
import { redisStorePersistence } from '../adapters/redis/redis-persistence.ts';
import { CoalescedEventReads } from '../adapters/redis/coalesced-event-reads.ts';
import { RedisEventStream } from '../adapters/redis/redis-event-stream.ts';
import { RedisRunStore } from '../adapters/redis/redis-run-store.ts';
import { RedisOutputArtefacts } from '../adapters/redis/redis-output-artefacts.ts';
import { RedisRunThreadStore } from '../adapters/redis/redis-run-thread-store.ts';
import { RedisReplayGuard } from '../adapters/redis/redis-replay-guard.ts';
import { RedisEventCursors } from '../adapters/redis/redis-event-cursors.ts';
import { openWithOwnSpool } from '../runners/ssh/spool-retention.ts';
import { siteSecretSource } from '../adapters/files/site-secret-source.ts';

import { serveSites } from './serve-sites.ts';
import { watchLostWorkers } from './watch-lost-workers.ts';
import type { Runtime, RuntimeOptions } from './runtime-types.ts';
import { type Config, redisConfigOf, type RedisSettings } from './config.ts';
import { RedisWorkerRegistry } from '../adapters/redis/redis-worker-registry.ts';
import { localPackageFiles } from '../adapters/files/local-package-files.ts';
import type { AuditLog } from '../core/ports/audit.ts';
import { type SiteSshConfig, sshConfigOf } from './ssh-hosts-from-site.ts';
import { systemSleep } from '../adapters/system/system-sleep.ts';
import { type Closer, closeInOrder } from './bounded-close.ts';
import { logRedisConnection } from './log-redis-connection.ts';

export type { Runtime, RuntimeOptions, ServedSites, WorkerTuning } from './runtime-types.ts';

/**
 * The composition root: the only module that opens real connections (ioredis, BullMQ, ssh2 sessions, mysql2).
 * Entry points (the CLI's `run`, `start`, `worker`, the Slack app) call `openRuntime` and talk to what it returns.
 */

/** The BullMQ key prefix under the opsgate key prefix (`opsgate:bull`). */
export const bullPrefix = (redisPrefix: string): string => `${redisPrefix}bull`;

/** A pino logger on stderr with secrets redacted by field and by value (see src/adapters/ops/create-ops-logger.ts). */
export function createLogger(level: string, format: 'json' | 'pretty' = 'json'): Logger {
  return createOpsLogger({ level, format });
}

/**
 * The audit log on the configured Redis (URL, Sentinel and TLS CA as for the bot), for one-shot commands: one
 * connection that fails at once instead of retrying (a CLI should fail, not hang). `close` disconnects.
 */
export async function openAuditLog(
  config: Pick<Config, RedisSettings | 'OPSGATE_REDIS_PREFIX'>,
): Promise<{ readonly log: AuditLog; close(): void }> {
  const redis = await openRedisClient(configuredRedis(config), { maxRetriesPerRequest: 1, retryStrategy: () => null });
  return { log: new RedisAuditLog({ redis, prefix: config.OPSGATE_REDIS_PREFIX }), close: () => redis.disconnect() };
}

/** The Redis the configuration names: `REDIS_URL`, or a master through `REDIS_SENTINELS`, with the TLS CA. */
function configuredRedis(config: Pick<Config, RedisSettings>): RedisTarget {
  const settings = redisConfigOf(config);
  return { options: redisOptionsOf(settings), where: describeRedis(settings) };
}

/** A client of `target`, connected: it fails at once with the server's reason (passwords hidden), and is closed then. */
async function openRedisClient(target: RedisTarget, options: RedisOptions): Promise<Redis> {
  const redis = new Redis({ ...target.options, lazyConnect: true, ...options });
  try {
    await connectRedis(redis, target.where, [target.options.password ?? '', target.options.sentinelPassword ?? '']);
  } catch (e) {
    redis.disconnect();
    throw e;
  }
  return redis;
}

/**
 * Connects everything: Redis (`REDIS_URL`, or the embedded server when it is unset), refusing a Redis that
 * may evict keys; the stores, gates, audit log, site lock and BullMQ queues on it; the engine with SSH (and SQL)
 * sessions per run (src/runners/ssh/run-sessions.ts) from the site files; and the chat adapter. On failure, whatever
 * was opened is closed.
 */
export async function openRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const { config, env, log, sites } = opts;
  const external = env.REDIS_URL !== undefined || config.REDIS_SENTINELS !== undefined;
  const target: RedisTarget = external
    ? configuredRedis(config)
    : await resolveRedisTarget({ url: undefined, stateDir: config.OPSGATE_STATE_DIR });
  const closers: Closer[] = [{ name: 'embedded redis', close: async () => target.embedded?.stop() }];
  // Each closer is bounded (see bounded-close.ts): a peer that went away never keeps the process alive.
  const closeAll = () => closeInOrder(closers.reverse().splice(0), log);
  try {
    return await connect(opts, target, closers, closeAll);
  } catch (e) {
    await closeAll();
    throw e;
  }

  async function connect(
    o: RuntimeOptions,
    t: RedisTarget,
    cs: typeof closers,
    closeEverything: () => Promise<void>,
  ): Promise<Runtime> {
    const prefix = config.OPSGATE_REDIS_PREFIX;
    const redis = await openRedisClient(t, { maxRetriesPerRequest: 3 });
    cs.push({ name: 'redis', close: async () => redis.disconnect() });
    logRedisConnection(redis, t.where, log);
    const checked = await checkRedis(redis);
    if (!checked.ok) throw checked.error;
    if (checked.value.warning !== undefined) log.warn({ redis: t.where }, checked.value.warning);
    const reader = redis.duplicate();
    cs.push({ name: 'redis event reader', close: async () => reader.disconnect() });
    // The same server as `redis`, whose listener logs an outage; without a listener ioredis prints each attempt.
    reader.on('error', () => undefined);
    const stream = new RedisEventStream(redis, prefix);
    const readerStream = new CoalescedEventReads(new RedisEventStream(reader, prefix));
    // bullmq, ssh2 and mysql2 are loaded only by a process that connects: `--help`, `sites validate` and `lab`
    // do not pay for them.
    const [{ BullRunQueue }, { startSiteWorkers }] = await Promise.all([
      import('../adapters/bullmq/bull-run-queue.ts'),
      import('../adapters/bullmq/start-site-workers.ts'),
    ]);
    const queue = new BullRunQueue({ connection: t.options, prefix: bullPrefix(prefix) });
    cs.push({ name: 'step queues', close: () => queue.close() });
    const gates = new RedisGateStore({ redis, prefix });
    const registry = new RedisWorkerRegistry(redis, prefix);
    const runs = new RedisRunStore(redis, prefix);
    const audit = new RedisAuditLog({ redis, prefix });
    const artefacts = new RedisOutputArtefacts({ redis, prefix, clock: systemClock, ids: randomIds });
    // Each site's SSH options (hosts, credentials, secrets to redact) are resolved once, on first use.
    const setups = new Map<string, Promise<SiteSshConfig>>();
    const spoolRoot = join(config.OPSGATE_STATE_DIR, 'spool');
    const sessions = createRunSessions({
      async open(site) {
        let setup = setups.get(site.name);
        if (setup === undefined) {
          setup = sshConfigOf(site, env);
          setups.set(site.name, setup);
          setup.catch(() => setups.delete(site.name));
        }
        const { hosts, secrets } = await setup;
        addLogSecrets(log, secrets);
        const { createSshSession } = await import('../runners/ssh/create-ssh-session.ts');
        // Each run's session spools into a directory of its own, removed when the session closes.
        return openWithOwnSpool(join(spoolRoot, site.name), randomIds, (spoolDir) =>
          createSshSession({ hosts, secrets, spoolDir, log, clock: systemClock, ids: randomIds }),
        );
      },
    });
    cs.push({ name: 'ssh sessions', close: () => sessions.closeAll() });
    const engineEvents = endingSessions(
      o.metrics === undefined ? stream : meteredEvents(stream, o.metrics, gates),
      sessions,
    );
    const deps: EngineDeps = {
      runs,
      queue,
      gates,
      audit,
      lock: new RedisSiteLock({ redis, prefix }),
      events: engineEvents,
      sites,
      runbooks: createRunbookRegistry(ALL_RUNBOOKS),
      openRemote: (site, runId) => sessions.acquire(site, runId),
      secrets: siteSecretSource(sites, env),
      files: localPackageFiles,
      async openSql(site, name) {
        const { createSqlSession } = await import('../runners/sql/create-sql-session.ts');
        return createSqlSession(await sqlEndpointOf(site, name, env));
      },
      clock: systemClock,
      sleep: systemSleep,
      ids: randomIds,
      log,
      artefacts,
      workers: registry,
    };
    const engine = createEngine(deps);
    const lostWorkers = watchLostWorkers({ engine, log, heartbeatMs: config.OPSGATE_HEARTBEAT_MS, connection: redis });
    cs.push({ name: 'lost-worker watch', close: async () => lostWorkers.stop() });
    const workerPresence = {
      servingCounts: (served: readonly string[]) => registry.servingCounts(served, systemClock.now()),
      message: noWorkerMessage,
    };
    const chatDeps = { engine, gates, audit, sites, runbooks: o.runbooks, workers: workerPresence };
    const chat = createChatEngine({
      ...chatDeps,
      persistence: redisStorePersistence(redis),
      // Not the reader: its blocking reads (a follower's) would hold up a /show.
      events: stream,
    });
    const events: EventSource = {
      read: (site, afterId, readOpts) => readerStream.read(site, afterId, readOpts),
      async latestId(site) {
        const last = await redis.xrevrange(stream.key(site), '+', '-', 'COUNT', 1);
        return last[0]?.[0] ?? '0-0';
      },
    };
    return {
      sites,
      engine,
      chat,
      events,
      redisWhere: t.where,
      artefacts,
      slackThreads: new RedisRunThreadStore({ redis, prefix, clock: systemClock }),
      slackReplays: new RedisReplayGuard(redis, prefix),
      eventCursors: (consumer) => new RedisEventCursors(redis, prefix, consumer),
      pendingGates: (served) => pendingGates({ runs, gates }, served),
      ops: { registry, ping: () => redis.ping() },
      deps,
      bull: { connection: t.options, prefix: bullPrefix(prefix) },
      interruptOverdue: (jobs) => interruptOverdueSteps(deps, jobs),
      startWorkers(served, tuning = {}) {
        lostWorkers.serve(served);
        const serving = serveSites(
          {
            engine,
            registry,
            config,
            log,
            spoolRoot,
            startSiteWorkers,
            connection: t.options,
            prefix: bullPrefix(prefix),
          },
          served,
          tuning,
        );
        // A running step may finish first, for the shutdown grace at most (as on SIGTERM).
        cs.push({ name: 'workers', close: () => serving.close(), boundMs: config.OPSGATE_SHUTDOWN_GRACE_MS });
        return serving;
      },
      close: closeEverything,
    };
  }
}
