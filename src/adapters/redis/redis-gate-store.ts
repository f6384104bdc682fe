import type { Redis } from 'ioredis';
import type { DecideInput, DecideOutcome, Gate, GateRefusal, GateStore } from '../../core/ports/gates.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { gateFromHash, gateToHash } from './gate-hash.ts';
import { gateRefusal } from '../../approvals/gate-refusal.ts';
import { DECIDE_LUA, EXPIRE_DUE_LUA } from './gate-scripts.ts';

/** What the Redis gate store needs. */
export interface RedisGateStoreDeps {
  readonly redis: Redis;
  /** Prefix of every key, e.g. `opsgate:` in production, `test-<uuid>:` in tests. */
  readonly prefix: string;
  /** How long a settled (decided or expired) gate stays readable; 90 days by default. */
  readonly retainSettledMs?: number;
}

const REFUSAL_CODES = new Set<string>([
  'UNKNOWN_GATE',
  'ALREADY_DECIDED',
  'EXPIRED',
  'PLAN_CHANGED',
  'ALREADY_APPROVED',
]);
const EXPIRE_BATCH = 500;

/**
 * Gates on Redis. A gate is a hash `<prefix>gate:<id>`; pending gates are indexed by expiry
 * (`<prefix>gates:due`) and by run (`<prefix>run-gates:<runId>`). Who may decide is the approvals policy's call,
 * made before `record` (`decideGate`); what depends on the gate's state is checked again and written in one Lua
 * script, so that a gate gets at most one decision whatever the number of concurrent clicks, connections or bot
 * replicas.
 */
export class RedisGateStore implements GateStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly retainSettledMs: number;

  constructor(deps: RedisGateStoreDeps) {
    this.redis = deps.redis;
    this.prefix = deps.prefix;
    this.retainSettledMs = deps.retainSettledMs ?? 90 * 24 * 3600 * 1000;
  }

  async insert(gate: Gate): Promise<void> {
    await this.redis
      .multi()
      .hset(this.gateKey(gate.id), gateToHash(gate))
      .zadd(this.dueKey(), gate.expiresAt, gate.id)
      .zadd(this.runKey(gate.runId), gate.openedAt, gate.id)
      .exec()
      .then(throwOnFailedStep);
  }

  async record(input: DecideInput): Promise<Result<DecideOutcome, GateRefusal>> {
    const approval = JSON.stringify({ by: input.user, at: input.now });
    const decision = JSON.stringify({ choice: input.choice, by: input.user, at: input.now });
    const reply = (await this.redis.eval(
      DECIDE_LUA,
      2,
      this.gateKey(input.gateId),
      this.dueKey(),
      String(input.now),
      input.planHash,
      input.choice,
      input.user,
      approval,
      decision,
      input.gateId,
      String(this.retainSettledMs),
      this.prefix,
    )) as [string, string[]];
    const [outcome, hash] = reply;
    const after = gateFromHash(hash);
    if (outcome === 'decided' || outcome === 'recorded') {
      if (after === undefined) throw new Error(`gate ${input.gateId} vanished while being decided`);
      return ok({ status: outcome, gate: after });
    }
    if (!REFUSAL_CODES.has(outcome)) throw new Error(`unexpected reply from the decide script: ${outcome}`);
    return err(gateRefusal(outcome as GateRefusal['code'], after === undefined ? {} : { gate: after }));
  }

  async get(gateId: string): Promise<Gate | undefined> {
    return gateFromHash(await this.redis.hgetall(this.gateKey(gateId)));
  }

  async expireDue(now: number): Promise<readonly Gate[]> {
    const expired: Gate[] = [];
    for (;;) {
      const batch = (await this.redis.eval(
        EXPIRE_DUE_LUA,
        1,
        this.dueKey(),
        String(now),
        this.prefix,
        String(EXPIRE_BATCH),
        String(this.retainSettledMs),
      )) as string[][];
      for (const hash of batch) {
        const gate = gateFromHash(hash);
        if (gate !== undefined) expired.push(gate);
      }
      if (batch.length < EXPIRE_BATCH) break;
    }
    return expired.sort((a, b) => a.expiresAt - b.expiresAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async pendingForRun(runId: string): Promise<readonly Gate[]> {
    const ids = await this.redis.zrange(this.runKey(runId), 0, -1);
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.gateKey(id));
    const replies = throwOnFailedStep(await pipeline.exec());
    return replies
      .map(([, hash]) => gateFromHash(hash as Record<string, string>))
      .filter((g): g is Gate => g !== undefined && g.status === 'pending');
  }

  private gateKey(id: string): string {
    return `${this.prefix}gate:${id}`;
  }

  private dueKey(): string {
    return `${this.prefix}gates:due`;
  }

  private runKey(runId: string): string {
    return `${this.prefix}run-gates:${runId}`;
  }
}

/** MULTI/pipeline replies carry per-command errors instead of rejecting; surface the first one. */
function throwOnFailedStep(replies: [Error | null, unknown][] | null): [Error | null, unknown][] {
  if (replies === null) throw new Error('Redis transaction was discarded');
  const failed = replies.find(([e]) => e !== null);
  if (failed?.[0]) throw failed[0];
  return replies;
}
