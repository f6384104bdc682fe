import type { Connection } from 'mysql2/promise';
import { compareObVersions, obVersion } from '../../src/runbooks/oceanbase/shared/ob-version.ts';
import { rewriteAlterSystemSet } from '../../src/runners/sql/sql-dialect.ts';
import { recordUpgradeEvent } from './cluster-events.ts';
import { probeObserver } from './probe-observer.ts';
import { UpgradeActions } from './upgrade-actions.ts';

/** One observer the simulator watches: the lab host's address and the zone it belongs to. */
export interface SimServer {
  readonly zone: string;
  readonly ip: string;
  running: boolean;
  version: string;
  /** When it last came up (ms); its clog and schema catch up for `catchUpMs` after that. */
  upSince: number;
}

/** A statement's outcome for the client: rows, an OK, or an OceanBase-style error. */
export type SimReply =
  | { readonly kind: 'ok'; readonly affectedRows?: number }
  | { readonly kind: 'error'; readonly code: number; readonly message: string };

const CATCH_UP_MS = 2_000;
const ZONE_SWITCH_MS = 1_000;

/**
 * The simulated control plane: zones (ACTIVE/INACTIVE, changed by STOP/START ZONE after a short delay), servers
 * (running and version as their stand-ins answer), cluster parameters (ALTER SYSTEM SET, the upgrade stages).
 * Every change is written into the fixture database, whose OceanBase-named tables and views answer the SQL.
 */
export class ControlPlane {
  readonly zones = new Map<string, 'ACTIVE' | 'INACTIVE'>();
  private written = new Map<string, string>();
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private buildSuffix = '';
  private formalSchema = '0';
  /** Tenant parameters, merges, the UPGRADE_ALL job and root inspection (upgrade-actions.ts). */
  readonly upgrade: UpgradeActions;

  constructor(
    private readonly db: Connection,
    readonly servers: readonly SimServer[],
    private readonly rpcPort = 2882,
  ) {
    for (const s of servers) this.zones.set(s.zone, 'ACTIVE');
    this.upgrade = new UpgradeActions(db, (fn) => this.serial(fn));
  }

  /** Reads what the fixture was loaded with, then probes the observers every `everyMs`. */
  async start(everyMs = 500): Promise<void> {
    const [rows] = await this.db.query(
      'select build_version, (select max(refreshed_schema_version) from __all_virtual_server_schema_info) as sv from __all_server limit 1',
    );
    const first = (rows as { build_version: string; sv: string }[])[0];
    this.buildSuffix = first?.build_version.slice(first.build_version.indexOf('_')) ?? '';
    this.formalSchema = String(first?.sv ?? '0');
    await this.probe();
    const tick = () => {
      this.timer = setTimeout(() => void this.probe().finally(() => this.timer !== undefined && tick()), everyMs);
    };
    tick();
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.upgrade.stop();
  }

  /** True when a zone is stopped or has a server down: its leaders have moved or are moving. */
  zoneOutOfService(): string | undefined {
    for (const [zone, status] of this.zones) {
      if (status === 'INACTIVE' || this.servers.some((s) => s.zone === zone && !s.running)) return zone;
    }
    return undefined;
  }

  /** The oldest version any server runs (what `min_observer_version` becomes at END ROLLING UPGRADE). */
  minVersion(): string {
    return (
      [...this.servers].map((s) => s.version).sort((a, b) => compareObVersions(obVersion(a), obVersion(b)))[0] ??
      '0.0.0.0'
    );
  }

  async probe(): Promise<void> {
    const now = Date.now();
    const answers = await Promise.all(this.servers.map((s) => probeObserver(s.ip, this.rpcPort)));
    answers.forEach((a, i) => {
      const s = this.servers[i];
      if (s === undefined) return;
      if (a.running && !s.running) s.upSince = now;
      s.running = a.running;
      if (a.running) s.version = a.version;
    });
    await this.sync();
  }

