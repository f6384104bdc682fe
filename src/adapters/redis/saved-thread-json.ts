import type { GateView, RunView } from '../../core/ports/views.ts';
import type { PendingPost, RunThreadState } from '../../core/ports/run-thread-store.ts';

/** The inverse of `JSON.stringify(posts)`; entries that are not pending posts are left out. */
export function parsePendingPosts(text: string | undefined): readonly PendingPost[] {
  if (text === undefined) return [];
  try {
    const j = JSON.parse(text) as unknown;
    if (!Array.isArray(j)) return [];
    return j.filter(
      (p: Partial<PendingPost>): p is PendingPost =>
        typeof p?.key === 'string' &&
        typeof p.channel === 'string' &&
        typeof p.at === 'number' &&
        (p.threadTs === undefined || typeof p.threadTs === 'string'),
    );
  } catch {
    return [];
  }
}

interface StateJson {
  readonly run: RunView;
  readonly dryRun: boolean;
  readonly phases: [string, 'forward' | 'rollback'][];
  readonly targets: [string, readonly string[]][];
  readonly gates: [string, GateView][];
}

/** The run's chat state as JSON; output tails are left out (they only live until their step finishes). */
export function serializeThreadState(s: RunThreadState): string {
  const json: StateJson = {
    run: s.run,
    dryRun: s.dryRun,
    phases: [...s.phases],
    targets: [...s.targets],
    gates: [...s.gates],
  };
  return JSON.stringify(json);
}

/** The inverse of `serializeThreadState`; undefined for anything that is not one. */
export function parseThreadState(text: string | undefined): RunThreadState | undefined {
  if (text === undefined) return undefined;
  try {
    const j = JSON.parse(text) as Partial<StateJson>;
    if (
      typeof j.run?.id !== 'string' ||
      !Array.isArray(j.run.steps) ||
      !Array.isArray(j.phases) ||
      !Array.isArray(j.targets) ||
      !Array.isArray(j.gates)
    )
      return undefined;
    return {
      run: j.run,
      dryRun: j.dryRun === true,
      phases: new Map(j.phases),
      targets: new Map(j.targets),
      outputs: new Map(),
      gates: new Map(j.gates),
    };
  } catch {
    return undefined;
  }
}
