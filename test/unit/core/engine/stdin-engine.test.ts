import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine } from '../../../../src/core/engine/create-engine.ts';
import type { SecretSource } from '../../../../src/core/ports/secrets.ts';
import { defineRunbook } from '../../../../src/core/ports/runbook.ts';
import { createRunbookRegistry } from '../../../../src/core/engine/runbook-registry.ts';
import type { SiteFile } from '../../../../src/core/sites/site-schema.ts';
import { REQUESTER, harness, labSite } from './harness.ts';

const PASSWORD = 's3cr3t-9f1c';

/** One check on paas-1 whose command reads a secret on stdin. */
const authCheck = defineRunbook({
  id: 'auth-check',
  title: 'auth check',
  args: z.object({ secret: z.string() }),
  build: (site, args) => ({
    runbook: 'auth-check',
    site: site.name,
    title: 'auth',
    steps: [
      {
        kind: 'check',
        id: 'auth',
        title: 'auth',
        targets: { kind: 'hosts', hosts: ['paas-1'] },
        commands: [{ host: 'paas-1', command: 'uptime', stdin: { secrets: [args.secret] } }],
      },
    ],
  }),
});

const source: SecretSource = {
  async resolve(site, name) {
    if (site === 'lab' && name === 'redis.password') return PASSWORD;
    throw new Error(`no secret ${name}`);
  },
};

function setup(secrets: SecretSource | undefined) {
  const h = harness();
  const engine = createEngine({
    ...h.deps,
    runbooks: createRunbookRegistry([authCheck]),
    ...(secrets ? { secrets } : {}),
  });
  const start = async (secret: string) => {
    const r = await engine.request({ site: 'lab', runbook: 'auth-check', args: { secret }, requester: REQUESTER });
    if (!r.ok) throw new Error(r.error.message);
    await h.queue.drain((job) => engine.handleJob(job));
    return { runId: r.value.runId, rendered: r.value.rendered };
  };
  return { h, engine, start };
}

describe('engine: a command with secrets on stdin', () => {
  it('gets the value on stdin when the step runs, after the session learnt it; the run holds only the name', async () => {
    const { h, engine, start } = setup(source);
    const { runId, rendered } = await start('redis.password');
    expect(h.remote.calls).toEqual([{ host: 'paas-1', command: 'uptime', stdin: `${PASSWORD}\n` }]);
    expect(h.remote.learned).toEqual([PASSWORD]);
    expect(rendered).toContain('on paas-1: uptime  [stdin: <secret: redis.password>]');
    const stored = JSON.stringify([await engine.getRun(runId), h.events.events, await h.audit.read('lab')]);
    expect(stored).not.toContain(PASSWORD);
    expect((await engine.getRun(runId))?.run.outcome).toBe('completed');
  });

  it('fails the step before anything runs when the secret cannot be had, naming it', async () => {
    for (const [secrets, reason] of [
      [source, 'no secret redis.gone'],
      [undefined, 'this worker has no secret source'],
    ] as const) {
      const { h, engine, start } = setup(secrets);
      const { runId } = await start(secrets === undefined ? 'redis.password' : 'redis.gone');
      expect(h.remote.calls).toEqual([]);
      const st = (await engine.getRun(runId))?.run.steps['auth'];
      expect(st).toMatchObject({ status: 'failed', failedAt: 'precondition' });
      expect(st?.summary).toMatch(
        new RegExp(`^STEP_SECRET_UNAVAILABLE: step auth: secret redis\\.(gone|password) for stdin: ${reason}`),
      );
    }
  });

  it('is refused when planned against a site file that has no such secret', () => {
    const registry = createRunbookRegistry([authCheck]);
    const spec = {
      middleware: { redis: [{ name: 'business-redis', password: { env: 'REDIS_PW' } }] },
    } as unknown as SiteFile;
    const site = { ...labSite, spec };
    expect(
      registry.buildPlan('auth-check', site, { secret: 'middleware.redis[business-redis].password' }).steps,
    ).toHaveLength(1);
    expect(() => registry.buildPlan('auth-check', site, { secret: 'middleware.redis[csb-redis].password' })).toThrow(
      'runbook auth-check, step auth: stdin names secret(s) the site file does not have: middleware.redis[csb-redis].password',
    );
  });
});
