import { z } from 'zod';
import { RunbookInvalidError } from '../../../core/plan/runbook-errors.ts';
import type { StepInput } from '../../../core/plan/step-schema.ts';
import { raw, sh } from '../../../core/shell-quote.ts';
import { defineRunbook } from '../../../core/ports/runbook.ts';
import { isPlaceProbe, moveAsideStep } from '../shared/move-aside.ts';
import { readDirective } from './redis-cli.ts';
import { stopServicesStep } from '../shared/service-steps.ts';
import { controlService, serviceProbe } from '../shared/site-services.ts';
import { keepalivedService, oldRedisService, redisService } from './redis-service.ts';
import { inspectStep, newRedisService, redisLayout, type RedisLayout } from './upgrade-redis-steps.ts';
import { admSteps } from './redis-adm-step.ts';
import { startLoadingDump } from './aof-start.ts';
import { armStep, dataAfterUndoStep, finalDumpStep } from './data-proof-steps.ts';
import { verifyStep } from './redis-verify-step.ts';
import { replicasAfterUndoStep } from './replica-in-sync.ts';
import { bakOf, hostTargets, initScript, requireSpec, topDir } from '../shared/xizang-site.ts';
import { siteCheckPrograms, siteCheckStep } from '../site-check/site-check-step.ts';

/** Which Redis of the site file a Redis phase redeploys, and the names that keep its runs apart from the other's. */
export interface RedisPhase {
  /** The runbook id (`upgrade-redis`, `upgrade-csb-redis`). */
  readonly id: string;
  /** The list of `middleware` in the site file. */
  readonly list: 'redis' | 'csbRedis';
  /** What the site calls it, in titles and messages (`business Redis`). */
  readonly label: string;
}

/** `/upgrade <site> redis`: the business Redis, `middleware.redis`. */
export const BUSINESS_REDIS: RedisPhase = { id: 'upgrade-redis', list: 'redis', label: 'business Redis' };
/**
 * The seed's `mv /app/soft/redis /app/soft/redis_bak` before a stop: vesta leaves a service alone whose home is gone.
 */
const pausedHome = (l: RedisLayout) => `${l.newHome}_vesta_paused`;

function restoreSteps(l: RedisLayout): StepInput[] {
  const { r } = l;
  const paused = pausedHome(l);
  const pausedConfig = l.newConfig.startsWith(`${l.newHome}/`)
    ? `${paused}${l.newConfig.slice(l.newHome.length)}`
    : l.newConfig;
  const replicasFirst = [...r.replicas, r.master];
  const resume = `${sh`if [ -e ${paused} ]; then mv -T -- ${paused} ${l.newHome}; fi`} && ${controlService(newRedisService(l), 'start')}`;
  // Once the home is aside, redis-cli and the config are read from there; the process keeps its command line.
  const pausedService = redisService(r.service, { home: paused, config: pausedConfig, port: r.port }, l.newHome);
  const copy = [
    sh`f=$(${raw(readDirective(bakOf(r.config), 'dbfilename'))}); nd=$(${raw(readDirective(pausedConfig, 'dir'))}); nf=$(${raw(readDirective(pausedConfig, 'dbfilename'))})`,
    sh`[ -n "$f" ] && [ -n "$nd" ] && [ -n "$nf" ] || { echo ${'cannot read dir/dbfilename of the old or the new config'} >&2; exit 1; }`,
    sh`src=${bakOf(r.data)}/"$f"; [ -s "$src" ] || { echo "no dump file $src" >&2; exit 1; }`,
    'cp -p -- "$src" "$nd/$nf" && chown --reference="$nd" -- "$nd/$nf" && sha256sum -- "$src" "$nd/$nf"',
  ].join(' && ');
  return [
    {
      kind: 'action',
      id: 'r06-pause-new',
      title: `Stop the new Redis out of vesta's reach (move ${l.newHome} aside first), replica before master`,
      targets: hostTargets(replicasFirst, { oneAtATime: true }),
      destructive: true,
      gate: { prompt: `Move ${l.newHome} to ${paused} and stop the new Redis on ${replicasFirst.join(', then ')}?` },
      preconditions: [
        { kind: 'path-exists', path: l.newHome },
        { kind: 'path-absent', path: paused },
      ],
      commands: replicasFirst.map((host) => ({
        host,
        command: `${sh`mv -T -- ${l.newHome} ${paused}`} && ${controlService(pausedService, 'stop')}`,
      })),
      verify: [serviceProbe(pausedService, 'stopped'), { kind: 'path-exists', path: paused }],
      rollback: {
        steps: [
          {
            kind: 'action',
            id: 'r06-pause-new-undo',
            title: `Move ${paused} back (if still aside) and start the new Redis, master first`,
            targets: hostTargets(l.nodes, { oneAtATime: true }),
            destructive: true,
            commands: l.nodes.map((host) => ({ host, command: resume })),
            verify: [serviceProbe(newRedisService(l), 'running')],
          },
        ],
      },
    },
    {
      kind: 'action',
      id: 'r07-restore-dump',
      title: `Copy the saved dump (the dbfilename of ${bakOf(r.config)}) into the new instance's data dir on ${r.master}`,
      targets: hostTargets([r.master]),
      destructive: true,
      gate: { prompt: `Copy the dump from ${bakOf(r.data)} into the new instance on ${r.master}?` },
      preconditions: [
        { kind: 'path-exists', path: bakOf(r.config) },
        { kind: 'path-exists', path: pausedConfig },
        serviceProbe(pausedService, 'stopped'),
      ],
      commands: [{ host: r.master, command: copy }],
      irreversible: {
        reason: `only adds the dump file to the new instance; the rollback's ADM uninstall removes that instance, and ${bakOf(r.data)} keeps the original`,
      },
    },
    {
      kind: 'action',
      id: 'r08-start-new',
      title: `Move ${l.newHome} back and start the new Redis, master then replica`,
      targets: hostTargets(l.nodes, { oneAtATime: true }),
      preconditions: [
        { kind: 'path-exists', path: paused },
        { kind: 'path-absent', path: l.newHome },
      ],
      commands: l.nodes.map((host) => ({
        host,
        command: host === r.master ? startLoadingDump(l, { pausedConfig, start: resume }) : resume,
      })),
      verify: [serviceProbe(newRedisService(l), 'running')],
      irreversible: { reason: 'starts the new instance; rolling back uninstalls it through ADM' },
    },
  ];
}

