import { err, ok, type Result } from '../../../core/result.ts';
import { PAXOS_IN_SYNC_POLL, SCHEMA_REFRESHED_POLL } from './health-checks.ts';
import { tenantScaledPoll, type ObPoll } from './ob-poll.ts';
import { sqlString, validVersionText, validZone } from '../shared/sql-literal.ts';

/** The waits of one zone's rolling upgrade, in the order the zone goes through them. */
export interface ZoneWaits {
  readonly zoneInactive: ObPoll;
  readonly serversServing: ObPoll;
  readonly clogInSync: ObPoll;
  readonly schemaRefreshed: ObPoll;
  readonly zoneVersion: ObPoll;
  readonly zoneActive: ObPoll;
}

/**
 * The polls of §3.6 for one zone and a target version. Zone and version are validated before they are quoted
 * into the SQL. Timeouts follow the research: 5 min for a zone to stop or start (obshell: 60 x 5 s); the
 * health checker's per-tenant scaling for servers, clog (10 s/tenant, min 600 s) and schema (30 s/tenant, min
 * 600 s); one shot for the zone's version once its servers serve.
 */
export function zoneWaits(zone: string, targetVersion: string): Result<ZoneWaits, string> {
  const z = validZone(zone);
  if (!z.ok) return err(z.error);
  const v = validVersionText(targetVersion);
  if (!v.ok) return err(v.error);
  const zq = sqlString(z.value);
  const zoneStatus = (status: 'ACTIVE' | 'INACTIVE'): ObPoll => ({
    id: status === 'INACTIVE' ? 'zone-inactive' : 'zone-active',
    title: `zone ${z.value} is ${status}`,
    sql: `SELECT count(*) FROM oceanbase.DBA_OB_ZONES WHERE STATUS = '${status}' AND ZONE = ${zq}`,
    expect: { kind: 'equals', value: 1 },
    timeout: { kind: 'fixed', seconds: 300 },
    intervalSec: 5,
    source: 'obshell upgrade_stop_zone.go / upgrade_start_zone.go',
  });
  return ok({
    zoneInactive: zoneStatus('INACTIVE'),
    serversServing: tenantScaledPoll({
      id: 'servers-serving',
      title: 'every observer is ACTIVE and serving',
      sql: "select count(*) from oceanbase.DBA_OB_SERVERS where STATUS != 'ACTIVE' or STOP_TIME is not NULL or START_SERVICE_TIME is NULL",
      expect: { kind: 'zero' },
      perTenantSec: 10,
      source: 'obd 4.2.1.4 wait(), obshell',
    }),
    clogInSync: { ...PAXOS_IN_SYNC_POLL, id: 'clog-in-sync' },
    schemaRefreshed: { ...SCHEMA_REFRESHED_POLL, id: 'schema-refreshed' },
    zoneVersion: {
      id: 'zone-version',
      title: `every observer of ${z.value} runs ${v.value}`,
      sql: `select distinct(substring_index(build_version, '_', 1)) from oceanbase.__all_server where zone = ${zq}`,
      expect: { kind: 'single-row', value: v.value },
      // The health checker reads this once; a restarted observer can report serving a moment before its new
      // build version shows, so a short wait avoids failing a healthy zone on that race.
      timeout: { kind: 'fixed', seconds: 120 },
      intervalSec: 2,
      source: 'upgrade_health_checker.py -z (read once there; polled here)',
    },
    zoneActive: zoneStatus('ACTIVE'),
  });
}

/** After every zone: the cluster version reaches the target once `alter system end rolling upgrade` ran. */
export function clusterVersionBumped(targetVersion: string): Result<ObPoll, string> {
  const v = validVersionText(targetVersion);
  if (!v.ok) return err(v.error);
  return ok({
    id: 'cluster-version-bumped',
    title: `min_observer_version is ${v.value} on every server`,
    sql: `select count(*) as cnt from oceanbase.GV$OB_PARAMETERS where name = 'min_observer_version' and value != ${sqlString(v.value)}`,
    expect: { kind: 'zero' },
    timeout: { kind: 'fixed', seconds: 60 },
    intervalSec: 5,
    source: 'upgrade_post.py end_rolling_upgrade',
  });
}
