import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { renderPlan } from '../../../../src/core/engine/render-plan.ts';
import { ALL_RUNBOOKS } from '../../../../src/runbooks/all-runbooks.ts';
import { defineRunbook } from '../../../../src/core/ports/runbook.ts';
import { createRunbookRegistry } from '../../../../src/core/engine/runbook-registry.ts';
import { labSite } from './harness.ts';

const registry = createRunbookRegistry(ALL_RUNBOOKS);

describe('runbook registry', () => {
  it('builds the lab-move-dir plan with its gate, probes and rollback', () => {
    const plan = registry.buildPlan('lab-move-dir', labSite, { base: '/srv/og' });
    const text = renderPlan(plan);
    expect(text).toContain(
      'on fdfs-3: echo move-dir >> /srv/og/effects.log && sleep 0 && mv /srv/og/data /srv/og/data_bak',
    );
    expect(text).toContain('precondition: /srv/og/data_bak is absent  [test ! -e /srv/og/data_bak]');
    expect(text).toContain('rollback restore-dir');
  });

  it('refuses a base path that would need shell quoting', () => {
    expect(() => registry.buildPlan('lab-move-dir', labSite, { base: '/srv/x y' })).toThrow(/base: an absolute path/);
  });

  it('refuses an unknown runbook, listing the known ones', () => {
    expect(() => registry.buildPlan('nope', labSite, {})).toThrow(/no runbook named nope \(known: lab-move-dir[,)]/);
  });

  it('refuses a host the site does not have, naming the step', () => {
    expect(() => registry.buildPlan('lab-move-dir', labSite, { host: 'ghost' })).toThrow(
      /step inspect: unknown host\(s\) ghost/,
    );
  });

  it('refuses a check that references an evaluator nobody registered', () => {
    const rb = defineRunbook({
      id: 'bad-eval',
      title: 'bad',
      args: z.object({}),
      build: (site) => ({
        runbook: 'bad-eval',
        site: site.name,
        title: 't',
        steps: [
          {
            kind: 'check',
            id: 'c',
            title: 'c',
            targets: { kind: 'hosts', hosts: ['paas-1'] },
            commands: [{ host: 'paas-1', command: 'true' }],
            evaluator: 'bad-eval.missing',
          },
        ],
      }),
    });
    expect(() => createRunbookRegistry([rb]).buildPlan('bad-eval', labSite, {})).toThrow(
      /step c: unknown evaluator bad-eval.missing/,
    );
  });

  it('refuses two runbooks with one id', () => {
    expect(() => createRunbookRegistry([...ALL_RUNBOOKS, ...ALL_RUNBOOKS])).toThrow(/two runbooks with this id/);
  });
});
