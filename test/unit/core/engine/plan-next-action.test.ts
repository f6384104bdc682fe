import { describe, expect, it } from 'vitest';
import { planNextAction, rollbackCoverage } from '../../../../src/core/engine/plan-next-action.ts';
import type { NextAction } from '../../../../src/core/engine/next-action.ts';
import type { RunState } from '../../../../src/core/plan/run-state.ts';
import { validatePlan } from '../../../../src/core/plan/validate-plan.ts';
import { runWith, samplePlan, site } from './fixtures.ts';

const plan = validatePlan('sample', samplePlan(), site);
const done = { status: 'succeeded' } as const;
const gate = (id: string) => ({ id, kind: 'approval' as const, planHash: 'x' });

const cases: { name: string; run: RunState; scripted?: boolean; expected: NextAction }[] = [
  {
    name: 'a fresh run executes its first check',
    run: runWith({}),
    expected: { type: 'execute', stepId: 'inspect', attempt: 1, phase: 'forward' },
  },
  {
    name: 'a non-destructive action runs without a gate',
    run: runWith({ inspect: done }),
    expected: { type: 'execute', stepId: 'note', attempt: 1, phase: 'forward' },
  },
  {
    name: 'a destructive step first asks for approval',
    run: runWith({ inspect: done, note: done }),
    expected: { type: 'await-approval', stepId: 'move', gateKind: 'approval' },
  },
  {
    name: 'an open gate means waiting',
    run: runWith({ inspect: done, note: done, move: { status: 'gated', gate: gate('g1') } }),
    expected: { type: 'wait', stepId: 'move', gateId: 'g1' },
  },
  {
    name: 'an approved step executes',
    run: runWith({ inspect: done, note: done, move: { status: 'ready', approvedBy: 'U_A' } }),
    expected: { type: 'execute', stepId: 'move', attempt: 1, phase: 'forward' },
  },
  {
    name: 'a step found running is handed back to the job handler with its attempt',
    run: runWith({ inspect: done, note: done, move: { status: 'running', attempt: 2 } }),
    expected: { type: 'execute', stepId: 'move', attempt: 2, phase: 'forward' },
  },
  {
    name: 'a failed step waits for a decision',
    run: runWith({ inspect: done, note: { status: 'failed', failedAt: 'command' } }),
    expected: { type: 'await-decision', stepId: 'note', reason: 'failed', phase: 'forward' },
  },
  {
    name: 'an interrupted step waits for a decision',
    run: runWith({ inspect: done, note: done, move: { status: 'interrupted' } }),
    expected: { type: 'await-decision', stepId: 'move', reason: 'interrupted', phase: 'forward' },
  },
  {
    name: 'a decision gate already open means waiting',
    run: runWith({ inspect: done, note: done, move: { status: 'interrupted', gate: gate('g2') } }),
    expected: { type: 'wait', stepId: 'move', gateId: 'g2' },
  },
  {
    name: 'a step marked done counts as done',
    run: runWith({ inspect: done, note: { status: 'marked-done' }, move: done }),
    expected: { type: 'await-manual', stepId: 'adm-install' },
  },
  {
    name: 'a manual step with a scripted stand-in runs it',
    run: runWith({ inspect: done, note: done, move: done }),
    scripted: true,
    expected: { type: 'execute', stepId: 'adm-install', attempt: 1, phase: 'forward' },
  },
  {
    name: 'a manual step marked done by a person runs its verification',
    run: runWith({ inspect: done, note: done, move: done, 'adm-install': { status: 'ready' } }),
    expected: { type: 'execute', stepId: 'adm-install', attempt: 1, phase: 'forward' },
  },
  {
    name: 'every step done completes the run',
    run: runWith({ inspect: done, note: done, move: done, 'adm-install': done, finish: done }),
    expected: { type: 'complete', outcome: 'completed' },
  },
  {
    name: 'a rejected step stops the run and offers rollback',
    run: runWith({ inspect: done, note: done, move: { status: 'rejected' } }, { outcome: 'rejected' }),
    expected: { type: 'stopped', stepId: 'move', rollbackOffered: true },
  },
  {
    name: 'an aborted run is finished',
    run: runWith({ inspect: done }, { outcome: 'aborted' }),
    expected: { type: 'finished', outcome: 'aborted' },
  },
  {
    name: 'a requested rollback starts by working out its coverage',
    run: runWith({ inspect: done, note: done, move: done }, { rollback: { requestedBy: 'U_A', requestedAt: 1 } }),
    expected: { type: 'roll-back' },
  },
  {
    name: 'a destructive rollback step asks for approval again',
    run: runWith(
      { inspect: done, note: done, move: done },
      { rollback: { requestedBy: 'U_A', requestedAt: 1, covers: ['move'] } },
    ),
    expected: { type: 'await-approval', stepId: 'unmove', gateKind: 'rollback' },
  },
  {
    name: 'a non-destructive rollback step runs without a gate',
    run: runWith(
      { inspect: done, note: done, move: done, 'adm-install': done },
      { rollback: { requestedBy: 'U_A', requestedAt: 1, covers: ['adm-install', 'move'] } },
    ),
    expected: { type: 'execute', stepId: 'uninstall', attempt: 1, phase: 'rollback' },
  },
  {
    name: 'a failed rollback step waits for a decision in the rollback phase',
    run: runWith(
      { move: done, unmove: { status: 'failed', failedAt: 'verify' } },
      { rollback: { requestedBy: 'U_A', requestedAt: 1, covers: ['move'] } },
    ),
    expected: { type: 'await-decision', stepId: 'unmove', reason: 'failed', phase: 'rollback' },
  },
  {
    name: 'every rollback step done completes the rollback',
    run: runWith({ move: done, unmove: done }, { rollback: { requestedBy: 'U_A', requestedAt: 1, covers: ['move'] } }),
    expected: { type: 'complete', outcome: 'rolled-back' },
  },
];

describe('planNextAction', () => {
  it.each(cases)('$name', ({ run, scripted, expected }) => {
    expect(planNextAction(plan, run, { manualScripted: scripted ?? false })).toEqual(expected);
  });
});

describe('rollbackCoverage', () => {
  it('covers finished steps latest first and lists irreversible ones apart', () => {
    const run = runWith({ inspect: done, note: done, move: done, 'adm-install': done });
    const cov = rollbackCoverage(plan, run);
    expect(cov.covers).toEqual(['adm-install', 'move']);
    expect(cov.irreversible.map((s) => s.id)).toEqual(['note']);
  });

  it('leaves out a step whose precondition failed, since it changed nothing', () => {
    const run = runWith({ inspect: done, note: done, move: { status: 'failed', failedAt: 'precondition' } });
    expect(rollbackCoverage(plan, run).covers).toEqual([]);
  });

  it('includes an interrupted step, whose effect is unknown', () => {
    const run = runWith({ inspect: done, note: done, move: { status: 'interrupted' } });
    expect(rollbackCoverage(plan, run).covers).toEqual(['move']);
  });
});
