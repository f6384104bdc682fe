import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import mysql from 'mysql2/promise';
import { renderEvent } from '../../../src/adapters/console/render-event.ts';
import { applyEvent, newRunThreadState } from '../../../src/adapters/slack/run-thread-state.ts';
import { renderGate } from '../../../src/adapters/slack/render-gate.ts';
import { renderStepReply } from '../../../src/adapters/slack/render-step-reply.ts';
import { createEngine } from '../../../src/core/engine/create-engine.ts';
import { createRunbookRegistry } from '../../../src/core/engine/runbook-registry.ts';
import type { EngineEvent } from '../../../src/core/ports/events.ts';
import { defineRunbook } from '../../../src/core/ports/runbook.ts';
import { siteDirectory, type Site } from '../../../src/core/sites/site.ts';
import { CHECKER_PROGRAM, checkerProgram } from '../../../src/runbooks/oceanbase/precheck/checker-program.ts';
import { createSqlSession } from '../../../src/runners/sql/create-sql-session.ts';
import { GATE_SCENARIOS } from '../../support/oceanbase/gate-scenarios.ts';
import { HEALTHY } from '../../support/oceanbase/scenarios.ts';
import {
  createObFixture,
  LOCAL_MARIADB,
  uniqueFixtureName,
  type ObFixture,
} from '../../support/oceanbase/ob-fixture.ts';
import { harness, labSite, REQUESTER } from '../../unit/core/engine/harness.ts';

/**
 * How SQL steps read to a person (console lines and Slack blocks) when they run for real on MariaDB: a statement the
 * server rejects is the server's error, never a failed connection; a lost connection stays one; SQL is described
 * as statements and rows, never as a shell exit; a program's progress is a note, not "exit none, N byte(s)".
 */
const TARGET = 'obcluster';
const site: Site = { ...labSite, obClusters: [TARGET] };
const sqlTargets = { kind: 'sql' as const, target: TARGET };
const MISSING = 'UPDATE no_such_table SET x = 1';

const sqlReport = defineRunbook({
  id: 'sql-report',
  title: 'SQL steps as people see them (test runbook)',
  args: z.object({ case: z.enum(['ok', 'rejected', 'lost', 'progress', 'checker']) }),
  build(s, args) {
    const steps = {
      ok: {
        kind: 'action' as const,
        id: 'touch',
        title: 'Touch the fixture marker',
        targets: sqlTargets,
        sql: ["UPDATE __opsgate_fixture SET scenario = 'touched'", 'SELECT marker FROM __opsgate_fixture'],
        irreversible: { reason: 'test fixture only' },
      },
      rejected: {
        kind: 'action' as const,
        id: 'touch-missing',
        title: 'Touch a table the server does not have',
        targets: sqlTargets,
        sql: ["UPDATE __opsgate_fixture SET scenario = 'again'", MISSING],
        irreversible: { reason: 'test fixture only' },
      },
      lost: {
        kind: 'action' as const,
        id: 'long-statement',
        title: 'A statement whose connection is killed',
        targets: sqlTargets,
        sql: ['SELECT SLEEP(20) AS opsgate_o4_sleep'],
        irreversible: { reason: 'test fixture only' },
      },
      progress: {
        kind: 'check' as const,
        id: 'count-rows',
        title: 'Count the fixture rows, saying so',
        targets: sqlTargets,
        program: { id: 'sql-report.count', args: {} },
      },
      checker: {
        kind: 'check' as const,
        id: 'upgrade-checker',
        title: 'upgrade_checker.py',
        targets: sqlTargets,
        program: { id: CHECKER_PROGRAM, args: { cpuArch: 'unknown' } },
      },
    };
    return { runbook: 'sql-report', site: s.name, title: `SQL case ${args.case}`, args, steps: [steps[args.case]] };
  },
  programs: {
    [CHECKER_PROGRAM]: checkerProgram,
    'sql-report.count': async (ctx) => {
      await ctx.progress('counting the fixture rows');
      const r = await ctx.sql?.query('SELECT COUNT(*) AS n FROM __opsgate_fixture');
      return [{ status: 'pass', title: 'rows counted', evidence: `${String(r?.rows[0]?.['n'])} row(s)` }];
    },
  },
});

let fixture: ObFixture;

beforeAll(async () => {
  fixture = await createObFixture({ database: uniqueFixtureName() });
});
afterAll(async () => {
  await fixture?.drop();
});

/** Runs one case to its first stop; returns every event, its console lines and its Slack step replies and gates. */
async function runCase(which: string, during?: () => Promise<void>) {
  const h = harness();
  const deps = {
    ...h.deps,
    sites: siteDirectory([site]),
    runbooks: createRunbookRegistry([sqlReport]),
    openSql: async () => createSqlSession(fixture.endpoint),
  };
  const engine = createEngine(deps);
  const r = await engine.request({
    site: site.name,
    runbook: 'sql-report',
    args: { case: which },
    requester: REQUESTER,
  });
  if (!r.ok) throw new Error(r.error.message);
  const drained = deps.queue.drain((job) => engine.handleJob(job));
  await during?.();
  await drained;
  const events: EngineEvent[] = deps.events.events;
  const console = events.flatMap((e) => renderEvent(e, { gateNumber: () => 1 })).join('\n');
  const state = newRunThreadState(events[0] as EngineEvent);
  const slack: string[] = [];
  for (const e of events) {
    const effect = applyEvent(state, e);
    // The full reply (`/show`'s): these tests read how every host and check is described, not only what failed.
    if (effect.kind === 'step-reply')
      slack.push(JSON.stringify(renderStepReply(effect.result, { verbose: true }).blocks));
    if (effect.kind === 'gate-posted') slack.push(JSON.stringify(renderGate(effect.gate).blocks));
  }
  return { events, console, slack: slack.join('\n') };
}

