import type { StepInput } from '../../../core/plan/step-schema.ts';
import { sh } from '../../../core/shell-quote.ts';
import { ADM_TIMEOUT_MS } from '../adm/adm-install-step.ts';
import { serviceProbe } from '../shared/site-services.ts';
import { hostTargets } from '../shared/xizang-site.ts';
import { admRedisInstall, admRedisParameters, newRedisService, type RedisLayout } from './upgrade-redis-steps.ts';

/** The ADM redeploy of the pair (manual, with the stand-in where the site scripts ADM) and its uninstall. */
export function admSteps(l: RedisLayout, adm: string | undefined): StepInput[] {
  const { r } = l;
  const instance = r.admInstance;
  const installed = l.nodes.flatMap((h) => [
    serviceProbe(newRedisService(l), 'running', [h]),
    { kind: 'path-exists' as const, path: l.newConfig, hosts: [h] },
  ]);
  return [
    {
      kind: 'manual',
      id: 'r05-adm-install',
      title: `ADM: install ${instance} (Redis master/replica + keepalived) with the same VIP and password`,
      targets: hostTargets(l.nodes, { oneAtATime: true }),
      instructions: `In PowerADM, install a Redis master/replica high-availability instance with keepalived on ${l.nodes.join(' and ')}, with exactly these parameters; the password is the old one, kept in the backed-up config on the master. Press done when both nodes run.`,
      parameters: admRedisParameters(l, instance),
      ...(adm === undefined
        ? {}
        : {
            standIn: l.nodes.map((host) => ({
              host,
              command: admRedisInstall(l, adm, instance, host),
              timeoutMs: ADM_TIMEOUT_MS,
            })),
          }),
      verify: installed,
      rollback: {
        steps: [
          {
            kind: 'manual',
            id: 'r05-adm-uninstall',
            title: `ADM: uninstall ${instance}`,
            targets: hostTargets([...l.nodes].reverse()),
            destructive: true,
            gate: { prompt: `Uninstall the ADM instance ${instance} from ${l.nodes.join(', ')}?` },
            instructions: `In PowerADM, uninstall the instance ${instance} (both nodes), then press done.`,
            parameters: { instance },
            ...(adm === undefined
              ? {}
              : {
                  standIn: [...l.nodes]
                    .reverse()
                    .map((host) => ({ host, command: sh`${adm} uninstall --instance ${instance}` })),
                }),
            verify: [{ kind: 'path-absent', path: l.newConfig }],
          },
        ],
      },
    },
  ];
}
