import type { StepInput } from '../../../core/plan/step-schema.ts';
import { healthChecks } from '../health/health-checks.ts';
import { zoneWaits } from '../health/rolling-waits.ts';
import { sqlString } from '../shared/sql-literal.ts';
import { PROBE_REPORT_PROGRAM } from '../probe/business-probe.ts';
import { zoneSlug } from '../shared/cluster-of.ts';
import { ObUpgradeRefusedError } from '../shared/ob-runbook-errors.ts';
import type { ProbeTarget } from '../probe/probe-commands.ts';
import { packageNames, stagedPath } from './stage-program.ts';
import type { ObDeploy } from '../../../core/sites/oceanbase-schema.ts';
import {
  observerInstallCommand,
  observerStartCommand,
  observerStopCommand,
  OBSERVER_RPC_PORT,
  START_WAIT_SEC,
  STOP_WAIT_SEC,
} from './observer-commands.ts';
import { WAIT_PROGRAM, type WaitArgs } from '../health/wait-program.ts';

/** What one zone's steps need to know. */
export interface ZoneInput {
  readonly cluster: string;
  readonly zone: string;
  readonly hosts: readonly string[];
  /** How the observers are deployed (user, home): the stop, install and start follow it. */
  readonly deploy: ObDeploy;
  readonly version: string;
  readonly probe?: ProbeTarget;
  /** The step after which this zone's probe report starts counting (the previous zone's last wait). */
  readonly probeSince: string;
}

/** The observer as the software shows it: a process running `bin/observer` listening on the RPC port. */
const observer = (state: 'running' | 'stopped') =>
  ({ kind: 'service', name: 'observer', state, process: 'bin/observer', port: OBSERVER_RPC_PORT }) as const;

/** A wait step running `polls` in order; `onTimeout` says what state things are in and what to decide. */
export function waitStep(
  id: string,
  title: string,
  cluster: string,
  polls: WaitArgs['polls'],
  onTimeout: string,
): StepInput {
  const args: WaitArgs = { polls, onTimeout };
  return {
    kind: 'check',
    id,
    title,
    targets: { kind: 'sql', target: cluster },
    program: { id: WAIT_PROGRAM, args: { ...args } },
  };
}

function orRefuse<T>(cluster: string, r: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!r.ok) throw new ObUpgradeRefusedError(cluster, r.error);
  return r.value;
}

/**
 * One zone of the rolling upgrade, in the order of the research appendix: cluster health, stop the zone (gated,
 * irreversible), wait inactive, stop the observers (gated), install the dependencies and the package, start the
 * observers, wait until they serve the new version in sync with the schema refreshed, zone health, start the
 * zone, wait active, and the business probe's report for the zone. Every wait says, on a timeout, what state
 * the zone is in and what a person has to decide.
 */
