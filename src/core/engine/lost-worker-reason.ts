import type { WorkerBeat } from '../ports/worker-registry.ts';

/** "worker h1-4242-ab12cd34 (pid 4242 on h1)", or the bare id when no beat of it is remembered. */
export function describeWorker(id: string, beat: WorkerBeat | undefined): string {
  return beat === undefined ? `worker ${id}` : `worker ${id} (pid ${beat.pid} on ${beat.host})`;
}

/**
 * Why a surviving process took a step over, as people read it in the run's thread: which worker ran it, when that
 * worker was last heard of, and which step. `now` is when the loss was noticed.
 */
export function lostWorkerReason(
  id: string,
  beat: WorkerBeat | undefined,
  stepId: string,
  startedAt: number | undefined,
  now: number,
): string {
  if (beat === undefined) {
    const since = startedAt === undefined ? '' : ` since ${iso(startedAt)}`;
    return `${describeWorker(id, beat)} ran step ${stepId}${since} and has no heartbeat on record: it is gone`;
  }
  const ago = Math.max(0, Math.round((now - beat.lastBeat) / 1000));
  return `${describeWorker(id, beat)} stopped sending heartbeats while it ran step ${stepId}: its last heartbeat was at ${iso(beat.lastBeat)}, ${ago} s before this was noticed at ${iso(now)}`;
}

/**
 * Why a re-delivered job found its step `running`: the step's worker and its last heartbeat when they are known.
 */
export function unrecordedEndReason(id: string | undefined, beat: WorkerBeat | undefined): string {
  if (id === undefined) return 'the step was started but its end was never recorded';
  const last = beat === undefined ? '' : `, last heartbeat at ${iso(beat.lastBeat)}`;
  return `the step was started by ${describeWorker(id, beat)}${last} but its end was never recorded`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
