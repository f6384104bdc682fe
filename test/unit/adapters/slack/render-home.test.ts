import { describe, expect, it } from 'vitest';
import { checkMessage } from '../../../../src/adapters/slack/check-message.ts';
import { HOME_BLOCKS, renderHome, type HomeContent } from '../../../../src/adapters/slack/render-home.ts';
import type { GateView, RunSummary } from '../../../../src/core/ports/views.ts';

const hostile = '<!channel> <@UEVIL> ```x``` & <https://evil|click> ' + 'é'.repeat(50);

function gate(i: number, text = `step ${i}`): GateView {
  return {
    id: `gate_${i}`,
    runId: `run_${String(i).padStart(16, '0')}`,
    site: 'xizang',
    stepId: 's',
    stepTitle: text,
    kind: i % 2 === 0 ? 'approval' : 'failure',
    status: 'pending',
    planHash: 'abcdef0123456789',
    requester: 'UOPERATOR',
    choices: i % 2 === 0 ? ['approve', 'reject'] : ['retry', 'roll-back', 'abort'],
    targets: Array.from({ length: 20 }, (_, h) => ({ host: `host-${h}${text}`, commands: [text.repeat(20), 'x'] })),
    ...(i % 2 === 0 ? {} : { reason: text.repeat(100) }),
    expiresAt: 1_700_000_000_000,
  };
}

function run(i: number, text = `run ${i}`): RunSummary {
  return {
    id: `run_${String(i).padStart(16, '0')}`,
    site: 'xizang',
    title: text,
    state: 'waiting',
    requester: 'UOPERATOR',
    startedAt: 1,
    awaiting: text.repeat(10),
    permalink: `https://acme.slack.com/archives/CXIZANG/p${i}`,
  };
}

const content = (n: number, text?: string): HomeContent => ({
  gates: Array.from({ length: n }, (_, i) => ({ gate: gate(i, text) })),
  mine: Array.from({ length: n }, (_, i) => run(i, text)),
  active: Array.from({ length: n }, (_, i) => run(1000 + i, text)),
  notes: [text ?? 'a note', 'another note', 'a third one, left out'],
  page: 1,
  now: 1_700_000_000_000,
});

/** Every page of a Home tab, by asking for each in turn. */
function allPages(c: HomeContent) {
  const first = renderHome(c);
  return Array.from({ length: first.pages }, (_, i) => renderHome({ ...c, page: i + 1 }));
}

describe('renderHome', () => {
  it.each([
    ['empty', 0, undefined],
    ['a few', 3, undefined],
    ['a hundred long, hostile entries', 100, hostile],
  ])('keeps every page of %s lists within Home limits, and shows each gate once', (_what, n, text) => {
    const pages = allPages(content(n, text));
    const offered: string[] = [];
    for (const p of pages) {
      expect(p.view.blocks.length).toBeLessThanOrEqual(HOME_BLOCKS);
      // The per-block limits and the text budget of a message apply to a Home view too; only its block cap is 100.
      const problems = checkMessage({ text: 'home', blocks: p.view.blocks, truncated: false });
      expect(problems.filter((m) => !/^\d+ blocks \(max 50\)$/.test(m))).toEqual([]);
      offered.push(...p.gateIds);
    }
    expect([...offered].sort()).toEqual(Array.from({ length: n }, (_, i) => `gate_${i}`).sort());
    if (n === 100) expect(pages.length).toBeGreaterThan(1);
  });

  it('lists at most 200 entries per part and says how many more there are', () => {
    const home = renderHome({ ...content(0), gates: Array.from({ length: 250 }, (_, i) => ({ gate: gate(i) })) });
    const last = renderHome({
      ...content(0),
      gates: Array.from({ length: 250 }, (_, i) => ({ gate: gate(i) })),
      page: home.pages,
    });
    expect(JSON.stringify(last.view.blocks)).toContain('… 50 more not shown here');
  });

  it('offers Previous and Next only where there is such a page, and shows the nearest page when asked for another', () => {
    const c = content(60);
    const first = renderHome(c);
    const last = renderHome({ ...c, page: 10_000 });
    expect(last.page).toBe(first.pages);
    const buttons = (p: typeof first) =>
      p.view.blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => e.text.text) : []));
    expect(buttons(first)).toContain('Next page');
    expect(buttons(first)).not.toContain('Previous page');
    expect(buttons(last)).toContain('Previous page');
    expect(buttons(last)).not.toContain('Next page');
  });

  it('uses the same buttons as the gate message in the thread', () => {
    const home = renderHome(content(1));
    const actions = home.view.blocks.find((b) => b.type === 'actions');
    expect(actions?.type === 'actions' ? actions.elements.map((e) => [e.action_id, e.value]) : []).toEqual([
      ['opsgate.gate.approve', 'g1:gate_0:abcdef012345'],
      ['opsgate.gate.reject', 'g1:gate_0:abcdef012345'],
    ]);
  });
});
