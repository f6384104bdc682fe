import type { ActionStep, HostCommand, Probe, RollbackStep } from '../../../core/plan/step-schema.ts';
import { controlService, serviceProbe, type SiteService } from './site-services.ts';
import { hostTargets } from './xizang-site.ts';

/** Services of one host, in the order they are stopped (started in reverse). */
export interface HostServices {
  readonly host: string;
  readonly services: readonly SiteService[];
}

/** Stops the services in order, or starts them in reverse order, each waited for until the software shows it. */
export function serviceCommand(services: readonly SiteService[], verb: 'start' | 'stop'): string {
  const order = verb === 'start' ? [...services].reverse() : services;
  return order.map((s) => controlService(s, verb)).join(' && ');
}

/** `stop` then `start`, each waited for; empty for no service. */
export function restartCommand(services: readonly SiteService[]): string {
  if (services.length === 0) return '';
  return `${serviceCommand(services, 'stop')} && ${serviceCommand(services, 'start')}`;
}

/** The probes of every service of every host in `state`. */
export function serviceProbes(list: readonly HostServices[], state: 'running' | 'stopped'): Probe[] {
  return list.flatMap(({ host, services }) => services.map((s) => serviceProbe(s, state, [host])));
}

function commands(list: readonly HostServices[], verb: 'start' | 'stop'): HostCommand[] {
  return list.map(({ host, services }) => ({ host, command: serviceCommand(services, verb) }));
}

/**
 * Starts services host by host in the order given (e.g. master before replica), verifying each runs. Used as the
 * rollback of a stop and as the last step of a restore.
 */
export function startServicesStep(id: string, title: string, list: readonly HostServices[]): RollbackStep {
  return {
    kind: 'action',
    id,
    title,
    targets: hostTargets(
      list.map((h) => h.host),
      { oneAtATime: true },
    ),
    destructive: true,
    gate: { prompt: `${title}?` },
    preconditions: [],
    commands: commands(list, 'start'),
    sql: [],
    verify: serviceProbes(list, 'running'),
  };
}

/**
 * A gated stop of services, host by host in the order given, re-checking right before that they run and
 * verifying after that they are stopped (no process, port closed); its rollback starts them again in the
 * reverse host order.
 */
export function stopServicesStep(opts: {
  id: string;
  title: string;
  prompt: string;
  hosts: readonly HostServices[];
}): ActionStep {
  return {
    kind: 'action',
    id: opts.id,
    title: opts.title,
    targets: hostTargets(
      opts.hosts.map((h) => h.host),
      { oneAtATime: true },
    ),
    destructive: true,
    gate: { prompt: opts.prompt },
    preconditions: serviceProbes(opts.hosts, 'running'),
    commands: commands(opts.hosts, 'stop'),
    sql: [],
    verify: serviceProbes(opts.hosts, 'stopped'),
    rollback: {
      steps: [startServicesStep(`${opts.id}-undo`, `Start again what ${opts.id} stopped`, [...opts.hosts].reverse())],
    },
  };
}
