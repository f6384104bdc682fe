import mysqlp from 'mysql2/promise';
import type { Server } from 'node:net';
import {
  createObFixture,
  LOCAL_MARIADB,
  uniqueFixtureName,
  type MariaDbServer,
} from '../../test/support/oceanbase/ob-fixture.ts';
import { SERVERS } from '../../test/support/oceanbase/fixture-cluster.ts';
import type { SimPasswords } from './auth.ts';
import { BusinessTenant, DEFAULT_EFFECT, type LeaderMoveEffect } from './business-tenant.ts';
import { ControlPlane, type SimServer } from './control-plane.ts';
import { probeObserver } from './probe-observer.ts';
import { createSimServer } from './sim-server.ts';
import type { UpgradeJobScenario } from './upgrade-jobs.ts';

export interface ObSimOptions {
  /** Where the simulator listens (in the lab: the bridge address, port 2881). */
  readonly host: string;
  readonly port: number;
  /** The observer stand-ins, one per zone, named zone1… as in the fixture. */
  readonly observers: readonly { readonly zone: string; readonly ip: string }[];
  /** The passwords logins are checked against (the sys tenant's is the one the lab's site file references). */
  readonly passwords: SimPasswords;
  readonly mariadb?: MariaDbServer;
  readonly effect?: LeaderMoveEffect;
  /** How long to wait for every observer to answer before starting. */
  readonly startTimeoutMs?: number;
  /** How UPGRADE_ALL jobs go (default: success after 3 s); `plane.upgrade.jobs.scenario` changes it later. */
  readonly upgradeJob?: UpgradeJobScenario;
  /**
   * SQL run in the fixture database after the healthy cluster is loaded, naming the fixture's servers
   * (10.10.0.11…; renamed to the lab's addresses afterwards): another cluster shape, e.g. a zone the site file
   * lists removed, or a tenant's pool narrowed to two zones.
   */
  readonly faults?: readonly string[];
}

export interface ObSim {
  readonly plane: ControlPlane;
  /** The business tenant the probe reads and writes. */
  readonly business: BusinessTenant;
  readonly database: string;
  close(): Promise<void>;
}

/**
 * Starts the simulator: a fixture database on MariaDB loaded with a healthy three-zone cluster at the version
 * the observers run, its servers renamed to the lab's addresses, the control plane probing the observers,
 * and the MySQL-protocol server. `close` stops everything and drops the database.
 */
export async function startObSim(opts: ObSimOptions): Promise<ObSim> {
  if (opts.observers.length !== SERVERS.length || opts.observers.some((o, i) => o.zone !== SERVERS[i]?.zone)) {
    throw new Error(
      `the simulator serves exactly ${SERVERS.map((s) => s.zone).join(', ')} with one observer each (the fixture's cluster)`,
    );
  }
  const servers: SimServer[] = opts.observers.map((o) => ({
    zone: o.zone,
    ip: o.ip,
    running: false,
    version: '0.0.0.0',
    upSince: 0,
  }));
  const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
  for (;;) {
    const answers = await Promise.all(servers.map((s) => probeObserver(s.ip, 2882)));
    answers.forEach((a, i) => {
      if (a.running && servers[i] !== undefined) servers[i].version = a.version;
    });
    if (answers.every((a) => a.running)) break;
    if (Date.now() > deadline)
      throw new Error(
        `observers not answering on 2882: ${servers
          .filter((_, i) => !answers[i]?.running)
          .map((s) => s.ip)
          .join(', ')}`,
      );
    await new Promise((r) => setTimeout(r, 500));
  }
  const maria = opts.mariadb ?? LOCAL_MARIADB;
  const database = uniqueFixtureName().replace('oceanbase_t_', 'oceanbase_sim_');
  const fixture = await createObFixture({ database, server: maria });
  const db = await mysqlp.createConnection({ ...maria, database, supportBigNumbers: true, bigNumberStrings: true });
  let server: Server | undefined;
  let plane: ControlPlane | undefined;
  let business: BusinessTenant | undefined;
  try {
    const initial = [...servers].map((s) => s.version).sort()[0] ?? '4.3.5.4';
    await fixture.load({
      name: 'lab-simulator',
      shape: { clusterVersion: initial, dataVersion: initial },
      ...(opts.faults !== undefined ? { faults: opts.faults } : {}),
    });
    await renameServers(db, database, servers);
    plane = new ControlPlane(db, servers);
    if (opts.upgradeJob !== undefined) plane.upgrade.jobs.scenario = opts.upgradeJob;
    await plane.start();
    business = new BusinessTenant(plane, opts.effect ?? DEFAULT_EFFECT);
    const srv = createSimServer(plane, business, { ...maria, database }, opts.passwords);
    server = srv;
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(opts.port, opts.host, () => resolve());
    });
  } catch (e) {
    plane?.stop();
    await db.end().catch(() => undefined);
    await fixture.drop().catch(() => undefined);
    throw e;
  }
  const p = plane;
  const s = server;
  return {
    plane: p,
    business,
    database,
    async close() {
      p.stop();
      await new Promise<void>((r) => s.close(() => r()));
      await db.end().catch(() => undefined);
      await fixture.drop();
    },
  };
}

/** Gives the fixture's servers the lab's addresses, in every table that names a server. */
async function renameServers(db: mysqlp.Connection, database: string, servers: readonly SimServer[]): Promise<void> {
  const [cols] = await db.query(
    `select c.TABLE_NAME as t, c.COLUMN_NAME as c from information_schema.COLUMNS c join information_schema.TABLES t
       on t.TABLE_SCHEMA = c.TABLE_SCHEMA and t.TABLE_NAME = c.TABLE_NAME
     where c.TABLE_SCHEMA = ? and t.TABLE_TYPE = 'BASE TABLE' and (lower(c.COLUMN_NAME) in ('svr_ip', 'paxos_member_list'))`,
    [database],
  );
  for (const { t, c } of cols as { t: string; c: string }[]) {
    for (const [i, s] of servers.entries()) {
      const from = SERVERS[i]?.ip;
      if (from === undefined) continue;
      await db.query(`update \`${t}\` set \`${c}\` = replace(\`${c}\`, ?, ?)`, [`${from}`, s.ip]);
    }
  }
}
