import { describe, expect, it } from 'vitest';
import type { types } from '@slack/bolt';
import type { Finding } from '../../../../src/core/plan/run-state.ts';
import type { RunView, StepState, StepView } from '../../../../src/core/ports/views.ts';
import type { TableBlock } from '../../../../src/adapters/slack/blocks.ts';
import { checkMessage } from '../../../../src/adapters/slack/check-message.ts';
import { renderPrecheckSummary } from '../../../../src/adapters/slack/render-precheck-summary.ts';
import { tallyOf } from '../../../../src/adapters/slack/tally-of.ts';

const f = (status: Finding['status'], title: string, host?: string): Finding => ({
  status,
  title,
  evidence: 'e',
  ...(host === undefined ? {} : { host }),
});

function run(steps: StepView[], runbook = 'precheck'): RunView {
  return {
    id: 'run_1',
    site: 'xizang',
    title: 'precheck',
    runbook,
    requester: 'U1',
    state: 'succeeded',
    startedAt: 0,
    steps,
  };
}

const check = (id: string, title: string, findings: Finding[], state: StepState = 'done'): StepView => ({
  id,
  title,
  kind: 'check',
  state,
  ...(findings.length > 0 ? { tally: tallyOf(findings) } : {}),
});

function table(msg: { blocks: readonly unknown[] } | undefined): string[][] {
  const t = msg?.blocks.find((b) => (b as { type: string }).type === 'table') as TableBlock | undefined;
  return (t?.rows ?? []).map((r) => r.map((c) => c.text));
}

describe('precheck summary', () => {
  it('shows one row per check with its findings counted by status and what did not hold', () => {
    const msg = renderPrecheckSummary(
      run([
        check('p01', 'SSH to every host', [f('pass', 'reachable', 'redis-a'), f('pass', 'reachable', 'redis-b')]),
        check('p02', 'Versions', [
          f('pass', 'redis 6'),
          f('warn', 'kafka is older', 'kafka-1'),
          f('fail', 'no keepalived', 'redis-b'),
        ]),
        check('p03', 'Resources', [f('manual', 'review the document')]),
        { id: 'act', title: 'record', kind: 'action', state: 'done' },
      ]),
    );
    expect(table(msg)).toEqual([
      ['check', 'pass', 'warn', 'fail', 'manual', 'skipped', 'did not hold'],
      ['✅ SSH to every host', '2', '·', '·', '·', '·', '·'],
      ['❌ Versions', '1', '1', '1', '·', '·', 'no keepalived (redis-b); kafka is older (kafka-1)'],
      ['✋ Resources', '·', '·', '·', '1', '·', '·'],
    ]);
    expect(msg?.text).toBe(
      'Precheck summary, xizang: 3 checks: 1 held, 0 with warnings, 1 failed, 1 for a person to judge',
    );
    expect(checkMessage(msg ?? { text: '', blocks: [], truncated: false })).toEqual([]);
    const known: types.KnownBlock[] = [...(msg?.blocks ?? [])];
    expect(known).toHaveLength(2);
  });

  it('marks a check that failed without findings, and one the run never reached', () => {
    const msg = renderPrecheckSummary(
      run([check('p01', 'SSH', [], 'failed'), check('p02', 'Versions', [], 'pending')], 'ob-precheck'),
    );
    expect(table(msg).slice(1)).toEqual([
      ['❌ SSH', '·', '·', '·', '·', '·', 'the step failed before it judged anything'],
      ['⏸ Versions', '·', '·', '·', '·', '·', 'not run'],
    ]);
  });

  it('is not posted for other runbooks, nor for a precheck without checks', () => {
    expect(renderPrecheckSummary(run([check('p01', 'SSH', [f('pass', 'ok')])], 'upgrade-redis'))).toBeUndefined();
    expect(renderPrecheckSummary(run([], 'precheck'))).toBeUndefined();
  });

  it('names at most three findings that did not hold, failures first', () => {
    const t = tallyOf([f('warn', 'w1'), f('fail', 'f1'), f('warn', 'w2'), f('fail', 'f2'), f('pass', 'p')]);
    expect(t).toEqual({ pass: 1, warn: 2, fail: 2, manual: 0, skipped: 0, notHeld: ['f1', 'f2', 'w1'] });
  });

  it('stays within Block Kit limits for any number of checks and any text, counting what did not fit', () => {
    const hostile = ['', '<!channel>', '\n'.repeat(500), '👍🏽'.repeat(3000), 'x'.repeat(1_000_000), '\u0000\u001b[31m'];
    for (const n of [1, 12, 99, 100, 150, 400]) {
      const steps = Array.from({ length: n }, (_, i) =>
        check(`s${i}`, hostile[i % hostile.length] ?? 'x', [
          f(i % 3 === 0 ? 'fail' : 'pass', hostile[(i + 1) % hostile.length] ?? 'y', hostile[(i + 2) % hostile.length]),
          f('warn', hostile[(i + 3) % hostile.length] ?? 'z'),
        ]),
      );
      const msg = renderPrecheckSummary(run(steps));
      expect(msg, `${n} checks`).toBeDefined();
      expect(checkMessage(msg ?? { text: '', blocks: [], truncated: false }), `${n} checks`).toEqual([]);
      const listed = table(msg).length - 1;
      expect(listed).toBeGreaterThan(0);
      if (listed < n) expect(JSON.stringify(msg?.blocks)).toContain(`and ${n - listed} more checks`);
    }
  });
});
