import { describe, expect, it } from 'vitest';
import { RunbookInvalidError } from '../../../../src/core/plan/runbook-errors.ts';
import { renderPlan } from '../../../../src/core/engine/render-plan.ts';
import { planHash } from '../../../../src/core/plan/step-hash.ts';
import type { PlanInput } from '../../../../src/core/plan/step-schema.ts';
import { validatePlan } from '../../../../src/core/plan/validate-plan.ts';
import { samplePlan, site } from './fixtures.ts';

const store = { kind: 'hosts' as const, hosts: ['store-1'] };

/** The sample plan with a cleanup on `note` (ended by `finish`), changed by `change`. */
function withCleanup(
  change: (cleanup: Record<string, unknown>, step: Record<string, unknown>) => void = () => undefined,
): PlanInput {
  const plan = samplePlan();
  const step = plan.steps.find((s) => s.id === 'note') as unknown as Record<string, unknown>;
  const cleanup = {
    steps: [
      {
        kind: 'action',
        id: 'note-cleanup',
        title: 'remove the temp file',
        targets: store,
        commands: [{ host: 'store-1', command: 'rm -f /tmp/x' }],
      },
    ],
    endedBy: ['finish'],
  };
  step.cleanup = cleanup;
  change(cleanup, cleanup.steps[0] as unknown as Record<string, unknown>);
  return plan;
}

function refusal(input: unknown): string {
  try {
    validatePlan('sample', input, site);
  } catch (e) {
    if (e instanceof RunbookInvalidError) return e.message;
    throw e;
  }
  throw new Error('the plan was accepted');
}

describe('cleanup steps in a plan', () => {
  it('are accepted as non-destructive, ungated actions, shown in the dry run and counted in the plan hash', () => {
    const plan = validatePlan('sample', withCleanup(), site);
    const dry = renderPlan(plan);
    expect(dry).toContain(
      '   cleanup on abort (unless finish ran) note-cleanup: remove the temp file\n     targets: store-1, all at once\n     no gate',
    );
    expect(dry).toContain('     on store-1: rm -f /tmp/x');
    const other = validatePlan(
      'sample',
      withCleanup((_c, s) => (s.commands = [{ host: 'store-1', command: 'rm -f /tmp/y' }])),
      site,
    );
    expect(planHash(other)).not.toBe(planHash(plan));
    expect(planHash(validatePlan('sample', samplePlan(), site))).not.toBe(planHash(plan));
  });

  it.each<[string, (c: Record<string, unknown>, s: Record<string, unknown>) => void, RegExp]>([
    [
      'a destructive cleanup step',
      (_c, s) => (s.destructive = true),
      /step note: .*a cleanup step may not be destructive/,
    ],
    ['a gated cleanup step', (_c, s) => (s.gate = { prompt: 'p' }), /a cleanup step runs without a gate/],
    [
      'a cleanup step with rollback steps',
      (_c, s) => (s.rollback = { steps: [] }),
      /a cleanup step is not rolled back/,
    ],
    [
      'a manual cleanup step',
      (_c, s) => ((s.kind = 'manual'), (s.instructions = 'do it')),
      /a cleanup step is an action/,
    ],
    ['a cleanup step running a program', (_c, s) => (s.program = { id: 'x' }), /exact commands or SQL, not a program/],
    ['an unknown field', (_c, s) => (s.when = 'always'), /when/],
    [
      'endedBy naming an earlier step',
      (c) => (c.endedBy = ['inspect']),
      /cleanup.endedBy names inspect, not a later step/,
    ],
    ['a cleanup step id used twice', (_c, s) => (s.id = 'finish'), /step finish: step id used twice/],
    [
      'a cleanup step on an unknown host',
      (_c, s) => (
        (s.targets = { kind: 'hosts', hosts: ['ghost'] }),
        (s.commands = [{ host: 'ghost', command: 'true' }])
      ),
      /unknown host\(s\) ghost/,
    ],
  ])('refuses %s', (_name, change, message) => {
    expect(refusal(withCleanup(change))).toMatch(message);
  });
});
