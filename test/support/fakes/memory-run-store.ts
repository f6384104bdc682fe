import type { RunState } from '../../../src/core/plan/run-state.ts';
import { isFinished } from '../../../src/core/plan/run-state.ts';
import type { Plan } from '../../../src/core/plan/step-schema.ts';
import type { RunQueue, RunStore, StepJob } from '../../../src/core/ports/run-store.ts';
import type { EngineEvent, EventFeed, EventSink, StoredEvent } from '../../../src/core/ports/events.ts';

/** An in-memory RunStore; states go through JSON like in Redis, and `update` is a real compare-and-set. */
export class MemoryRunStore implements RunStore {
  private readonly runs = new Map<string, string>();
  private readonly plans = new Map<string, string>();

  async create(run: RunState, plan: Plan): Promise<void> {
    if (this.runs.has(run.id)) throw new Error(`run ${run.id} exists`);
    this.runs.set(run.id, JSON.stringify(run));
    this.plans.set(run.id, JSON.stringify(plan));
  }

  async get(runId: string): Promise<RunState | undefined> {
    const s = this.runs.get(runId);
    return s === undefined ? undefined : (JSON.parse(s) as RunState);
  }

  async getPlan(runId: string): Promise<Plan | undefined> {
    const s = this.plans.get(runId);
    return s === undefined ? undefined : (JSON.parse(s) as Plan);
  }

  async update(next: RunState, expectedVersion: number): Promise<boolean> {
    // Check and set with no await in between: atomic, like the Lua script of the Redis store.
    const stored = this.runs.get(next.id);
    const cur = stored === undefined ? undefined : (JSON.parse(stored) as RunState);
    if (cur === undefined || cur.version !== expectedVersion) return false;
    this.runs.set(next.id, JSON.stringify(next));
    return true;
  }

  async list(filter: { readonly site?: string; readonly limit?: number } = {}): Promise<readonly RunState[]> {
    const all = await Promise.all([...this.runs.keys()].map((id) => this.get(id)));
    return all
      .filter((r): r is RunState => r !== undefined && (filter.site === undefined || r.site === filter.site))
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, filter.limit ?? 100);
  }

  async active(sites?: readonly string[]): Promise<readonly RunState[]> {
    const runs = await this.list({ limit: 10_000 });
    return runs.filter((r) => !isFinished(r) && (sites === undefined || sites.includes(r.site))).reverse();
  }
}

/** A RunQueue that keeps jobs until drained; a job whose id is already waiting is dropped, as in BullMQ. */
export class MemoryRunQueue implements RunQueue {
  readonly waiting: StepJob[] = [];
  readonly enqueued: StepJob[] = [];

  async enqueue(job: StepJob): Promise<void> {
    this.enqueued.push(job);
    if (!this.waiting.some((j) => j.runId === job.runId && j.stepId === job.stepId && j.attempt === job.attempt))
      this.waiting.push(job);
  }

  /** Hands every waiting job (and those they enqueue) to `handle`, one at a time. */
  async drain(handle: (job: StepJob) => Promise<unknown>): Promise<number> {
    let n = 0;
    for (let job = this.waiting.shift(); job !== undefined; job = this.waiting.shift()) {
      await handle(job);
      n++;
    }
    return n;
  }
}

/** An EventSink that keeps every event. */
export class MemoryEvents implements EventSink, EventFeed {
  readonly events: EngineEvent[] = [];

  async emit(event: EngineEvent): Promise<void> {
    this.events.push(event);
  }

  types(): string[] {
    return this.events.map((e) => e.type);
  }

  of<T extends EngineEvent['type']>(type: T): Extract<EngineEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
  }

  /** The events of a site after `afterId` (ids are `<position>-0`), as a Redis stream reads them. */
  async read(site: string, afterId: string, opts: { readonly count?: number } = {}): Promise<StoredEvent[]> {
    const after = Number(afterId.split('-')[0]);
    return this.events
      .map((event, i) => ({ id: `${i + 1}-0`, event }))
      .filter((s, i) => i + 1 > after && s.event.site === site)
      .slice(0, opts.count ?? 100);
  }
}
