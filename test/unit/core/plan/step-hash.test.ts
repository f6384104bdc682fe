import { describe, expect, it } from 'vitest';
import { renderPlan } from '../../../../src/core/engine/render-plan.ts';
import { planHash, stepHash } from '../../../../src/core/plan/step-hash.ts';
import type { ActionStep } from '../../../../src/core/plan/step-schema.ts';
import { validatePlan } from '../../../../src/core/plan/validate-plan.ts';
import { samplePlan, site } from '../engine/fixtures.ts';

const plan = validatePlan('sample', samplePlan(), site);
const move = plan.steps.find((s) => s.id === 'move') as ActionStep;

describe('stepHash', () => {
  it('is the same for the same step built with its keys in another order', () => {
    const reordered = Object.fromEntries(Object.entries(move).reverse()) as ActionStep;
    expect(stepHash(reordered)).toBe(stepHash(move));
    expect(stepHash(move)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when a command changes', () => {
    expect(stepHash({ ...move, commands: [{ host: 'store-1', command: 'mv /app/d /app/d_old' }] })).not.toBe(
      stepHash(move),
    );
  });

  it('changes when the targets change', () => {
    expect(stepHash({ ...move, targets: { kind: 'hosts', hosts: ['store-1'], oneAtATime: true } })).not.toBe(
      stepHash(move),
    );
  });

  it('changes when a probe changes', () => {
    expect(stepHash({ ...move, verify: [{ kind: 'path-exists', path: '/app/other' }] })).not.toBe(stepHash(move));
  });

  it('ignores the title, which changes nothing that runs', () => {
    expect(stepHash({ ...move, title: 'another title' })).toBe(stepHash(move));
  });

  it('makes the plan hash change with a rollback step', () => {
    const other = validatePlan('sample', samplePlan(), site);
    const m = other.steps.find((s) => s.id === 'move') as ActionStep;
    (m.rollback?.steps[0]?.commands as { command: string }[])[0]!.command = 'cp -a /app/d_bak /app/d';
    expect(planHash(other)).not.toBe(planHash(plan));
    expect(planHash(validatePlan('sample', samplePlan(), site))).toBe(planHash(plan));
  });
});

describe('renderPlan', () => {
  const text = renderPlan(plan);

  it('shows every command on every host, and the probes as the commands they run', () => {
    expect(text).toContain('on paas-1: uptime');
    expect(text).toContain('on paas-2: uptime');
    expect(text).toContain('on store-1: mv /app/d /app/d_bak');
    expect(text).toContain('precondition: /app/d_bak is absent  [test ! -e /app/d_bak]');
  });

  it('marks destructive steps, their gate, their rollback and irreversible steps', () => {
    expect(text).toContain('DESTRUCTIVE, gated: move it?');
    expect(text).toContain('rollback unmove: unmove');
    expect(text).toContain('on store-1: mv /app/d_bak /app/d');
    expect(text).toContain('irreversible: a log line');
    expect(text).toContain(`hash: ${stepHash(move)}`);
  });

  it("shows a manual step's instructions and parameters", () => {
    expect(text).toContain('instructions: Install the instance in the ADM UI');
    expect(text).toContain('port: 6379');
  });
});
