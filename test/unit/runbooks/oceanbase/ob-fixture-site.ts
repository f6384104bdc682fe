import type { Site } from '../../../../src/core/sites/site.ts';
import type { Plan, Step } from '../../../../src/core/plan/step-schema.ts';
import type { RunState } from '../../../../src/core/plan/run-state.ts';
import type { WaitReport } from '../../../../src/core/ports/events.ts';
import type { ProgramContext } from '../../../../src/core/ports/runbook.ts';
import type { SqlSession } from '../../../../src/core/ports/sql.ts';
import { FakeRemote } from '../../../support/fakes/fake-remote.ts';
import { labXizang, registry } from '../xizang/xizang-fixture.ts';

export { labXizang, registry };

/** The lab site with one cluster's settings changed (e.g. a shorter precheck validity). */
export async function labWith(
  cluster: string,
  change: (ob: NonNullable<Site['spec']>['oceanbase'][number]) => object,
): Promise<Site> {
  const site = await labXizang();
  const spec = site.spec;
  if (spec === undefined) throw new Error('no spec');
  const oceanbase = spec.oceanbase.map((ob) => (ob.name === cluster ? { ...ob, ...change(ob) } : ob));
  return { ...site, spec: { ...spec, oceanbase } };
}

/** A step of a plan by id. */
export function stepOf(plan: Plan, id: string): Step {
  const s = plan.steps.find((x) => x.id === id);
  if (s === undefined) throw new Error(`no step ${id} in ${plan.steps.map((x) => x.id).join(', ')}`);
  return s;
}

/** A run as a program sees it, with the given steps' findings and times. */
export function runWith(steps: RunState['steps']): RunState {
  return {
    id: 'run_1',
    site: 'xizang',
    runbook: 'ob-upgrade',
    args: {},
    requester: 'U1',
    dryRun: false,
    planHash: 'h',
    createdAt: 0,
    updatedAt: 0,
    version: 1,
    phase: 'forward',
    steps,
  };
}

/**
 * A program context over a fake SQL session with a clock that advances on every sleep; records progress lines and
 * wait reports.
 */
export function programContext(
  site: Site,
  step: Step,
  sql: SqlSession,
  run: RunState = runWith({}),
): ProgramContext & { lines: string[]; waits: WaitReport[] } {
  let now = 1_000_000;
  const lines: string[] = [];
  const waits: WaitReport[] = [];
  return {
    site,
    run,
    step,
    sql,
    remote: new FakeRemote(),
    lines,
    waits,
    clock: { now: () => now },
    sleep: async (ms) => void (now += ms),
    progress: async (text) => void lines.push(text),
    waiting: async (w) => void waits.push(w),
  };
}
