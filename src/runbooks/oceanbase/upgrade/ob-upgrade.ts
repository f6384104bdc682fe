import { z } from 'zod';
import type { Site } from '../../../core/sites/site.ts';
import { parseDuration } from '../../../core/sites/parse-duration.ts';
import type { Oceanbase } from '../../../core/sites/oceanbase-schema.ts';
import { defineRunbook } from '../../../core/ports/runbook.ts';
import { probeReportProgram, PROBE_REPORT_PROGRAM } from '../probe/business-probe.ts';
import { clusterHosts, clusterOf, zoneSlug } from '../shared/cluster-of.ts';
import { ObUpgradeRefusedError } from '../shared/ob-runbook-errors.ts';
import { restoreOfflineTimeStep } from '../precheck/offline-time-steps.ts';
import { probeStartCommand, probeStopCommand, type ProbeTarget } from '../probe/probe-commands.ts';
import {
  precheckFreshCommands,
  precheckFreshEvaluator,
  PRECHECK_FRESH_EVALUATOR,
} from '../precheck/precheck-record.ts';
import { STAGE_PROGRAM, stagePackagesProgram } from './stage-program.ts';
import { finalVerification, postSteps, preSteps } from './upgrade-pre-post.ts';
import { UPGRADE_PRE_POST_PROGRAMS } from './upgrade-programs.ts';
import { UPGRADE_EVENTS_PROGRAM, upgradeEventsProgram, upgradeEventsStep } from './upgrade-events.ts';
import { readRouteFacts, routeFactsOf, routeStep } from '../route/upgrade-route-facts.ts';
import { zoneSteps } from './zone-steps.ts';

/** A rolling upgrade stops one zone at a time; a majority of every Paxos group must survive that. */
export const MIN_ZONES = 3;

/** Refuses a cluster the rolling upgrade cannot take, with the reason (never a stop-everything fallback). */
export function refuseUnlessRolling(ob: Oceanbase): void {
  if (ob.zones.length < MIN_ZONES) {
    throw new ObUpgradeRefusedError(
      ob.name,
      `it has ${ob.zones.length} zone(s) (${ob.zones.map((z) => z.name).join(', ')}); a rolling upgrade stops one zone at a time and needs at least ${MIN_ZONES} so that a majority of every replica group keeps serving. opsgate never stops the whole cluster: add a zone first, or plan a full-outage upgrade by hand with the DBA`,
    );
  }
}

/** Ends the business probe and removes its option files (idempotent: nothing running is fine). */
function probeStopStep(probe: ProbeTarget, id: string) {
  return {
    kind: 'action' as const,
    id,
    title: `Stop the business probe on ${probe.host} and remove its password file`,
    targets: { kind: 'hosts' as const, hosts: [probe.host] },
    commands: [probeStopCommand(probe)],
  };
}

/** The business probe's target, when the site file names a business tenant. */
function probeTarget(site: Site, ob: Oceanbase): ProbeTarget | undefined {
  const t = ob.probeTenant;
  const first = ob.zones[0]?.hosts[0];
  if (t === undefined || first === undefined) return undefined;
  const sysHost = ob.sys.host === undefined ? undefined : site.spec?.hosts.find((h) => h.name === ob.sys.host);
  const address = sysHost?.address ?? ob.sys.address;
  if (address === undefined) return undefined;
  return { cluster: ob.name, host: first, address, port: ob.sys.port, user: t.user, database: t.database ?? 'test' };
}

/**
 * `/upgrade <site> ob <cluster> --to <version>`: the zone-by-zone rolling upgrade. Refused at plan time for
 * fewer than three zones or a bad version, and at request time unless a run of `ob-precheck` of the cluster
 * completed within the site's `upgrade.precheckValidFor` (1h by default); its first step checks the precheck's
 * record on the hosts again. Then the packages are staged on
 * every host, upgrade_pre's steps run, every zone goes through `zoneSteps`, then upgrade_post's steps, the
 * restore of `server_permanent_offline_time`, and the final verification. With a business tenant configured,
 * a probe reads and writes it throughout and reports each zone's phases.
 */
