import {
  countServing,
  type WorkerBeat,
  type WorkerInfo,
  type WorkerRegistry,
} from '../../../src/core/ports/worker-registry.ts';

/** An in-memory WorkerRegistry that keeps each worker's last beat, as the Redis one does for a day. */
export class MemoryWorkerRegistry implements WorkerRegistry {
  private readonly beats = new Map<string, WorkerBeat>();

  async beat(info: WorkerInfo, now: number, ttlMs: number): Promise<void> {
    this.beats.set(info.id, { ...info, lastBeat: now, expiresAt: now + ttlMs });
  }

  async remove(id: string): Promise<void> {
    this.beats.delete(id);
  }

  async live(now: number): Promise<readonly WorkerBeat[]> {
    return [...this.beats.values()].filter((w) => w.expiresAt > now).sort((a, b) => a.startedAt - b.startedAt);
  }

  async servingCounts(sites: readonly string[], now: number): Promise<Map<string, number>> {
    return countServing(await this.live(now), sites);
  }

  async lastBeats(ids: readonly string[]): Promise<ReadonlyMap<string, WorkerBeat>> {
    const found = new Map<string, WorkerBeat>();
    for (const id of ids) {
      const b = this.beats.get(id);
      if (b !== undefined) found.set(id, b);
    }
    return found;
  }
}
