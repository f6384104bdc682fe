import type { Redis } from 'ioredis';
import { isFinished, type RunState } from '../engine/run-state.ts';
import type { Plan } from '../engine/step-schema.ts';
import type { RunStore } from '../ports/run-store.ts';

const PLAN_CACHE_SIZE = 64;

/** Compare-and-set of a run's state; keeps the set of active runs in step with it. */
const UPDATE = `
local v = redis.call('HGET', KEYS[1], 'version')
if not v or tonumber(v) ~= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'version', ARGV[3])
if ARGV[4] == '1' then redis.call('SREM', KEYS[2], ARGV[5]) else redis.call('SADD', KEYS[2], ARGV[5]) end
return 1`;

/**
 * Runs in Redis: one hash per run (`state` JSON, `version`, `plan` JSON), a sorted set of run ids per site and
 * one for all sites (by creation time), and the set of active runs. Every key starts with `prefix`, so tests
 * and deployments sharing a server stay apart.
 */
export class RedisRunStore implements RunStore {
  /** Plans never change once stored: the last few read are kept parsed (insertion order gives the oldest). */
  private readonly planCache = new Map<string, Plan>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private runKey(id: string): string {
    return `${this.prefix}run:${id}`;
  }
  private siteKey(site: string): string {
    return `${this.prefix}runs:site:${site}`;
  }
  private get allKey(): string {
    return `${this.prefix}runs:all`;
  }
  private get activeKey(): string {
    return `${this.prefix}runs:active`;
  }

  async create(run: RunState, plan: Plan): Promise<void> {
    const created = await this.redis.hsetnx(this.runKey(run.id), 'version', String(run.version));
    if (created === 0) throw new Error(`run ${run.id} already exists`);
    const m = this.redis
      .multi()
      .hset(this.runKey(run.id), 'state', JSON.stringify(run), 'plan', JSON.stringify(plan))
      .zadd(this.siteKey(run.site), run.createdAt, run.id)
      .zadd(this.allKey, run.createdAt, run.id);
    if (!isFinished(run)) m.sadd(this.activeKey, run.id);
    await m.exec();
  }

  async get(runId: string): Promise<RunState | undefined> {
    const s = await this.redis.hget(this.runKey(runId), 'state');
    return s === null ? undefined : (JSON.parse(s) as RunState);
  }

  async getPlan(runId: string): Promise<Plan | undefined> {
    const cached = this.planCache.get(runId);
    if (cached !== undefined) return cached;
    const s = await this.redis.hget(this.runKey(runId), 'plan');
    if (s === null) return undefined;
    const plan = JSON.parse(s) as Plan;
    this.planCache.set(runId, plan);
    if (this.planCache.size > PLAN_CACHE_SIZE) this.planCache.delete(this.planCache.keys().next().value ?? runId);
    return plan;
  }

  async update(next: RunState, expectedVersion: number): Promise<boolean> {
    const r = await this.redis.eval(
      UPDATE,
      2,
      this.runKey(next.id),
      this.activeKey,
      JSON.stringify(next),
      String(expectedVersion),
      String(next.version),
      isFinished(next) ? '1' : '0',
      next.id,
    );
    return r === 1;
  }

  async list(filter: { readonly site?: string; readonly limit?: number } = {}): Promise<readonly RunState[]> {
    const key = filter.site === undefined ? this.allKey : this.siteKey(filter.site);
    const ids = await this.redis.zrevrange(key, 0, (filter.limit ?? 50) - 1);
    return this.many(ids);
  }

  async active(sites?: readonly string[]): Promise<readonly RunState[]> {
    const runs = await this.many(await this.redis.smembers(this.activeKey));
    return runs.filter((r) => sites === undefined || sites.includes(r.site)).sort((a, b) => a.createdAt - b.createdAt);
  }

  private async many(ids: readonly string[]): Promise<RunState[]> {
    if (ids.length === 0) return [];
    const p = this.redis.pipeline();
    for (const id of ids) p.hget(this.runKey(id), 'state');
    const rows = (await p.exec()) ?? [];
    return rows.flatMap(([e, s]) => (e === null && typeof s === 'string' ? [JSON.parse(s) as RunState] : []));
  }
}
