import type { ActionStep, HostCommand, Probe, RollbackStep } from '../../../core/plan/step-schema.ts';
import { sh } from '../../../core/shell-quote.ts';
import { hostTargets } from './xizang-site.ts';

/** Services of one host, in the order they are stopped (started in reverse). */
export interface HostServices {
  readonly host: string;
  readonly services: readonly string[];
}

/** `service a stop && service b stop` (or start, in reverse order). */
export function serviceCommand(services: readonly string[], verb: 'start' | 'stop' | 'restart'): string {
  const order = verb === 'start' ? [...services].reverse() : services;
  return order.map((s) => sh`service ${s} ${verb}`).join(' && ');
}

function probes(list: readonly HostServices[], state: 'running' | 'stopped'): Probe[] {
  return list.flatMap(({ host, services }) =>
    services.map((name): Probe => ({ kind: 'service', name, state, hosts: [host] })),
  );
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
    verify: probes(list, 'running'),
  };
}

/**
 * A gated stop of services, host by host in the order given, re-checking right before that they run and
 * verifying after that they are stopped; its rollback starts them again in the reverse host order.
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
    preconditions: probes(opts.hosts, 'running'),
    commands: commands(opts.hosts, 'stop'),
    sql: [],
    verify: probes(opts.hosts, 'stopped'),
    rollback: {
      steps: [startServicesStep(`${opts.id}-undo`, `Start again what ${opts.id} stopped`, [...opts.hosts].reverse())],
    },
  };
}
