import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine } from '../../../../src/core/engine/create-engine.ts';
import { siteDirectory } from '../../../../src/core/sites/site.ts';
import { defineRunbook } from '../../../../src/core/ports/runbook.ts';
import { createRunbookRegistry } from '../../../../src/core/engine/runbook-registry.ts';
import { APPROVER, REQUESTER, harness, labSite } from './harness.ts';

/** One manual step: install through the ADM UI, verified by a marker file; the lab scripts it with a stand-in. */
const admInstall = defineRunbook({
  id: 'adm-install',
  title: 'install in ADM',
  args: z.object({}),
  build: (site) => ({
    runbook: 'adm-install',
    site: site.name,
    title: 'install',
    steps: [
      {
        kind: 'manual',
        id: 'install',
        title: 'Install the Redis instance in the ADM UI',
        targets: { kind: 'hosts', hosts: ['paas-1'] },
        instructions: 'Install the instance in the ADM UI, same password and VIP',
        parameters: { port: '6379', vip: '10.77.0.100' },
        standIn: [{ host: 'paas-1', command: 'mv /opt/adm/pending /opt/adm/installed' }],
        verify: [{ kind: 'path-exists', path: '/opt/adm/installed' }],
        irreversible: { reason: 'ADM keeps its own history' },
      },
    ],
  }),
});

function setup(manualScripted: boolean) {
  const h = harness();
  h.remote.touch('paas-1', '/opt/adm/pending');
  const engine = createEngine({
    ...h.deps,
    sites: siteDirectory([{ ...labSite, manualScripted }]),
    runbooks: createRunbookRegistry([admInstall]),
  });
  const start = async () => {
    const r = await engine.request({ site: 'lab', runbook: 'adm-install', args: {}, requester: REQUESTER });
    if (!r.ok) throw new Error(r.error.message);
    await h.queue.drain((job) => engine.handleJob(job));
    return r.value.runId;
  };
  return { h, engine, start };
}

describe('engine: a manual step', () => {
  it('shows its instructions and parameters, waits for "done", then runs its verification', async () => {
    const { h, engine, start } = setup(false);
    const runId = await start();
    const opened = h.events.of('gate.opened')[0];
    expect(opened?.gate).toMatchObject({ kind: 'manual', choices: ['done', 'abort'] });
    expect(opened?.context).toMatchObject({
      instructions: 'Install the instance in the ADM UI, same password and VIP',
      parameters: { port: '6379', vip: '10.77.0.100' },
    });
    h.remote.paths.get('paas-1')?.add('/opt/adm/installed'); // the person did it in the UI
    const g = opened!.gate;
    expect(
      (await engine.decide({ gateId: g.id, user: APPROVER, userGroups: [], choice: 'done', planHash: g.planHash })).ok,
    ).toBe(true);
    await h.queue.drain((job) => engine.handleJob(job));
    expect(h.remote.ran(/mv \/opt\/adm/)).toBe(0);
    expect(h.remote.ran(/test -e \/opt\/adm\/installed/)).toBe(1);
    expect((await engine.getRun(runId))?.run.outcome).toBe('completed');
  });

  it('fails its verification when "done" was said but nothing was installed', async () => {
    const { h, engine, start } = setup(false);
    const runId = await start();
    const g = h.lastGate();
    await engine.decide({ gateId: g.id, user: APPROVER, userGroups: [], choice: 'done', planHash: g.planHash });
    await h.queue.drain((job) => engine.handleJob(job));
    expect((await engine.getRun(runId))?.run.steps['install']).toMatchObject({ status: 'failed', failedAt: 'verify' });
  });

  it('runs the stand-in commands where the site scripts its manual tool, without waiting for a person', async () => {
    const { h, engine, start } = setup(true);
    const runId = await start();
    expect(h.events.of('gate.opened')).toEqual([]);
    expect(h.remote.ran(/mv \/opt\/adm\/pending \/opt\/adm\/installed/)).toBe(1);
    expect((await engine.getRun(runId))?.run.outcome).toBe('completed');
  });
});
