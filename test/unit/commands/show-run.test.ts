import { describe, expect, it } from 'vitest';
import { CompactRunView } from '../../../src/adapters/console/compact-run-view.ts';
import { renderShow } from '../../../src/adapters/slack/render-show.ts';
import { checkMessage } from '../../../src/adapters/slack/check-message.ts';
import type { EngineEvent } from '../../../src/core/ports/events.ts';
import { APPROVER, HOST, REQUESTER } from '../core/engine/harness.ts';
import { chatOverEngine } from './chat-over-engine.ts';
import { dispatchCommand } from '../../../src/commands/dispatch-command.ts';

/** What the console prints for each event, in order, as `opsgate start` would for `viewer`. */
function compact(events: readonly EngineEvent[], viewer = APPROVER): { e: EngineEvent; lines: string[] }[] {
  const view = new CompactRunView();
  return events.map((e) => ({ e, lines: view.render(e, { gateNumber: () => 1, viewer }) }));
}

const finishedLines = (shown: { e: EngineEvent; lines: string[] }[], stepId: string): string[] =>
  shown.find(({ e }) => e.type === 'step.finished' && e.stepId === stepId)?.lines ?? [];

describe('a run at a glance, and its whole record on demand', () => {
  it('shows a succeeded step as one line, and /show gives every check that held', async () => {
    const c = chatOverEngine();
    const runId = await c.upgrade();
    await c.approve();
    const events = c.h.events.events;
    const shown = compact(events);
    const move = finishedLines(shown, 'move-dir');
    expect(move).toHaveLength(1);
    const finished = events.find((e) => e.type === 'step.finished' && e.stepId === 'move-dir');
    if (finished?.type !== 'step.finished') throw new Error('move-dir did not finish');
    const checks =
      finished.probes.filter((p) => p.ok).length + finished.findings.filter((f) => f.status === 'pass').length;
    expect(checks).toBeGreaterThan(0);
    expect(move[0]).toMatch(
      new RegExp(`^ {2}✔ move-dir Move \\S+ to \\S+ · ${HOST} · \\d+ ms · ${checks} check\\(s\\) held$`),
    );
    // A step's start and output wait for its end: nothing else of a succeeded step is printed.
    expect(
      shown.filter(({ e }) => e.type === 'step.started' || e.type === 'step.output-summary').flatMap((s) => s.lines),
    ).toEqual([]);
    const held = events.flatMap((e) => (e.type === 'step.finished' ? e.probes.map((p) => p.evidence) : []));
    expect(held.length).toBeGreaterThan(0);
    for (const evidence of held) expect(shown.flatMap((s) => s.lines).join('\n')).not.toContain(evidence);

    const whole = await c.type(`/show ${runId}`);
    expect(whole.kind).toBe('show');
    const text = c.shown(whole);
    for (const evidence of held) expect(text).toContain(`ok ${HOST}: ${evidence}`);
    expect(text).toContain('▶ step inspect');

    const one = c.shown(await c.type(`/show ${runId} move-dir`));
    expect(one).toContain(`record of ${runId} step move-dir`);
    expect(one).toContain('✔ move-dir succeeded');
    expect(one).not.toContain('step inspect');
  });

  it('shows what did not hold on a failed step, and the gate after it', async () => {
    const c = chatOverEngine();
    c.h.remote.touch(HOST, c.BAK); // move-dir's precondition fails
    await c.upgrade();
    await c.approve();
    const shown = compact(c.h.events.events);
    const move = finishedLines(shown, 'move-dir');
    expect(move[0]).toMatch(/^ {2}✘ move-dir .* · failed at precondition · \d+ check\(s\) held, 1 did not$/);
    expect(move.slice(1).join('\n')).toMatch(/✘ did not hold on fdfs-3: .*data_bak/);
    const gate = shown.filter(({ e }) => e.type === 'gate.opened').at(-1)?.lines ?? [];
    expect(gate[0]).toContain('? gate [1] failure for step move-dir');
    expect(gate.join('\n')).toMatch(
      new RegExp(`may answer: ${APPROVER}\\b.* \\(not ${REQUESTER}, who requested the run\\)`),
    );
    expect(gate.at(-1)).toBe('    answer: 1 retry | 1 roll-back | 1 abort');
  });

  it('shows a gate its exact commands and who may answer, and offers the requester no choice', async () => {
    const c = chatOverEngine();
    await c.upgrade();
    const opened = c.h.events.events.filter((e) => e.type === 'gate.opened');
    const asRequester = compact(opened, REQUESTER)[0]?.lines ?? [];
    expect(asRequester.some((l) => l.startsWith('    fdfs-3$ ') && l.includes(' mv '))).toBe(true);
    expect(asRequester.join('\n')).toMatch(
      new RegExp(`may answer: ${APPROVER}\\b.* \\(not ${REQUESTER}, who requested the run\\)`),
    );
    expect(asRequester.at(-1)).toBe(
      `    you requested this run: another approver must answer (/as ${APPROVER} to act as one)`,
    );
    expect(asRequester.join('\n')).not.toContain('answer: 1');
    expect(compact(opened, APPROVER)[0]?.lines.at(-1)).toBe('    answer: 1 approve | 1 reject');
    expect(compact(opened, 'USOMEONE')[0]?.lines.at(-1)).toBe(
      `    USOMEONE may not answer this gate (/as ${APPROVER} to act as one)`,
    );
  });

  it('refuses /show from another channel and names the steps of a run for an unknown one', async () => {
    const c = chatOverEngine();
    const runId = await c.upgrade();
    const elsewhere = await dispatchCommand(
      { engine: c.chat, sites: [c.site], runIdPattern: /^run_\d+$/ },
      { user: REQUESTER, channel: 'COTHER' },
      `/show ${runId}`,
    );
    expect(elsewhere).toMatchObject({ kind: 'refused' });
    expect(c.shown(await c.type(`/show ${runId} nothing-here`))).toMatch(
      /has no record of a step nothing-here \(steps with a record: inspect, record-start, move-dir\)/,
    );
  });

  it('gives the same record privately in Slack, within Block Kit limits', async () => {
    const c = chatOverEngine();
    const runId = await c.upgrade();
    await c.approve();
    const reply = await c.type(`/show ${runId} move-dir`);
    if (reply.kind !== 'show') throw new Error(reply.kind);
    const messages = renderShow(reply.run, reply.events, reply.stepId);
    for (const m of messages) expect(checkMessage(m)).toEqual([]);
    const text = JSON.stringify(messages);
    const held = c.h.events.events.flatMap((e) =>
      e.type === 'step.finished' && e.stepId === 'move-dir' ? e.probes.map((p) => p.evidence) : [],
    );
    for (const evidence of held) expect(text).toContain(evidence.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    const whole = await c.type(`/show ${runId}`);
    if (whole.kind !== 'show') throw new Error(whole.kind);
    const all = renderShow(whole.run, whole.events);
    expect(all).toHaveLength(1);
    expect(checkMessage(all[0] ?? { text: '', blocks: [], truncated: false })).toEqual([]);
    expect(JSON.stringify(all)).toContain('`move-dir`');
  });
});
