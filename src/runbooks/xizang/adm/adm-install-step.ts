import type { Probe, StepInput } from '../../../core/plan/step-schema.ts';
import { sh } from '../../../core/shell-quote.ts';
import { hostTargets } from '../shared/xizang-site.ts';
import { serviceProbe, type SiteService } from '../shared/site-services.ts';

/** A stand-in ADM install on a host takes seconds; a host that stopped answering must not hold the run long. */
export const ADM_TIMEOUT_MS = 60_000;

/**
 * A manual ADM deployment (ADM's web UI at a site; the lab's scripted stand-in where the site file says so),
 * host by host, with the exact parameters shown, the services verified running after, and its rollback: the
 * ADM uninstall of the same instance (manual as well, gated).
 */
export function admInstallStep(opts: {
  readonly id: string;
  readonly product: string;
  readonly instance: string;
  readonly hosts: readonly string[];
  /** The ADM stand-in command (scripted sites only). */
  readonly adm: string | undefined;
  readonly parameters: Readonly<Record<string, string>>;
  /** The stand-in install command for one host (its index in `hosts`). */
  readonly standIn: (host: string, index: number) => string;
  /** A service the install leaves running on every host. */
  readonly service: SiteService;
  /** More instances the same install created on these hosts (e.g. the nginx next to a storage), uninstalled too. */
  readonly alsoInstances?: readonly string[];
  /** More verification after the install (e.g. the ensemble serves). */
  readonly alsoVerify?: readonly Probe[];
}): StepInput {
  const { adm, instance } = opts;
  const reversed = [...opts.hosts].reverse();
  return {
    kind: 'manual',
    id: opts.id,
    title: `ADM: deploy ${opts.product} as instance ${instance}`,
    targets: hostTargets(opts.hosts, { oneAtATime: true }),
    instructions: `In PowerADM, deploy the ${opts.product} on ${opts.hosts.join(', ')} in ONE instance named ${instance}, with exactly these parameters. Press done when every node runs.`,
    parameters: { instance, product: opts.product, hosts: opts.hosts.join(', '), ...opts.parameters },
    ...(adm === undefined
      ? {}
      : {
          standIn: opts.hosts.map((host, i) => ({ host, command: opts.standIn(host, i), timeoutMs: ADM_TIMEOUT_MS })),
        }),
    verify: [serviceProbe(opts.service, 'running'), ...(opts.alsoVerify ?? [])],
    rollback: {
      steps: [
        {
          kind: 'manual',
          id: `${opts.id}-uninstall`,
          title: `ADM: uninstall ${instance} (${opts.product})`,
          targets: hostTargets(reversed),
          destructive: true,
          gate: { prompt: `Uninstall the ADM instance ${instance} from ${reversed.join(', ')}?` },
          instructions: `In PowerADM, uninstall the instance ${[...(opts.alsoInstances ?? []), instance].join(' and ')} (${opts.product}) from every node, then press done.`,
          parameters: { instance: [...(opts.alsoInstances ?? []), instance].join(', ') },
          ...(adm === undefined
            ? {}
            : {
                standIn: reversed.map((host) => ({
                  host,
                  command: [...(opts.alsoInstances ?? []), instance]
                    .map((i) => sh`${adm} uninstall --instance ${i}`)
                    .join(' && '),
                  timeoutMs: ADM_TIMEOUT_MS,
                })),
              }),
        },
      ],
    },
  };
}