/**
 * `/upgrade <site> redis` and `/upgrade <site> csb-redis`: a Redis master/replica + keepalived of the site file's
 * `phase.list` redeployed through ADM with the same password and VIP and its data carried over, as in the seed,
 * without its slips: `redis.conf` (not `redis.cnf`), `keepalived` (not `keeplived`), each path moved once and never
 * onto an existing `_bak`, the dump file named by the config's `dbfilename`, the password never on a command
 * line; the data proven equal to the old master's final dump.
 */
export function redisRunbook(phase: RedisPhase) {
  const RUNBOOK = phase.id;
  return defineRunbook({
    id: RUNBOOK,
    title: `Redeploy the ${phase.label} through ADM (data, password and VIP kept)`,
    args: z.object({ instance: z.string().min(1).optional() }),
    build(site, { instance }) {
      const spec = requireSpec(RUNBOOK, site);
      const r =
        instance === undefined
          ? spec.middleware[phase.list][0]
          : spec.middleware[phase.list].find((x) => x.name === instance);
      if (r === undefined)
        throw new RunbookInvalidError(
          RUNBOOK,
          undefined,
          `site ${spec.id} has no ${phase.label}${instance === undefined ? '' : ` named ${instance}`} in middleware.${phase.list}`,
        );
      const l = redisLayout(spec, r);
      const kl = r.keepalived;
      const services = [...(kl ? [keepalivedService(kl)] : []), oldRedisService(r)];
      const names = services.map((s) => s.name).join(' and ');
      const stop = stopServicesStep({
        id: 'r03-stop',
        title: `Stop ${names} on ${[...r.replicas, r.master].join(', then ')}`,
        prompt: `Stop ${names} of ${r.name} (its clients lose Redis until the new instance runs)?`,
        hosts: [...r.replicas, r.master].map((host) => ({ host, services })),
      });
      const undo = stop.rollback?.steps[0];
      if (undo !== undefined) {
        // keepalived takes a few seconds to give the VIP back to the master.
        if (r.vip !== undefined) {
          const held = sh`ip -o -4 addr show | grep -qw ${r.vip}`;
          undo.verify.push({
            kind: 'output-matches',
            command: sh`for i in $(seq 30); do ${raw(held)} && break; sleep 1; done; ${raw(held)} && echo vip-held`,
            pattern: '^vip-held$',
            hosts: [r.master],
          });
        }
      }
      stop.rollback?.steps.push(dataAfterUndoStep(l));
      const replicasBack = replicasAfterUndoStep(l);
      if (replicasBack !== undefined) stop.rollback?.steps.push(replicasBack);
      const paths = [
        r.home,
        ...(kl ? [kl.home] : []),
        initScript(r.service),
        ...(kl ? [initScript(kl.service)] : []),
        r.data,
        r.config,
        ...(kl ? [kl.config] : []),
      ];
      const backup = moveAsideStep({
        id: 'r04-backup',
        title: `Back up ${r.name}: binaries, data, config, keepalived and init scripts, by mv to _bak`,
        prompt: `Move ${paths.join(', ')} to their _bak paths on ${l.nodes.join(', ')}?`,
        hosts: l.nodes.map((host) => ({ host, paths })),
        free: { path: topDir(l.newHome), minBytes: 64 * 1024 * 1024 },
        alsoBefore: l.nodes.flatMap((h) => services.map((svc) => serviceProbe(svc, 'stopped', [h]))),
      });
      const adm = spec.adm.mode === 'scripted' ? spec.adm.command : undefined;
      const inspect = inspectStep(l);
      // Checked first as well, so that a backup already in place stops the run before anything is touched.
      inspect.preconditions = [...(inspect.preconditions ?? []), ...backup.preconditions.filter(isPlaceProbe)];
      const index = spec.middleware[phase.list].indexOf(r);
      const steps: StepInput[] = [
        siteCheckStep(RUNBOOK, spec, {
          id: 'r00-site-check',
          title: `The live site against the site file: any difference in ${r.name} or on its hosts stops the run here`,
          scope: {
            what: `${r.name} (middleware.${phase.list}[${index}]) and its hosts`,
            sections: [['middleware', phase.list, index]],
            hosts: [...l.nodes],
          },
        }),
        inspect,
        armStep(l),
        stop,
        finalDumpStep(l),
        backup,
        ...admSteps(l, adm),
        ...restoreSteps(l),
        verifyStep(l),
      ];
      return {
        runbook: RUNBOOK,
        site: site.name,
        title: `Upgrade the ${phase.label} ${r.name} at ${spec.id} through ADM`,
        args: instance === undefined ? {} : { instance },
        steps,
      };
    },
    programs: siteCheckPrograms(RUNBOOK),
  });
}

/** `/upgrade <site> redis`. */
export const upgradeRedis = redisRunbook(BUSINESS_REDIS);
