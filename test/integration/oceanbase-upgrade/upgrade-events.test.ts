import mysqlp from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ControlPlane, type SimServer } from '../../../lab/obsim/control-plane.ts';
import type { Finding } from '../../../src/core/plan/run-state.ts';
import { createSqlSession, type ObSqlSession } from '../../../src/runners/sql/create-sql-session.ts';
import { upgradeEventsProgram, upgradeEventsStep } from '../../../src/runbooks/oceanbase/upgrade/upgrade-events.ts';
import { SERVERS } from '../../support/oceanbase/fixture-cluster.ts';
import {
  createObFixture,
  LOCAL_MARIADB,
  uniqueFixtureName,
  type ObFixture,
} from '../../support/oceanbase/ob-fixture.ts';
import { labXizang, programContext, runWith } from '../../unit/runbooks/oceanbase/ob-fixture-site.ts';

/**
 * The final verification's event-history check against the simulator's control plane over the MariaDB fixture:
 * the simulator records what OceanBase records for each upgrade stage, and the check finds this run's events.
 */
let fixture: ObFixture;
let db: mysqlp.Connection;
let sql: ObSqlSession;
let plane: ControlPlane;

beforeAll(async () => {
  fixture = await createObFixture({ database: uniqueFixtureName() });
  db = await mysqlp.createConnection({ ...LOCAL_MARIADB, database: fixture.database });
  sql = await createSqlSession(fixture.endpoint);
  // Every observer already runs the new build: END ROLLING UPGRADE raises the cluster version to it.
  const servers: SimServer[] = SERVERS.map((s) => ({
    zone: s.zone,
    ip: s.ip,
    running: true,
    version: '4.3.5.5',
    upSince: 0,
  }));
  plane = new ControlPlane(db, servers);
});

afterAll(async () => {
  plane?.stop();
  await sql?.close();
  await db?.end();
  await fixture?.drop();
});

beforeEach(async () => {
  await fixture.load({ name: 'events', shape: { clusterVersion: '4.3.5.4', dataVersion: '4.3.5.4' } });
});

async function stages(...statements: string[]): Promise<void> {
  for (const s of statements) expect(await plane.alterSystem(s, fixture.database)).toEqual({ kind: 'ok' });
}

async function verify(to: string, runStartedAt: number): Promise<readonly Finding[]> {
  const step = { ...upgradeEventsStep('obcluster', to), hash: 'h' } as never;
  const ctx = {
    ...programContext(await labXizang(), step, sql, { ...runWith({}), createdAt: runStartedAt }),
    clock: { now: () => Date.now() },
  };
  return upgradeEventsProgram(ctx, { to });
}

const ALL = [
  'alter system begin upgrade',
  'alter system begin rolling upgrade',
  'alter system end rolling upgrade',
  'alter system end upgrade',
];

describe('event history in the final verification', () => {
  it('the simulator records each stage as OceanBase does: END_ROLLING_UPGRADE names the new and the old cluster version', async () => {
    await stages(...ALL);
    const rows = (
      await sql.query(
        "select EVENT, NAME1, VALUE1, NAME2, VALUE2 from oceanbase.DBA_OB_CLUSTER_EVENT_HISTORY where MODULE = 'UPGRADE' order by `TIMESTAMP`",
      )
    ).rows;
    expect(rows).toEqual([
      {
        EVENT: 'BEGIN_UPGRADE',
        NAME1: 'cluster_version',
        VALUE1: '4.3.5.4',
        NAME2: 'build_version',
        VALUE2: '4.3.5.5',
      },
      {
        EVENT: 'BEGIN_ROLLING_UPGRADE',
        NAME1: 'cluster_version',
        VALUE1: '4.3.5.4',
        NAME2: 'build_version',
        VALUE2: '4.3.5.5',
      },
      {
        EVENT: 'END_ROLLING_UPGRADE',
        NAME1: 'cluster_version',
        VALUE1: '4.3.5.5',
        NAME2: 'ori_cluster_version',
        VALUE2: '4.3.5.4',
      },
      { EVENT: 'END_UPGRADE', NAME1: 'cluster_version', VALUE1: '4.3.5.5', NAME2: 'build_version', VALUE2: '4.3.5.5' },
    ]);
  });

  it('passes when this run began the upgrade, the rolling stage, and ended it at the target version', async () => {
    const started = Date.now();
    await stages(...ALL);
    const findings = await verify('4.3.5.5', started);
    expect(findings.map((f) => [f.status, f.title])).toEqual([
      ['pass', 'BEGIN_UPGRADE since the run started'],
      ['pass', 'BEGIN_ROLLING_UPGRADE since the run started'],
      ['pass', 'END_ROLLING_UPGRADE with VALUE1 = 4.3.5.5 since the run started'],
    ]);
  });

  it('fails when the events are older than the run (an earlier upgrade), saying none came since', async () => {
    await stages(...ALL);
    await new Promise((r) => setTimeout(r, 50));
    const findings = await verify('4.3.5.5', Date.now());
    expect(findings).toEqual([
      {
        status: 'fail',
        title: 'BEGIN_UPGRADE since the run started',
        evidence: expect.stringMatching(/missing .*seen: no upgrade event since the run started$/),
      },
    ]);
  });

  it('fails when the rolling stage ended at another version than the target, naming what it saw', async () => {
    const started = Date.now();
    await stages(...ALL);
    const findings = await verify('4.4.0.0', started);
    expect(findings.at(-1)).toEqual({
      status: 'fail',
      title: 'END_ROLLING_UPGRADE with VALUE1 = 4.4.0.0 since the run started',
      evidence: expect.stringMatching(
        /missing .*seen: BEGIN_UPGRADE 4\.3\.5\.4 \d+ s ago; BEGIN_ROLLING_UPGRADE 4\.3\.5\.4 \d+ s ago; END_ROLLING_UPGRADE 4\.3\.5\.5 \d+ s ago/,
      ),
    });
  });

  it('fails when the rolling stage never began', async () => {
    const started = Date.now();
    await stages('alter system begin upgrade');
    const findings = await verify('4.3.5.5', started);
    expect(findings.map((f) => [f.status, f.title])).toEqual([
      ['pass', 'BEGIN_UPGRADE since the run started'],
      ['fail', 'BEGIN_ROLLING_UPGRADE since the run started'],
    ]);
  });
});