export function zoneSteps(z: ZoneInput): StepInput[] {
  const s = zoneSlug(z.zone);
  const sqlTarget = { kind: 'sql' as const, target: z.cluster };
  const hostTargets = { kind: 'hosts' as const, hosts: [...z.hosts] };
  const on = (command: string, timeoutMs?: number) =>
    z.hosts.map((host) => ({ host, command, ...(timeoutMs === undefined ? {} : { timeoutMs }) }));
  const stop = on(observerStopCommand(z.deploy), (STOP_WAIT_SEC + 30) * 1000);
  const start = on(observerStartCommand(z.deploy), (START_WAIT_SEC + 30) * 1000);
  const as = `as ${z.deploy.user} from ${z.deploy.home}`;
  const waits = orRefuse(z.cluster, zoneWaits(z.zone, z.version));
  const where = `zone ${z.zone} (${z.hosts.join(', ')})`;
  const pkg = packageNames(z.version);
  const steps: StepInput[] = [
    waitStep(
      `${s}-health`,
      `Cluster health check before ${where}`,
      z.cluster,
      orRefuse(z.cluster, healthChecks()),
      `The cluster is not healthy; ${where} has not been touched. Decide: retry once it is healthy, or abort the upgrade.`,
    ),
    {
      kind: 'action',
      id: `${s}-stop-zone`,
      title: `ALTER SYSTEM STOP ZONE ${z.zone}`,
      targets: sqlTarget,
      sql: [`alter system stop zone ${sqlString(z.zone)}`],
      destructive: true,
      gate: {
        prompt: `Stop ${where} of cluster ${z.cluster}? Its leaders move to the other zones; the business keeps running on them.`,
      },
      irreversible: {
        reason: `stopping the zone moves its leaders away and ends the transactions they served; the zone comes back with ALTER SYSTEM START ZONE later in this run, not by undoing this step`,
      },
    },
    waitStep(
      `${s}-wait-inactive`,
      `Zone ${z.zone} is INACTIVE`,
      z.cluster,
      [waits.zoneInactive],
      `Zone ${z.zone} was asked to stop but is not INACTIVE; its observers are untouched and still run the old version. Decide: retry the wait, or start the zone again (ALTER SYSTEM START ZONE ${sqlString(z.zone)}) and abort.`,
    ),
    {
      kind: 'action',
      id: `${s}-stop-observer`,
      title: `Stop the observer on ${where} (SIGTERM to the pid in ${z.deploy.home}/run/observer.pid)`,
      targets: hostTargets,
      commands: stop,
      destructive: true,
      gate: {
        prompt: `Stop the observer process on ${z.hosts.join(', ')} (${where} is INACTIVE)? It is sent SIGTERM once its pid file is checked to name the observer of ${z.deploy.home}.`,
      },
      verify: [observer('stopped')],
      rollback: {
        steps: [
          {
            kind: 'action',
            id: `${s}-restart-old-observer`,
            title: `Start the observer on ${where} again, ${as}`,
            targets: hostTargets,
            commands: start,
            verify: [observer('running')],
          },
        ],
      },
    },
    {
      kind: 'action',
      id: `${s}-install`,
      title: `Install ${pkg.libs} and ${pkg.server} in one rpm transaction on ${where}`,
      targets: hostTargets,
      preconditions: [
        { kind: 'path-exists', path: stagedPath(pkg.libs) },
        { kind: 'path-exists', path: stagedPath(pkg.server) },
        observer('stopped'),
      ],
      commands: on(observerInstallCommand(z.version)),
      verify: [
        {
          kind: 'output-matches',
          command: 'rpm -q oceanbase-ce',
          pattern: `^oceanbase-ce-${z.version.replace(/\./g, '\\.')}`,
        },
      ],
      irreversible: {
        reason: `replaces the observer binaries of ${where}; OceanBase does not support going back to the old build`,
      },
    },
    {
      kind: 'action',
      id: `${s}-start-observer`,
      title: `Start the upgraded observer on ${where}, ${as}`,
      targets: hostTargets,
      preconditions: [{ kind: 'path-exists', path: `${z.deploy.home}/etc/observer.config.bin` }],
      commands: start,
      verify: [observer('running')],
      irreversible: {
        reason: 'starts the upgraded observer; stopping it again is the stop-observer step, not an undo',
      },
    },
    waitStep(
      `${s}-wait-upgraded`,
      `Observers of ${z.zone} serve ${z.version}, clog in sync, schema refreshed`,
      z.cluster,
      [waits.serversServing, waits.zoneVersion, waits.clogInSync, waits.schemaRefreshed],
      `Zone ${z.zone} is stopped (INACTIVE) and runs the new package, but its observers do not all serve ${z.version} in sync yet; the other zones carry the business. Decide: look at the observer logs on ${z.hosts.join(', ')} and retry the wait, or abort and bring the zone back by hand.`,
    ),
    waitStep(
      `${s}-zone-health`,
      `Health check of zone ${z.zone}`,
      z.cluster,
      orRefuse(z.cluster, healthChecks({ zone: z.zone })),
      `Zone ${z.zone} is stopped (INACTIVE) with upgraded observers that fail the zone health check. Decide: retry, or abort and investigate before starting the zone.`,
    ),
    {
      kind: 'action',
      id: `${s}-start-zone`,
      title: `ALTER SYSTEM START ZONE ${z.zone}`,
      targets: sqlTarget,
      sql: [`alter system start zone ${sqlString(z.zone)}`],
      irreversible: { reason: `puts zone ${z.zone} back into service; stopping it again is the stop-zone step` },
    },
    waitStep(
      `${s}-wait-active`,
      `Zone ${z.zone} is ACTIVE`,
      z.cluster,
      [waits.zoneActive],
      `Zone ${z.zone} runs ${z.version} but is not ACTIVE after START ZONE. Decide: retry the wait, or abort; no other zone is touched until this one is active.`,
    ),
  ];
  if (z.probe !== undefined) {
    steps.push({
      kind: 'check',
      id: `${s}-probe-report`,
      title: `Business probe during zone ${z.zone}: requests, errors, latency per phase, interruptions`,
      targets: { kind: 'hosts', hosts: [z.probe.host] },
      advisory: true,
      program: {
        id: PROBE_REPORT_PROGRAM,
        args: {
          host: z.probe.host,
          cluster: z.cluster,
          zone: z.zone,
          stopZoneStep: `${s}-stop-zone`,
          stopObserverStep: `${s}-stop-observer`,
          startZoneStep: `${s}-start-zone`,
          sinceStep: z.probeSince,
        },
      },
    });
  }
  return steps;
}
