import { describe, expect, it } from 'vitest';
import { RunbookInvalidError } from '../../../../src/core/plan/runbook-errors.ts';
import type { PlanInput, StepInput } from '../../../../src/core/plan/step-schema.ts';
import { validatePlan } from '../../../../src/core/plan/validate-plan.ts';
import { samplePlan, site } from '../engine/fixtures.ts';

function withStep(id: string, change: (s: Record<string, unknown>) => void): PlanInput {
  const plan = samplePlan();
  const step = plan.steps.find((s) => s.id === id) as unknown as Record<string, unknown>;
  change(step);
  return plan;
}

function refusal(input: unknown): RunbookInvalidError {
  try {
    validatePlan('sample', input, site);
  } catch (e) {
    if (e instanceof RunbookInvalidError) return e;
    throw e;
  }
  throw new Error('the plan was accepted');
}

describe('validatePlan', () => {
  it('accepts a well-formed plan and fills in defaults', () => {
    const plan = validatePlan('sample', samplePlan(), site);
    expect(plan.steps.map((s) => s.id)).toEqual(['inspect', 'note', 'move', 'adm-install', 'finish']);
    expect(plan.steps[0]?.destructive).toBe(false);
  });

  it.each<[string, string, (s: Record<string, unknown>) => void, RegExp]>([
    ['a destructive step without a gate', 'move', (s) => delete s.gate, /destructive step without a gate/],
    ['an action without a rollback decision', 'note', (s) => delete s.irreversible, /no rollback decision/],
    ['a manual step without a rollback decision', 'adm-install', (s) => delete s.rollback, /no rollback decision/],
    [
      'a step with both rollback and irreversible',
      'move',
      (s) => (s.irreversible = { reason: 'x' }),
      /both rollback steps and irreversible/,
    ],
    [
      'a destructive check',
      'inspect',
      (s) => ((s.destructive = true), (s.gate = { prompt: 'p' })),
      /a check may not be destructive/,
    ],
    [
      'a target host without a command',
      'inspect',
      (s) => (s.commands = [{ host: 'paas-1', command: 'uptime' }]),
      /no command for target host\(s\) paas-2/,
    ],
    [
      'a host the site does not have',
      'note',
      (s) => ((s.targets = { kind: 'hosts', hosts: ['ghost'] }), (s.commands = [{ host: 'ghost', command: 'true' }])),
      /unknown host\(s\) ghost/,
    ],
    [
      'a probe with a broken pattern',
      'inspect',
      (s) => (s.verify = [{ kind: 'output-matches', command: 'true', pattern: '(' }]),
      /bad pattern/,
    ],
    [
      'an SQL probe on a host step',
      'note',
      (s) => (s.verify = [{ kind: 'sql-matches', sql: 'select 1', pattern: '1' }]),
      /SQL probe on a step that targets hosts/,
    ],
  ])('refuses %s, naming the step', (_name, id, change, message) => {
    const e = refusal(withStep(id, change));
    expect(e.code).toBe('RUNBOOK_INVALID');
    expect(e.step).toBe(id);
    expect(e.message).toMatch(message);
  });

  it('refuses a schema error and names the step it sits in', () => {
    const plan = samplePlan();
    (plan.steps[1] as unknown as Record<string, unknown>).id = 'Bad Id';
    const e = refusal(plan);
    expect(e.step).toBe('Bad Id');
    expect(e.message).toMatch(/id: a step id is lower-case/);
  });

  it('refuses a step id used twice, including rollback step ids', () => {
    const plan = samplePlan();
    const dup: StepInput = {
      kind: 'action',
      id: 'unmove',
      title: 't',
      targets: { kind: 'hosts', hosts: ['store-1'] },
      commands: [{ host: 'store-1', command: 'true' }],
      irreversible: { reason: 'r' },
    };
    plan.steps.push(dup);
    expect(refusal(plan).message).toMatch(/unmove: step id used twice/);
  });

  it('refuses an SQL step that names an SQL target the site lacks', () => {
    const plan = samplePlan();
    plan.steps.push({
      kind: 'check',
      id: 'ob',
      title: 'ob',
      targets: { kind: 'sql', target: 'ob-other' },
      sql: ['select 1'],
    });
    expect(refusal(plan).message).toMatch(/unknown SQL target ob-other/);
  });
});
