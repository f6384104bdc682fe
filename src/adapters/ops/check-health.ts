import { noWorkerMessage, type WorkerRegistry } from '../../core/ports/worker-registry.ts';

/** What `/healthz` answers: 200 when `ok`, 503 with the reasons otherwise. */
export interface HealthReport {
  readonly ok: boolean;
  readonly redis: 'reachable' | 'unreachable';
  /** Live workers per site this process cares about. */
  readonly workers: Readonly<Record<string, number>>;
  readonly problems: readonly string[];
}

export interface HealthDeps {
  /** Answers when Redis does (a PING). */
  ping(): Promise<unknown>;
  readonly registry: WorkerRegistry;
  /** The sites whose queues must be served (the bot: every site; a worker: its own). */
  readonly sites: readonly string[];
  readonly now: () => number;
  /** How long a PING may take before Redis counts as unreachable. */
  readonly timeoutMs?: number;
}

/** Redis reachable and every site's queue served by a live worker; every problem named. */
export async function checkHealth(deps: HealthDeps): Promise<HealthReport> {
  const timeoutMs = deps.timeoutMs ?? 2000;
  const problems: string[] = [];
  try {
    await withTimeout(deps.ping(), timeoutMs);
  } catch (e) {
    problems.push(`Redis is unreachable: ${e instanceof Error ? e.message : String(e)}`);
    return { ok: false, redis: 'unreachable', workers: {}, problems };
  }
  const counts = await withTimeout(deps.registry.servingCounts(deps.sites, deps.now()), timeoutMs);
  for (const [site, n] of counts) if (n === 0) problems.push(noWorkerMessage(site));
  return { ok: problems.length === 0, redis: 'reachable', workers: Object.fromEntries(counts), problems };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
