import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisGateStore } from '../approvals/redis-gate-store.ts';
import { RedisAuditLog } from '../audit/redis-audit-log.ts';
import type { Config, Env } from '../config.ts';
import { createEngine, type Engine } from '../engine/create-engine.ts';
import type { EngineDeps } from '../engine/engine-deps.ts';
import { siteDirectory, toEngineSite, type EngineSite } from '../engine/engine-site.ts';
import { RedisSiteLock } from '../lock/redis-site-lock.ts';
import { systemClock } from '../ports/clock.ts';
import { randomIds } from '../ports/ids.ts';
import type { RemoteSession } from '../ports/remote.ts';
import { createRunSessions, endingSessions } from '../app/run-sessions.ts';
import { err, ok, type Result } from '../result.ts';
import { ALL_RUNBOOKS } from '../runbooks/all-runbooks.ts';
import { createRunbookRegistry } from '../runbooks/runbook-registry.ts';
import { createSshSession } from '../runners/ssh/create-ssh-session.ts';
import type { LoadedSite } from '../sites/load-site.ts';
import { loadSites } from '../sites/load-sites.ts';
import { formatSiteProblem } from '../sites/site-problem.ts';
import { addLogSecrets } from '../ops/create-ops-logger.ts';
import { meteredEvents } from '../ops/metered-events.ts';
import type { OpsMetrics } from '../ops/ops-metrics.ts';
import { redisOptionsOf } from '../ops/redis-options.ts';
import { checkRedis } from '../store/check-redis.ts';
import { RedisEventStream } from '../store/redis-event-stream.ts';
import { RedisRunStore } from '../store/redis-run-store.ts';
import { RedisOutputArtefacts } from '../store/redis-output-artefacts.ts';
import { BullRunQueue } from './bull-run-queue.ts';
import { siteSshSetup, type SiteSshSetup } from './site-ssh-hosts.ts';

/** A wired engine with its real connections (Redis, BullMQ, SSH), for the worker and the chat process. */
export interface EngineRuntime {
  readonly engine: Engine;
  readonly deps: EngineDeps;
  readonly events: RedisEventStream;
  readonly sites: readonly EngineSite[];
  /** The connection BullMQ workers share (they duplicate it for blocking reads). */
  readonly bullConnection: Redis;
  readonly bullPrefix: string;
  close(): Promise<void>;
}

/**
 * Creates the engine over Redis, BullMQ and the SSH runner from the configuration. Fails with every problem
 * listed (site files, a Redis that may evict keys); logs a loud warning when Redis persists nothing.
 */
export async function createEngineRuntime(config: Config, env: Env, log: Logger, ops: { readonly metrics?: OpsMetrics } = {}): Promise<Result<EngineRuntime, string[]>> {
  const loaded = await loadSites(config.OPSGATE_SITES, { env });
  if (!loaded.ok) return err(loaded.error.map(formatSiteProblem));
  const redis = new Redis({ ...redisOptionsOf(config), maxRetriesPerRequest: null });
  const bullConnection = new Redis({ ...redisOptionsOf(config), maxRetriesPerRequest: null });
  // ioredis reconnects by itself; without a listener each failed attempt would be an unhandled error event.
  for (const c of [redis, bullConnection]) c.on('error', (e: Error) => log.warn({ err: e.message }, 'redis connection error'));
  const closeRedis = () => Promise.all([redis.quit(), bullConnection.quit()]).catch(() => undefined);
  const checked = await checkRedis(redis).catch((e: unknown) => err(e instanceof Error ? e : new Error(String(e))));
  if (!checked.ok) {
    await closeRedis();
    return err([`Redis at ${redactUrl(config.REDIS_URL)}: ${checked.error.message}`]);
  }
  if (checked.value.warning !== undefined) log.warn({ persistence: checked.value.persistence }, `WARNING: ${checked.value.warning}`);
  const prefix = config.OPSGATE_REDIS_PREFIX;
  const bullPrefix = `${prefix}bull`;
  const sites = loaded.value.map((l) => toEngineSite(l.site, l.baseDir));
  const queue = new BullRunQueue({ connection: bullConnection, prefix: bullPrefix });
  const events = new RedisEventStream(redis, prefix);
  const sessions = createRunSessions({ open: remoteOpener(loaded.value, env, join(config.OPSGATE_STATE_DIR, 'spool'), log) });
  const gates = new RedisGateStore({ redis, prefix });
  const deps: EngineDeps = {
    runs: new RedisRunStore(redis, prefix),
    queue,
    gates,
    audit: new RedisAuditLog({ redis, prefix }),
    lock: new RedisSiteLock({ redis, prefix }),
    events: endingSessions(ops.metrics === undefined ? events : meteredEvents(events, ops.metrics, gates), sessions),
    sites: siteDirectory(sites),
    runbooks: createRunbookRegistry(ALL_RUNBOOKS),
    openRemote: (site, runId) => sessions.acquire(site, runId),
    clock: systemClock,
    ids: randomIds,
    log,
    artefacts: new RedisOutputArtefacts({ redis, prefix, clock: systemClock, ids: randomIds }),
  };
  return ok({
    engine: createEngine(deps),
    deps,
    events,
    sites,
    bullConnection,
    bullPrefix,
    async close() {
      await sessions.closeAll();
      await queue.close();
      await closeRedis();
    },
  });
}

/** Opens an SSH session to a site's hosts; from the site file; host configs and secrets are resolved once per site. */
function remoteOpener(loaded: readonly LoadedSite[], env: Env, spoolDir: string, log: Logger): (site: EngineSite) => Promise<RemoteSession> {
  const setups = new Map<string, Promise<SiteSshSetup>>();
  return async (site) => {
    const file = loaded.find((l) => l.site.id === site.name);
    if (file === undefined) throw new Error(`no site file for ${site.name}`);
    let setup = setups.get(site.name);
    if (setup === undefined) {
      setup = siteSshSetup(file, env);
      setups.set(site.name, setup);
      setup.catch(() => setups.delete(site.name));
    }
    const { hosts, secrets } = await setup;
    addLogSecrets(log, secrets);
    return createSshSession({ hosts, secrets, spoolDir, log });
  };
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