describe('SQL steps reported as SQL', () => {
  it('describes statements that ran by statements, rows returned and rows affected, not by exit codes', async () => {
    const { console, slack } = await runCase('ok');
    expect(console).toContain('✔ touch succeeded: SQL on obcluster: 2 statement(s), 1 row(s) returned, 1 affected');
    expect(console).toMatch(/ {4}obcluster: SQL: 2 statement\(s\), 1 row\(s\) returned, 1 affected in \d+ ms/);
    expect(console).not.toMatch(/exit (0|none)/);
    expect(slack).toContain(':white_check_mark: SQL: 2 statement(s), 1 row(s) returned, 1 affected');
    expect(slack).not.toMatch(/exit 0|bytes of output/);
  });

  it('reports a statement the server rejects as the server error, and offers exactly the failure gate choices', async () => {
    const { events, console, slack } = await runCase('rejected');
    const server = `ERROR 1146 (42S02): Table '${fixture.database}.no_such_table' doesn't exist — in: ${MISSING}`;
    expect(console).toContain(
      `✘ touch-missing failed at command: obcluster: the server rejected statement 2: ${server}`,
    );
    expect(console).toContain(
      `obcluster: SQL: 2 statement(s), 0 row(s) returned, 1 affected; the server rejected statement 2: ${server}`,
    );
    expect(console).toContain(`why: obcluster: the server rejected statement 2: ${server}`);
    expect(console).toContain('answer: 1 retry | 1 roll-back | 1 abort');
    expect(console).not.toMatch(/connection failed|mark.done|interrupted|exit none/);
    expect(events.filter((e) => e.type === 'gate.opened').map((e) => e.type === 'gate.opened' && e.gate.kind)).toEqual([
      'failure',
    ]);
    expect(slack).toContain(
      `:x: SQL: 2 statement(s), 0 row(s) returned, 1 affected; the server rejected statement 2: ERROR 1146 (42S02)`,
    );
    expect(slack).toContain('Step failed');
    expect(slack).not.toMatch(/connection failed|Mark done|mark_done|exit none/);
  });

  it('still reports a connection lost while a statement ran as a failed connection, whose outcome is unknown', async () => {
    const killer = await mysql.createConnection(LOCAL_MARIADB);
    try {
      const { console, slack } = await runCase('lost', async () => {
        const deadline = Date.now() + 15_000;
        for (;;) {
          const [rows] = await killer.query(
            "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(20) AS opsgate_o4_sleep%'",
          );
          const id = (rows as { id: number }[])[0]?.id;
          if (id !== undefined) {
            await killer.query(`KILL CONNECTION ${Number(id)}`);
            return;
          }
          if (Date.now() > deadline) throw new Error('the statement never showed up in the processlist');
          await new Promise((r) => setTimeout(r, 50));
        }
      });
      expect(console).toMatch(
        /⚠ long-statement interrupted: the connection failed while the step ran \(obcluster: SQL_UNREACHABLE/,
      );
      expect(console).not.toMatch(/rejected/);
      expect(slack).toMatch(/Step interrupted/);
    } finally {
      await killer.end();
    }
  });

  it("shows a program's progress as a note on its target, not as a command's exit and byte count", async () => {
    const { console, slack } = await runCase('progress');
    expect(console).toContain('    … obcluster: counting the fixture rows');
    expect(console).not.toMatch(/exit none|byte\(s\) of output/);
    expect(console).toMatch(
      /✔ count-rows succeeded: SQL on obcluster: 1 statement\(s\), 1 row\(s\) returned, 0 affected/,
    );
    expect(slack).toContain(':white_check_mark: SQL: 1 statement(s), 1 row(s) returned, 0 affected');
    expect(slack).not.toMatch(/bytes of output|exit 0/);
  });
});

describe('upgrade_checker results as people see them', () => {
  it('shows skipped checks as skipped, not as passes', async () => {
    await fixture.load(HEALTHY);
    const { console, slack } = await runCase('checker');
    expect(console).toContain(
      '[pass] upgrade_checker.py 4.3.5.5: upgrade checker passed: 20 passed, 0 warnings, 7 skipped (version gate does not hold)',
    );
    expect(console).toContain(
      '[skipped] check_archive_job_exist: no log archiving is running (upgrades from 4.0 only): not run: it applies only when cluster version < 4.1.0.0; the cluster version is 4.3.5.5',
    );
    expect(console).not.toMatch(/\[pass\][^\n]*SKIP/);
    expect(slack).toContain(':heavy_minus_sign: skipped: *check_archive_job_exist');
    expect(slack).not.toMatch(/SKIP/);
  });

  it('counts a warning apart from the passes', async () => {
    const twoDigits = GATE_SCENARIOS.find((x) => x.name === 'two-digit-minor-version');
    if (twoDigits === undefined) throw new Error('no two-digit-minor-version scenario');
    await fixture.load(twoDigits);
    const { console } = await runCase('checker');
    expect(console).toMatch(
      /upgrade checker passed: \d+ passed, 1 warning(, \d+ skipped \(version gate does not hold\))?\n/,
    );
    expect(console).toMatch(/\[warn\] check_observer_version: [^\n]*compares versions as strings/);
  });
});