  /** Writes servers and zones into the fixture, only what changed since the last write. */
  sync(): Promise<void> {
    const now = Date.now();
    const writes: [string, string, unknown[]][] = [];
    for (const s of this.servers) {
      const caughtUp = s.running && now - s.upSince >= CATCH_UP_MS;
      const status = s.running ? 'ACTIVE' : 'INACTIVE';
      const started = s.running ? s.upSince * 1000 : 0;
      writes.push([
        `server ${s.ip}`,
        `${status} ${started} ${s.version}`,
        [
          'update __all_server set status = ?, start_service_time = ?, build_version = ? where svr_ip = ?',
          status,
          started,
          `${s.version}${this.buildSuffix}`,
          s.ip,
        ],
      ]);
      writes.push([
        `sync ${s.ip}`,
        String(caughtUp),
        ['update `GV$OB_LOG_STAT` set IN_SYNC = ? where SVR_IP = ?', caughtUp ? 'YES' : 'NO', s.ip],
      ]);
      writes.push([
        `schema ${s.ip}`,
        String(caughtUp),
        [
          'update __all_virtual_server_schema_info set refreshed_schema_version = ? where svr_ip = ?',
          caughtUp ? this.formalSchema : '0',
          s.ip,
        ],
      ]);
    }
    for (const [zone, status] of this.zones) {
      writes.push([
        `zone ${zone}`,
        status,
        ["update __all_zone set info = ? where zone = ? and name = 'status'", status, zone],
      ]);
    }
    const due = writes.filter(([key, sig]) => this.written.get(key) !== sig);
    for (const [key, sig] of due) this.written.set(key, sig);
    return this.serial(async () => {
      for (const [, , [sql, ...params]] of due) await this.db.query(String(sql), params);
    });
  }

  /** Sets a cluster parameter on every server (or one), as ALTER SYSTEM SET does. */
  setParameter(name: string, value: string): Promise<void> {
    return this.serial(async () => {
      await this.db.query("update __opsgate_parameter set value = ? where name = ? and scope = 'CLUSTER'", [
        value,
        name,
      ]);
    });
  }

  /** Handles one `ALTER SYSTEM …` statement. */
  async alterSystem(statement: string, database: string): Promise<SimReply> {
    const s = statement.trim().replace(/;\s*$/, '');
    const zoneCmd = /^alter\s+system\s+(stop|start)\s+zone\s+'?([A-Za-z0-9_.-]+)'?$/i.exec(s);
    if (zoneCmd !== null) return this.zoneCommand(zoneCmd[1]!.toLowerCase() as 'stop' | 'start', zoneCmd[2]!);
    const upgrade = await this.upgrade.alterSystem(s);
    if (upgrade !== undefined) return upgrade;
    if (/^alter\s+system\s+set\s/i.test(s)) {
      const update = rewriteAlterSystemSet(s, database);
      if (update === s) return { kind: 'error', code: 1235, message: `ALTER SYSTEM SET form not simulated: ${s}` };
      await this.serial(async () => void (await this.db.query(update)));
      return { kind: 'ok' };
    }
    const stage = /^alter\s+system\s+(begin|end)\s+(rolling\s+)?upgrade$/i.exec(s);
    if (stage !== null) {
      const begin = stage[1]!.toLowerCase() === 'begin';
      const event = `${begin ? 'BEGIN' : 'END'}_${stage[2] === undefined ? '' : 'ROLLING_'}UPGRADE` as const;
      await this.serial(() =>
        recordUpgradeEvent(this.db, event, this.minVersion(), `${this.minVersion()}${this.buildSuffix}`),
      );
      if (stage[2] === undefined) {
        await this.setParameter('enable_upgrade_mode', begin ? 'True' : 'False');
        if (!begin) await this.setParameter('_upgrade_stage', 'NONE');
      } else if (begin) {
        await this.setParameter('_upgrade_stage', 'DBUPGRADE');
      } else {
        await this.setParameter('min_observer_version', this.minVersion());
        await this.setParameter('_upgrade_stage', 'POSTUPGRADE');
      }
      return { kind: 'ok' };
    }
    return { kind: 'error', code: 1235, message: `the simulator does not implement: ${s}` };
  }

  private zoneCommand(verb: 'stop' | 'start', zone: string): SimReply {
    if (!this.zones.has(zone)) return { kind: 'error', code: 4662, message: `zone '${zone}' not exist` };
    const other = [...this.zones.keys()].find(
      (z) => z !== zone && (this.zones.get(z) === 'INACTIVE' || this.servers.some((s) => s.zone === z && !s.running)),
    );
    if (verb === 'stop' && other !== undefined) {
      return {
        kind: 'error',
        code: 4179,
        message: `stop zone ${zone} not allowed: zone ${other} is not serving, a majority would be lost`,
      };
    }
    setTimeout(() => {
      this.zones.set(zone, verb === 'stop' ? 'INACTIVE' : 'ACTIVE');
      void this.sync();
    }, ZONE_SWITCH_MS);
    return { kind: 'ok' };
  }

  /** Runs fixture writes one after another, so a poll never sees half of a change. */
  private serial(fn: () => Promise<void>): Promise<void> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
