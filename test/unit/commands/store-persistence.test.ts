import { describe, expect, it } from 'vitest';
import { APPROVER } from '../core/engine/harness.ts';
import { chatOverEngine } from './chat-over-engine.ts';

describe('a run store that may lose runs', () => {
  it('refuses /upgrade when it persists nothing, saying why and how to fix it, and starts nothing', async () => {
    const c = chatOverEngine();
    c.store.persistence = 'none';
    const reply = await c.type('/upgrade lab redis');
    expect(reply.kind).toBe('refused');
    const text = reply.kind === 'refused' ? reply.text : '';
    expect(text).toMatch(/^Nothing was started: opsgate's Redis \(the run store\) persists nothing/);
    expect(text).toContain('a restart of it would lose the run in the middle of the work');
    expect(text).toContain('no run to roll back');
    expect(text).toContain('`CONFIG SET appendonly yes`');
    expect(text).toContain('/precheck and --dry-run still work');
    expect(await c.chat.listRuns({ sites: ['lab'] })).toEqual([]);
    expect(await c.h.lock.holder('lab')).toBeUndefined();
  });

  it('asks at each request: a server switched to no persistence after a first run refuses the next upgrade', async () => {
    const c = chatOverEngine();
    await c.upgrade();
    await c.approve();
    c.store.persistence = 'none';
    expect(await c.type('/upgrade lab redis')).toMatchObject({ kind: 'refused' });
    c.store.persistence = 'rdb';
    expect(await c.type('/upgrade lab redis')).toMatchObject({ kind: 'accepted' });
  });

  it('refuses /rollback of a run that changed the site, and rolls it back once AOF is on', async () => {
    const c = chatOverEngine();
    const runId = await c.upgrade();
    await c.approve();
    c.store.persistence = 'none';
    const refused = await c.type(`/rollback ${runId}`, APPROVER);
    expect(refused).toMatchObject({ kind: 'refused', text: expect.stringContaining('so a rollback is refused') });
    expect((await c.h.engine.getRun(runId))?.run.rollback).toBeUndefined();
    c.store.persistence = 'aof';
    expect(await c.type(`/rollback ${runId}`, APPROVER)).toMatchObject({ kind: 'accepted', runId });
  });

  it('treats a server that will not say (CONFIG disabled, AOF off, no snapshot) as unsafe', async () => {
    const c = chatOverEngine();
    c.store.persistence = 'unknown';
    expect(await c.type('/upgrade lab redis')).toMatchObject({
      kind: 'refused',
      text: expect.stringContaining(
        'cannot tell whether its Redis (the run store) persists anything: CONFIG is disabled',
      ),
    });
  });

  it('lets /precheck and a dry run go on, each with the warning shown beside it', async () => {
    const c = chatOverEngine();
    c.store.persistence = 'none';
    const precheck = await c.type('/precheck lab');
    expect(precheck).toMatchObject({ kind: 'accepted', warning: expect.stringMatching(/^Warning: opsgate's Redis/) });
    expect(c.shown(precheck)).toMatch(
      /^✔ Precheck of site lab requested as run run_\d+; .*\n⚠ Warning: .*persists nothing/,
    );
    expect(c.shown(precheck)).toContain('/upgrade and /rollback are refused until you turn on AOF');
    const plan = await c.type('/upgrade lab redis --dry-run');
    expect(plan).toMatchObject({ kind: 'plan', warning: expect.stringMatching(/persists nothing/) });
    expect(c.shown(plan).split('\n')[1]).toMatch(/^⚠ Warning: /);
  });

  it('still answers /rollback of a run that needs no undoing', async () => {
    const c = chatOverEngine({ upgrade: 'one-move' });
    const runId = await c.upgrade();
    await c.reject();
    c.store.persistence = 'none';
    expect(await c.type(`/rollback ${runId}`)).toMatchObject({
      kind: 'accepted',
      text: expect.stringMatching(/changed nothing on the site; nothing to roll back/),
    });
  });

  it('warns of nothing and refuses nothing when it persists', async () => {
    const c = chatOverEngine();
    for (const p of ['aof', 'rdb'] as const) {
      c.store.persistence = p;
      expect(await c.type('/precheck lab')).not.toHaveProperty('warning');
      expect(await c.type('/upgrade lab redis --dry-run')).not.toHaveProperty('warning');
    }
    expect(c.store.reads).toBe(4);
  });
});
