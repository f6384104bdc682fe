import type { Redis } from 'ioredis';
import { isFinished, type RunState, type StepState } from '../../core/plan/run-state.ts';
import type { Plan } from '../../core/plan/step-schema.ts';
import type { RunStore } from '../../core/ports/run-store.ts';

const PLAN_CACHE_SIZE = 64;

/**
 * Compare-and-set of a run: the run's own fields, then the given steps, only while the version is the expected
 * one; keeps the set of active runs in step. KEYS: run, steps, active. ARGV: run JSON, expected version, new
 * version, finished (1/0), run id, then step id and step JSON pairs.
 */
const UPDATE = `
local v = redis.call('HGET', KEYS[1], 'version')
if not v or tonumber(v) ~= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'version', ARGV[3])
for i = 6, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
if ARGV[4] == '1' then redis.call('SREM', KEYS[3], ARGV[5]) else redis.call('SADD', KEYS[3], ARGV[5]) end
return 1`;

/**
 * Runs in Redis: a hash per run (`state`: the run without its steps, `version`, `plan`), a hash of its steps
 * (one field per step, so recording a step writes that step only, however long the run), a sorted set of run ids
 * per site and one for all sites (by creation time), and the set of active runs. Every key starts with
 * `prefix`, so tests and deployments sharing a server stay apart.
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
  private stepsKey(id: string): string {
    return `${this.prefix}run-steps:${id}`;
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
      .hset(this.runKey(run.id), 'state', runJson(run), 'plan', JSON.stringify(plan))
      .zadd(this.siteKey(run.site), run.createdAt, run.id)
      .zadd(this.allKey, run.createdAt, run.id);
    const steps = stepPairs(run, undefined);
    if (steps.length > 0) m.hset(this.stepsKey(run.id), ...steps);
    if (!isFinished(run)) m.sadd(this.activeKey, run.id);
    await m.exec();
  }

  async get(runId: string): Promise<RunState | undefined> {
    return (await this.many([runId]))[0];
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

  async update(next: RunState, expectedVersion: number, changedSteps?: readonly string[]): Promise<boolean> {
    const r = await this.redis.eval(
      UPDATE,
      3,
      this.runKey(next.id),
      this.stepsKey(next.id),
      this.activeKey,
      runJson(next),
      String(expectedVersion),
      String(next.version),
      isFinished(next) ? '1' : '0',
      next.id,
      ...stepPairs(next, changedSteps),
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
    for (const id of ids) p.hget(this.runKey(id), 'state').hgetall(this.stepsKey(id));
    const rows = (await p.exec()) ?? [];
    const runs: RunState[] = [];
    for (let i = 0; i < ids.length; i++) {
      const [e1, state] = rows[2 * i] ?? [];
      const [e2, steps] = rows[2 * i + 1] ?? [];
      // A failed read (Redis lost meanwhile) is not a missing run: callers would take the run for gone.
      if (e1) throw e1;
      if (e2) throw e2;
      if (typeof state !== 'string') continue;
      const parsed: Record<string, StepState> = {};
      for (const [id, json] of Object.entries((steps ?? {}) as Record<string, string>))
        parsed[id] = JSON.parse(json) as StepState;
      runs.push({ ...(JSON.parse(state) as Omit<RunState, 'steps'>), steps: parsed });
    }
    return runs;
  }
}

function runJson(run: RunState): string {
  const { steps: _steps, ...rest } = run;
  return JSON.stringify(rest);
}

/** `[id, json, id, json …]` of the given steps (all when `only` is absent). */
function stepPairs(run: RunState, only: readonly string[] | undefined): string[] {
  const ids = only ?? Object.keys(run.steps);
  return ids.flatMap((id) => {
    const st = run.steps[id];
    return st === undefined ? [] : [id, JSON.stringify(st)];
  });
}
