import { describe, expect, it } from 'vitest';
import { runSummary, runViewState } from '../../../../src/core/engine/run-views.ts';
import type { RunState, StepState } from '../../../../src/core/plan/run-state.ts';

const run = (over: Partial<RunState> = {}, steps: Record<string, StepState> = {}): RunState => ({
  id: 'run_1',
  site: 'xizang',
  runbook: 'upgrade-redis',
  args: {},
  requester: 'UOPERATOR',
  dryRun: false,
  planHash: 'h',
  createdAt: 10,
  updatedAt: 20,
  version: 1,
  phase: 'forward',
  steps,
  ...over,
});

describe('how a run shows in /runs', () => {
  it.each([
    [run({ outcome: 'completed' }), 'succeeded'],
    [run({ outcome: 'rejected' }), 'rejected'],
    [run({ outcome: 'aborted' }), 'aborted'],
    [run({ outcome: 'rolled-back' }), 'rolled-back'],
    [run({ outcome: 'dry-run', dryRun: true }), 'dry-run'],
    [run({}, { a: { status: 'succeeded', attempt: 1 }, b: { status: 'gated', attempt: 1 } }), 'waiting'],
    [run({}, { a: { status: 'failed', attempt: 1 }, b: { status: 'gated', attempt: 1 } }), 'failed'],
    [run({}, { a: { status: 'interrupted', attempt: 1 } }), 'interrupted'],
    [run({}, { a: { status: 'running', attempt: 1 } }), 'running'],
  ] as const)('%# is %s', (r, state) => {
    expect(runViewState(r)).toBe(state);
  });

  it('has a finish time once the run is over for good, not while a rejected run can still be rolled back', () => {
    expect(runSummary(run({ outcome: 'completed' })).finishedAt).toBe(20);
    expect(runSummary(run({ outcome: 'rejected' })).finishedAt).toBeUndefined();
    expect(runSummary(run()).title).toBe('upgrade-redis');
  });
});
