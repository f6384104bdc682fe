import { describe, expect, it } from 'vitest';
import { renderRunsList } from '../../../src/adapters/slack/render-runs-list.ts';
import type { CommandReply } from '../../../src/core/ports/chat-engine.ts';
import { APPROVER, HOST } from '../core/engine/harness.ts';
import { chatOverEngine } from './chat-over-engine.ts';

/** The `/runs` list as Slack shows it: its text blocks joined. */
function slackList(reply: CommandReply): string {
  if (reply.kind !== 'runs') throw new Error(`not a runs reply: ${reply.kind}`);
  const msg = renderRunsList(reply.runs, reply.sites, 2_000_000);
  return msg.blocks
    .map((b) => ('text' in b && b.text !== undefined ? b.text.text : ''))
    .filter((t) => t !== '')
    .join('\n');
}

/** The Slack list's active part: from `*Active*` to `*Recent*`. */
const activePart = (list: string) => list.slice(list.indexOf('*Active*'), list.indexOf('*Recent*'));

describe('/runs shows every run holding its site, with what it waits for', () => {
  it('lists a run paused at a failure gate as active, with the choices open there', async () => {
    const c = chatOverEngine();
    c.h.remote.touch(HOST, c.BAK); // move-dir's precondition fails: a failure gate opens
    const runId = await c.upgrade();
    await c.approve();
    const reply = await c.type('/runs');
    expect(reply).toMatchObject({
      kind: 'runs',
      runs: [
        { id: runId, state: 'failed', awaiting: 'waiting at the failure gate of move-dir: retry / roll back / abort' },
      ],
    });
    const list = slackList(reply);
    expect(list).toContain('*Active* (1)');
    expect(activePart(list)).toContain(runId);
    expect(activePart(list)).toContain('waiting at the failure gate of move-dir: retry / roll back / abort');
    expect(c.shown(reply)).toMatch(
      new RegExp(
        `^active \\(1\\):\\n${runId} .* failed .*\\n {4}↳ waiting at the failure gate of move-dir: retry / roll back / abort\\nrecent \\(0\\):`,
      ),
    );
  });

  it('lists a rejected run, which still holds the site, as active with the /rollback that frees it', async () => {
    const c = chatOverEngine();
    const runId = await c.upgrade();
    await c.reject();
    expect(await c.h.lock.holder('lab')).toMatchObject({ runId });
    const reply = await c.type('/runs');
    const awaiting = `rejected at move-dir: /rollback ${runId} undoes what ran and frees the site`;
    expect(reply).toMatchObject({ runs: [{ id: runId, state: 'rejected', awaiting }] });
    expect(activePart(slackList(reply))).toContain(awaiting);
    expect(c.shown(reply)).toMatch(/^active \(1\):\n.* rejected /);
  });

  it('shows the choices of an approval gate', async () => {
    const c = chatOverEngine();
    await c.upgrade();
    const reply = await c.type('/runs');
    expect(reply).toMatchObject({
      runs: [{ state: 'waiting', awaiting: 'waiting at the approval gate of move-dir: approve / reject' }],
    });
  });

  it('shows a dry run as a finished dry run among the recent runs, never as active', async () => {
    const c = chatOverEngine();
    const plan = await c.type('/upgrade lab redis --dry-run');
    expect(plan.kind).toBe('plan');
    const reply = await c.type('/runs');
    expect(reply).toMatchObject({ runs: [{ state: 'dry-run' }] });
    expect(reply.kind === 'runs' ? reply.runs[0]?.awaiting : 'not runs').toBeUndefined();
    const list = slackList(reply);
    expect(list).toContain('*Active* (0)');
    expect(list).toContain('*Recent* (1)');
    expect(list).toContain('dry run (plan only, nothing ran)');
    expect(c.shown(reply)).toMatch(/^active \(0\):\n {2}none\nrecent \(1\):\nrun_\d+ +lab +dry-run /);
  });
});

