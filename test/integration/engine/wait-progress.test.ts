import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import mysql from 'mysql2/promise';
import { createEngine } from '../../../src/core/engine/create-engine.ts';
import { createRunbookRegistry } from '../../../src/core/engine/runbook-registry.ts';
import { defineRunbook } from '../../../src/core/ports/runbook.ts';
import { siteDirectory, type Site } from '../../../src/core/sites/site.ts';
import { WAIT_PROGRAM, waitProgram, type WaitArgs } from '../../../src/runbooks/oceanbase/health/wait-program.ts';
import type { ObPoll } from '../../../src/runbooks/oceanbase/health/ob-poll.ts';
import { ProgressView } from '../../../src/adapters/console/progress-view.ts';
import { createSqlSession } from '../../../src/runners/sql/create-sql-session.ts';
import {
  createObFixture,
  LOCAL_MARIADB,
  uniqueFixtureName,
  type ObFixture,
} from '../../support/oceanbase/ob-fixture.ts';
import { harness, labSite, REQUESTER } from '../../unit/core/engine/harness.ts';

/**
 * An OceanBase wait run for real (the `ob.wait` program, its SQL on MariaDB through the SQL runner): its progress is
 * what each poll's statement returned, a few events however many polls, none in the audit trail.
 */
const TARGET = 'obcluster';
const site: Site = { ...labSite, obClusters: [TARGET] };
const POLL: ObPoll = {
  id: 'servers-serving',
  title: 'every observer is ACTIVE and serving',
  sql: 'select count(*) from opsgate_wait_servers where serving = 0',
  expect: { kind: 'zero' },
  timeout: { kind: 'fixed', seconds: 120 },
  intervalSec: 1,
  source: 'test',
};

const waitRunbook = defineRunbook({
  id: 'wait-progress',
  title: 'An OceanBase wait (test runbook)',
  args: z.object({}),
  build: (s) => ({
    runbook: 'wait-progress',
    site: s.name,
    title: 'Wait for the observers',
    args: {},
    steps: [
      {
        kind: 'check',
        id: 'wait-servers',
        title: 'Wait until every observer serves',
        targets: { kind: 'sql', target: TARGET },
        program: { id: WAIT_PROGRAM, args: { polls: [POLL], onTimeout: 'Decide.' } satisfies WaitArgs },
      },
    ],
  }),
  programs: { [WAIT_PROGRAM]: waitProgram },
});

let fixture: ObFixture;
let db: mysql.Connection;
beforeAll(async () => {
  fixture = await createObFixture({ database: uniqueFixtureName() });
  db = await mysql.createConnection({ ...LOCAL_MARIADB, database: fixture.database });
  await db.query('create table opsgate_wait_servers (id int primary key, serving int)');
  await db.query('insert into opsgate_wait_servers values (1, 0), (2, 0), (3, 1)');
});
afterAll(async () => {
  await db?.end();
  await fixture?.drop();
});

describe('an OceanBase wait', () => {
  it('reports the value its SQL returned as progress, a few events for many polls, and nothing to the audit', async () => {
    const h = harness({ runbooks: [waitRunbook] });
    const deps = {
      ...h.deps,
      clock: { now: () => Date.now() },
      sites: siteDirectory([site]),
      runbooks: createRunbookRegistry([waitRunbook]),
      openSql: async () => createSqlSession(fixture.endpoint),
    };
    const engine = createEngine(deps);
    const r = await engine.request({ site: site.name, runbook: 'wait-progress', args: {}, requester: REQUESTER });
    if (!r.ok) throw new Error(r.error.message);
    // The observers come back one by one while the wait polls (every second).
    const serving = (async () => {
      for (const id of [1, 2]) {
        await new Promise((res) => setTimeout(res, 2500));
        await db.query('update opsgate_wait_servers set serving = 1 where id = ?', [id]);
      }
    })();
    await deps.queue.drain((job) => engine.handleJob(job));
    await serving;

    const progress = deps.events.of('step.progress');
    expect(progress[0]).toMatchObject({
      stepId: 'wait-servers',
      awaited: 'every observer is ACTIVE and serving',
      target: TARGET,
      lastValue: '2 not yet',
    });
    expect(progress.at(-1)).toMatchObject({ lastValue: '0', done: true });
    expect(progress.length).toBeLessThanOrEqual(4);
    expect(deps.events.of('step.finished')[0]).toMatchObject({ status: 'succeeded' });
    const audited = await deps.audit.read(site.name, { runId: r.value.runId });
    expect(audited.map((a) => a.type)).not.toContain('step.progress');

    // As a pipe shows it: the first report and the end.
    const lines: string[] = [];
    const view = new ProgressView({ write: () => {}, isTTY: false }, { plain: (l) => lines.push(l) });
    for (const e of progress) view.show(e);
    expect(lines[0]).toContain(
      'waiting 0 s for every observer is ACTIVE and serving on obcluster; last seen: 2 not yet',
    );
    expect(lines.at(-1)).toMatch(/ended after \d+ s; last seen: 0$/);
  });
});