export const obUpgrade = defineRunbook({
  id: 'ob-upgrade',
  title: 'OceanBase rolling upgrade, zone by zone',
  args: z.object({
    cluster: z.string().min(1),
    toVersion: z.string().regex(/^\d+(\.\d+){3}$/, 'a version of the form a.b.c.d'),
  }),
  async facts(site, { cluster, toVersion }, io) {
    const ob = clusterOf(site, cluster);
    refuseUnlessRolling(ob);
    const route = await readRouteFacts(site, ob, toVersion, io);
    return route === undefined ? undefined : { route };
  },
  build(site, { cluster, toVersion }, facts) {
    const ob = clusterOf(site, cluster);
    refuseUnlessRolling(ob);
    const route = routeFactsOf(facts);
    const hosts = clusterHosts(ob);
    const probe = probeTarget(site, ob);
    const validForMs = parseDuration(ob.upgrade.precheckValidFor) ?? 3_600_000;
    const maxAgeSec = Math.floor(validForMs / 1000);
    let probeSince = 'probe-start';
    const zones = ob.zones.flatMap((zone) => {
      const steps = zoneSteps({
        cluster: ob.name,
        zone: zone.name,
        hosts: zone.hosts,
        version: toVersion,
        ...(probe ? { probe } : {}),
        probeSince,
      });
      probeSince = `${zoneSlug(zone.name)}-wait-active`;
      return steps;
    });
    return {
      runbook: 'ob-upgrade',
      site: site.name,
      title: `Rolling upgrade of OceanBase cluster ${ob.name} ${route === undefined ? '' : `from ${route.from} `}to ${toVersion}`,
      args: { cluster: ob.name, toVersion },
      // Checked by the engine against the run store when the run is requested; the `precheck-fresh` step below
      // checks the record on the hosts again (defence in depth: a run store wiped, or hosts restored from backup).
      requires: [
        {
          runbook: 'ob-precheck',
          sameArgs: ['cluster'],
          outcome: 'completed',
          withinMs: validForMs,
          within: ob.upgrade.precheckValidFor,
          hint: `Run the precheck of ${ob.name} first (/precheck ${site.name} ob ${ob.name}).`,
        },
      ],
      steps: [
        ...(route === undefined ? [] : [routeStep(ob.name, toVersion, route)]),
        {
          kind: 'check',
          id: 'precheck-fresh',
          title: `A precheck of ${ob.name} passed within ${ob.upgrade.precheckValidFor}`,
          targets: { kind: 'hosts', hosts },
          commands: precheckFreshCommands(ob),
          evaluator: PRECHECK_FRESH_EVALUATOR,
          evaluatorArgs: { cluster: ob.name, maxAgeSec, validFor: ob.upgrade.precheckValidFor },
        },
        {
          kind: 'action',
          id: 'stage-packages',
          title: `Stage oceanbase-ce ${toVersion} and its libs on every host (SFTP, sha256 checked)`,
          targets: { kind: 'hosts', hosts },
          program: { id: STAGE_PROGRAM, args: { version: toVersion, packages: ob.upgrade.packages } },
          irreversible: { reason: 'only copies the packages to /tmp/opsgate-ob on the hosts' },
        },
        ...(probe
          ? [
              {
                kind: 'action' as const,
                id: 'probe-start',
                title: `Start the business probe on ${probe.host} (tenant user ${probe.user})`,
                targets: { kind: 'hosts' as const, hosts: [probe.host] },
                commands: [probeStartCommand(probe)],
                // A rollback ends the probe too (last, as probe-start came first), with its password file.
                rollback: { steps: [probeStopStep(probe, 'probe-start-undo')] },
                // So does an abort, unless probe-stop already ran: the probe is not part of the change.
                cleanup: { steps: [probeStopStep(probe, 'probe-start-cleanup')], endedBy: ['probe-stop'] },
              },
            ]
          : []),
        ...preSteps(
          ob.name,
          toVersion,
          Math.round((parseDuration(ob.upgrade.compactionSettle) ?? 120_000) / 1000),
          route?.from,
        ),
        ...zones,
        ...postSteps(ob.name, toVersion),
        restoreOfflineTimeStep(ob.name, 'precheck-fresh'),
        ...(probe ? [{ ...probeStopStep(probe, 'probe-stop'), irreversible: { reason: 'only stops the probe' } }] : []),
        finalVerification(ob.name, toVersion),
        upgradeEventsStep(ob.name, toVersion),
      ],
    };
  },
  evaluators: { [PRECHECK_FRESH_EVALUATOR]: precheckFreshEvaluator },
  programs: {
    [STAGE_PROGRAM]: stagePackagesProgram,
    [PROBE_REPORT_PROGRAM]: probeReportProgram,
    [UPGRADE_EVENTS_PROGRAM]: upgradeEventsProgram,
    ...UPGRADE_PRE_POST_PROGRAMS,
  },
});
