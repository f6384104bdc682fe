import { z } from 'zod';
import { parseDuration } from '../../../core/sites/parse-duration.ts';
import type { Oceanbase } from '../../../core/sites/oceanbase-schema.ts';
import { defineRunbook } from '../../../core/ports/runbook.ts';
import { probeReportProgram, PROBE_REPORT_PROGRAM } from '../probe/business-probe.ts';
import { clusterHosts, clusterOf, zoneSlug } from '../shared/cluster-of.ts';
import { ObUpgradeRefusedError } from '../shared/ob-runbook-errors.ts';
import { restoreOfflineTimeStep } from '../precheck/offline-time-steps.ts';
import { probeRoute } from '../probe/probe-target.ts';
import { probeChartStep, probeEndStep, probeRouteSteps, probeStartStep } from '../probe/probe-steps.ts';
import { PROBE_SERIES_PROGRAM, probeSeriesProgram } from '../probe/probe-series-program.ts';
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
import { refuseUnlessLayoutAllows } from './deploy-refusal.ts';
import { refuseUnsupportedTarget } from '../checker/checker-targets.ts';
import { MIN_ZONES } from '../route/topology-drift.ts';
import { readTopologyFacts, TOPOLOGY_PROGRAM, topologyProgram, topologyStep } from '../route/topology-check.ts';

export { MIN_ZONES };

/** Refuses a cluster the rolling upgrade cannot take, with the reason (never a stop-everything fallback). */
export function refuseUnlessRolling(ob: Oceanbase): void {
  if (ob.zones.length < MIN_ZONES) {
    throw new ObUpgradeRefusedError(
      ob.name,
      `it has ${ob.zones.length} zone(s) (${ob.zones.map((z) => z.name).join(', ')}); a rolling upgrade stops one zone at a time and needs at least ${MIN_ZONES} so that a majority of every replica group keeps serving. opsgate never stops the whole cluster: add a zone first, or plan a full-outage upgrade by hand with the DBA`,
    );
  }
}

/**
 * `/upgrade <site> ob <cluster> --to <version>`: the zone-by-zone rolling upgrade. Refused at plan time for
 * fewer than three zones or a bad version, and at request time unless a run of `ob-precheck` of the cluster
 * completed within the site's `upgrade.precheckValidFor` (1h by default); its first step checks the precheck's
 * record on the hosts again. Then the packages are staged on
 * every host, upgrade_pre's steps run, every zone goes through `zoneSteps`, then upgrade_post's steps, the
 * restore of `server_permanent_offline_time`, and the final verification. With a business tenant configured,
 * a probe reads and writes it throughout, reports each zone's phases, and records the whole upgrade for a chart.
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
    refuseUnlessLayoutAllows(site, ob);
    refuseUnlessRolling(ob);
    // The cluster, not the site file, says which zones and observers exist: refused here on any difference.
    if ((await readTopologyFacts(site, ob, io)) === undefined) return undefined;
    const route = await readRouteFacts(site, ob, toVersion, io);
    // After the route's own refusals (downgrade, several hops), which say more; still before anything changes.
    refuseUnsupportedTarget(ob.name, toVersion);
    return route === undefined ? undefined : { route };
  },
  build(site, { cluster, toVersion }, facts) {
    const ob = clusterOf(site, cluster);
    refuseUnlessLayoutAllows(site, ob);
    refuseUnsupportedTarget(ob.name, toVersion);
    refuseUnlessRolling(ob);
    const route = routeFactsOf(facts);
    const hosts = clusterHosts(ob);
    const probeRt = probeRoute(site, ob);
    const probe = probeRt?.target;
    const zoneNames = ob.zones.map((z) => z.name);
    const validForMs = parseDuration(ob.upgrade.precheckValidFor) ?? 3_600_000;
    const maxAgeSec = Math.floor(validForMs / 1000);
    let probeSince = 'probe-start';
    let previousZone: string | undefined;
    const zones = ob.zones.flatMap((zone) => {
      // Without ODP, the probe moves off a zone's observers before the zone stops.
      const route = probeRouteSteps(probeRt, zone.name, previousZone);
      previousZone = zone.name;
      const steps = zoneSteps({
        cluster: ob.name,
        zone: zone.name,
        hosts: zone.hosts,
        deploy: ob.deploy,
        version: toVersion,
        ...(probe ? { probe } : {}),
        probeSince,
      });
      probeSince = `${zoneSlug(zone.name)}-wait-active`;
      return [...route, ...steps];
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
        topologyStep(site, ob),
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
        ...(probeRt ? [probeStartStep(probeRt)] : []),
        ...preSteps(
          ob.name,
          toVersion,
          Math.round((parseDuration(ob.upgrade.compactionSettle) ?? 120_000) / 1000),
          route?.from,
        ),
        ...zones,
        ...postSteps(ob.name, toVersion),
        restoreOfflineTimeStep(ob.name, 'precheck-fresh'),
        ...(probeRt ? [probeEndStep(probeRt), probeChartStep(probeRt, zoneNames)] : []),
        finalVerification(ob.name, toVersion),
        upgradeEventsStep(ob.name, toVersion),
      ],
    };
  },
  evaluators: { [PRECHECK_FRESH_EVALUATOR]: precheckFreshEvaluator },
  programs: {
    [STAGE_PROGRAM]: stagePackagesProgram,
    [PROBE_REPORT_PROGRAM]: probeReportProgram,
    [PROBE_SERIES_PROGRAM]: probeSeriesProgram,
    [UPGRADE_EVENTS_PROGRAM]: upgradeEventsProgram,
    [TOPOLOGY_PROGRAM]: topologyProgram,
    ...UPGRADE_PRE_POST_PROGRAMS,
  },
});
