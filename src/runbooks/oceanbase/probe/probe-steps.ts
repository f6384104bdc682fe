import type { StepInput } from '../../../core/plan/step-schema.ts';
import { probeRouteCommand, probeStartCommand, probeStopCommand, type ProbeTarget } from './probe-commands.ts';
import type { ProbeRoute } from './probe-target.ts';
import { zoneSlug } from '../shared/cluster-of.ts';
import { PROBE_SERIES_PROGRAM } from './probe-series-program.ts';

/** Ends the business probe, drops its table and removes its option files (idempotent: nothing running is fine). */
export function probeStopStep(probe: ProbeTarget, id: string) {
  return {
    kind: 'action' as const,
    id,
    title: `Stop the business probe on ${probe.host}, drop its table and remove its password files`,
    targets: { kind: 'hosts' as const, hosts: [probe.host] },
    commands: [probeStopCommand(probe)],
  };
}

/**
 * `probe-start`, with what ends the probe whatever becomes of the run: its rollback (last, as probe-start came
 * first) and, on an abort before `probe-stop` ran, its cleanup; each drops the probe's table too.
 */
export function probeStartStep(route: ProbeRoute): StepInput {
  const probe = route.target;
  const via = route.viaOdp ? 'through ODP' : 'to an observer outside the zone upgraded';
  return {
    kind: 'action',
    id: 'probe-start',
    title: `Start the business probe on ${probe.host} (tenant user ${probe.user}, ${via}: ${probe.address}:${probe.port})`,
    targets: { kind: 'hosts', hosts: [probe.host] },
    commands: [probeStartCommand(probe)],
    rollback: { steps: [probeStopStep(probe, 'probe-start-undo')] },
    cleanup: { steps: [probeStopStep(probe, 'probe-start-cleanup')], endedBy: ['probe-stop'] },
  };
}

/** `probe-stop`, after the last zone: the probe is not part of the change. */
export function probeEndStep(route: ProbeRoute): StepInput {
  return { ...probeStopStep(route.target, 'probe-stop'), irreversible: { reason: 'only stops the probe' } };
}

/**
 * Before a zone's steps, without ODP: points the probe at an observer outside that zone when the one it uses now
 * is in it (none when it is not, nor through ODP, which routes by itself).
 */
export function probeRouteSteps(
  route: ProbeRoute | undefined,
  zone: string,
  previous: string | undefined,
): StepInput[] {
  if (route === undefined || route.viaOdp) return [];
  const to = route.perZone.get(zone);
  const before = previous === undefined ? route.target : route.perZone.get(previous);
  if (to === undefined || (before?.address === to.address && before.port === to.port)) return [];
  return [
    {
      kind: 'action',
      id: `${zoneSlug(zone)}-probe-route`,
      title: `Point the business probe at ${to.address}:${to.port}, outside zone ${zone}`,
      targets: { kind: 'hosts', hosts: [route.target.host] },
      commands: [probeRouteCommand(route.target, to)],
      irreversible: { reason: 'only changes where the probe sends its requests' },
    },
  ];
}

/**
 * `probe-chart`, after `probe-stop`: the probe's whole log as a chart's data (latency and errors over time, each
 * zone's window from its stop-zone step to its wait for ACTIVE), which chat draws and posts as a picture.
 */
export function probeChartStep(route: ProbeRoute, zones: readonly string[]): StepInput {
  const probe = route.target;
  return {
    kind: 'check',
    id: 'probe-chart',
    title: `Business probe over the whole upgrade: latency and errors per zone, as a chart`,
    targets: { kind: 'hosts', hosts: [probe.host] },
    advisory: true,
    program: {
      id: PROBE_SERIES_PROGRAM,
      args: {
        host: probe.host,
        cluster: probe.cluster,
        sinceStep: 'probe-start',
        zones: zones.map((zone) => ({
          zone,
          fromStep: `${zoneSlug(zone)}-stop-zone`,
          toStep: `${zoneSlug(zone)}-wait-active`,
        })),
      },
    },
  };
}