describe('/rollback of a run that needs no undoing says so, and asks nobody for anything', () => {
  it('answers a dry run plainly and leaves it as it was', async () => {
    const c = chatOverEngine();
    await c.type('/upgrade lab redis --dry-run');
    const runId = (await c.chat.listRuns({ sites: ['lab'] }))[0]?.id ?? '';
    const reply = await c.type(`/rollback ${runId}`, APPROVER);
    expect(reply).toEqual({
      kind: 'accepted',
      text: `run ${runId} was a dry run: it changed nothing on the site; nothing to roll back.`,
    });
    expect((await c.h.engine.getRun(runId))?.run).toMatchObject({ outcome: 'dry-run' });
    expect(c.h.events.of('gate.opened')).toEqual([]);
  });

  it('closes a run rejected before it changed anything, frees the site, and opens no gate', async () => {
    const c = chatOverEngine({ upgrade: 'one-move' });
    const runId = await c.upgrade();
    await c.reject();
    const gates = c.h.events.of('gate.opened').length;
    const reply = await c.type(`/rollback ${runId}`);
    expect(reply).toEqual({
      kind: 'accepted',
      text: `run ${runId} changed nothing on the site; nothing to roll back. Run ${runId} is closed without running anything, and site lab is free for the next run.`,
      runId,
    });
    expect(c.shown(reply)).not.toMatch(/approv/i);
    expect(c.h.events.of('gate.opened')).toHaveLength(gates);
    expect(await c.h.lock.holder('lab')).toBeUndefined();
    expect(c.h.remote.ran(/mv /)).toBe(0);
  });

  it('names what ran without a rollback step when a run failed before its destructive step, through its failure gate', async () => {
    const c = chatOverEngine();
    c.h.remote.touch(HOST, c.BAK);
    const runId = await c.upgrade();
    await c.approve();
    const reply = await c.type(`/rollback ${runId}`, APPROVER);
    expect(reply).toMatchObject({
      kind: 'accepted',
      text:
        `run ${runId} has nothing to roll back: the steps it ran (record-start) have no rollback step (record-start: ` +
        'only appends a line to the effect log). Roll back chosen at the failure gate of step move-dir: run ' +
        `${runId} ends without running anything, and site lab is free for the next run.`,
    });
    expect(c.h.events.of('gate.opened').map((e) => e.gate.kind)).toEqual(['approval', 'failure']);
    expect((await c.h.engine.getRun(runId))?.run.outcome).toBe('rolled-back');
    expect(await c.h.lock.holder('lab')).toBeUndefined();
  });

  it('still says what a real rollback undoes and that its destructive steps wait for an approval', async () => {
    const c = chatOverEngine();
    const runId = await c.upgrade();
    await c.approve();
    expect((await c.h.engine.getRun(runId))?.run.outcome).toBe('completed');
    const reply = await c.type(`/rollback ${runId}`);
    expect(reply).toEqual({
      kind: 'accepted',
      text: `Rollback of run ${runId} requested: it undoes move-dir (latest first); each destructive rollback step waits for an approval in the run's thread.`,
      runId,
    });
    expect(c.h.events.of('gate.opened').at(-1)?.gate).toMatchObject({ kind: 'rollback', stepId: 'restore-dir' });
  });
  it('asks again for a rollback whose approval was rejected, so the half-undone run does not hold the site forever', async () => {
    const c = chatOverEngine();
    const runId = await c.upgrade();
    await c.approve();
    await c.type(`/rollback ${runId}`);
    await c.reject();
    expect(await c.h.lock.holder('lab')).toMatchObject({ runId });
    const listed = await c.type('/runs');
    expect(listed).toMatchObject({
      runs: [{ id: runId, awaiting: expect.stringContaining(`/rollback ${runId} asks for the rollback again`) }],
    });
    const reply = await c.type(`/rollback ${runId}`);
    expect(reply).toMatchObject({ kind: 'accepted', text: expect.stringContaining('it undoes move-dir') });
    expect(c.h.events.of('gate.opened').filter((e) => e.gate.kind === 'rollback')).toHaveLength(2);
    await c.approve();
    expect((await c.h.engine.getRun(runId))?.run.outcome).toBe('rolled-back');
    expect(await c.h.lock.holder('lab')).toBeUndefined();
  });
});
