import mysqlp from 'mysql2/promise';
import type { AddressInfo, Server } from 'node:net';
import { BusinessTenant, DEFAULT_EFFECT } from '../../../lab/obsim/business-tenant.ts';
import { ControlPlane, type SimServer } from '../../../lab/obsim/control-plane.ts';
import { createSimServer } from '../../../lab/obsim/sim-server.ts';
import { createSqlSession, type ObSqlSession } from '../../../src/runners/sql/create-sql-session.ts';
import { SERVERS } from './fixture-cluster.ts';
import { createObFixture, LOCAL_MARIADB, uniqueFixtureName, type ObFixture } from './ob-fixture.ts';

/** The simulator's SQL face without the site lab: its control plane over a fixture, no observers probed. */
export interface LocalSim {
  readonly fixture: ObFixture;
  readonly plane: ControlPlane;
  /** A sys-tenant session to the simulator, as the runbook's steps get one. */
  readonly sql: ObSqlSession;
  /** Where the simulator listens (127.0.0.1), for a session of a test's own. */
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts the control-plane simulator on 127.0.0.1 (a free port) over a fresh fixture database, with the fixture's
 * three servers taken as running `version`. What it answers is what the lab's simulator answers; only the
 * observers' liveness is not probed (nothing here stops or starts a zone).
 */
export async function startLocalSim(version = '4.3.5.5'): Promise<LocalSim> {
  const database = uniqueFixtureName();
  const fixture = await createObFixture({ database });
  const db = await mysqlp.createConnection({
    ...LOCAL_MARIADB,
    database,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  const servers: SimServer[] = SERVERS.map((s) => ({ zone: s.zone, ip: s.ip, running: true, version, upSince: 0 }));
  const plane = new ControlPlane(db, servers);
  const server: Server = createSimServer(plane, new BusinessTenant(plane, DEFAULT_EFFECT), {
    ...LOCAL_MARIADB,
    database,
  });
  let sql: ObSqlSession;
  let port: number;
  try {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    // mysql2's server wraps a net.Server without exposing address(): read the port from the wrapped one.
    port = ((server as unknown as { _server: Server })._server.address() as AddressInfo).port;
    sql = await createSqlSession({
      host: '127.0.0.1',
      port,
      user: 'root@sys',
      password: 'sim',
      database: 'oceanbase',
      target: 'obcluster',
      statementTimeoutMs: 10_000,
    });
  } catch (e) {
    // Nothing is left behind: no listening server, no fixture database.
    await new Promise<void>((r) => server.close(() => r()));
    await db.end();
    await fixture.drop();
    throw e;
  }
  return {
    fixture,
    plane,
    sql,
    port,
    async close() {
      plane.stop();
      await sql.close();
      await new Promise<void>((r) => server.close(() => r()));
      await db.end();
      await fixture.drop();
    },
  };
}
