import { z } from 'zod';
import { RunbookInvalidError } from '../../../core/plan/runbook-errors.ts';
import type { StepInput } from '../../../core/plan/step-schema.ts';
import { raw, sh } from '../../../core/shell-quote.ts';
import { defineRunbook } from '../../../core/ports/runbook.ts';
import { moveAsideStep } from '../shared/move-aside.ts';
import { readDirective, readRequirepass, redisCli } from './redis-cli.ts';
import { stopServicesStep } from '../shared/service-steps.ts';
import {
  admRedisInstall,
  admRedisParameters,
  fingerprintEqualProbe,
  inspectStep,
  redisLayout,
  saveStep,
  type RedisLayout,
} from './upgrade-redis-steps.ts';
import { bakOf, hostTargets, initScript, requireSpec, topDir } from '../shared/xizang-site.ts';

const RUNBOOK = 'upgrade-redis';
/** An ADM stand-in install takes seconds; a host that stopped answering must not hold the run for long. */
const ADM_TIMEOUT_MS = 60_000;

/**
 * The seed's `mv /app/soft/redis /app/soft/redis_bak` before a stop: vesta leaves a service alone whose home is gone.
 */
const pausedHome = (l: RedisLayout) => `${l.newHome}_vesta_paused`;

function admSteps(l: RedisLayout, adm: string | undefined): StepInput[] {
  const { r } = l;
  const instance = r.admInstance;
  const installed = l.nodes.flatMap((h) => [
    { kind: 'service' as const, name: r.service, state: 'running' as const, hosts: [h] },
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

function restoreSteps(l: RedisLayout): StepInput[] {
  const { r } = l;
  const paused = pausedHome(l);
  const pausedConfig = l.newConfig.startsWith(`${l.newHome}/`)
    ? `${paused}${l.newConfig.slice(l.newHome.length)}`
    : l.newConfig;
  const replicasFirst = [...r.replicas, r.master];
  const resume = sh`if [ -e ${paused} ]; then mv -T -- ${paused} ${l.newHome}; fi && service ${r.service} start`;
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
        command: sh`mv -T -- ${l.newHome} ${paused} && service ${r.service} stop`,
      })),
      verify: [
        { kind: 'service', name: r.service, state: 'stopped' },
        { kind: 'path-exists', path: paused },
      ],
      rollback: {
        steps: [
          {
            kind: 'action',
            id: 'r06-pause-new-undo',
            title: `Move ${paused} back (if still aside) and start the new Redis, master first`,
            targets: hostTargets(l.nodes, { oneAtATime: true }),
            destructive: true,
            commands: l.nodes.map((host) => ({ host, command: resume })),
            verify: [{ kind: 'service', name: r.service, state: 'running' }],
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
        { kind: 'service', name: r.service, state: 'stopped' },
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
      commands: l.nodes.map((host) => ({ host, command: resume })),
      verify: [{ kind: 'service', name: r.service, state: 'running' }],
      irreversible: { reason: 'starts the new instance; rolling back uninstalls it through ADM' },
    },
  ];
}

function verifyStep(l: RedisLayout): StepInput {
  const { r } = l;
  const cli = { home: l.newHome, config: l.newConfig, port: r.port };
  const viaVip =
    r.vip === undefined
      ? []
      : [
          sh`REDISCLI_AUTH="$(${readRequirepass(l.newConfig)})" ${`${l.newHome}/bin/redis-cli`} -h ${r.vip} -p ${r.port} PING`,
        ];
  const waitOnline = sh`for i in $(seq 60); do ${raw(redisCli(cli, ['INFO', 'replication']))} | grep -q 'state=online' && break; sleep 1; done; ${raw(redisCli(cli, ['INFO', 'replication']))} | grep -E '^(role|connected_slaves|slave[0-9]+):'`;
  return {
    kind: 'check',
    id: 'r09-verify',
    title: `Verify ${r.name}: PING through the VIP, replication online, fingerprint equal to the one before`,
    targets: hostTargets([r.master]),
    commands: [{ host: r.master, command: [waitOnline, ...viaVip].join(' && '), timeoutMs: 90_000 }],
    verify: [
      ...(viaVip.length > 0 ? [{ kind: 'output-matches' as const, command: viaVip[0] ?? '', pattern: '^PONG$' }] : []),
      {
        kind: 'output-matches',
        command: redisCli(cli, ['INFO', 'replication']),
        pattern: `^connected_slaves:${r.replicas.length}\\r?$`,
      },
      fingerprintEqualProbe(l, { home: l.newHome, config: l.newConfig }),
    ],
  };
}

/**
 * `/upgrade <site> redis`: the business Redis (master/replica + keepalived) redeployed through ADM with the same
 * password and VIP and its data carried over, as in the seed, without its slips: `redis.conf` (not `redis.cnf`),
 * `keepalived` (not `keeplived`), each path moved once and never onto an existing `_bak`, the dump file named by
 * the config's `dbfilename`, the password never on a command line.
 */
export const upgradeRedis = defineRunbook({
  id: RUNBOOK,
  title: 'Redeploy the business Redis through ADM (data, password and VIP kept)',
  args: z.object({ instance: z.string().min(1).optional() }),
  build(site, { instance }) {
    const spec = requireSpec(RUNBOOK, site);
    const r =
      instance === undefined ? spec.middleware.redis[0] : spec.middleware.redis.find((x) => x.name === instance);
    if (r === undefined)
      throw new RunbookInvalidError(
        RUNBOOK,
        undefined,
        `site ${spec.id} has no business Redis${instance === undefined ? '' : ` named ${instance}`} in middleware.redis`,
      );
    const l = redisLayout(spec, r);
    const kl = r.keepalived;
    const services = [...(kl ? [kl.service] : []), r.service];
    const stop = stopServicesStep({
      id: 'r03-stop',
      title: `Stop ${services.join(' and ')} on ${[...r.replicas, r.master].join(', then ')}`,
      prompt: `Stop ${services.join(' and ')} of ${r.name} (the business loses Redis until the new instance runs)?`,
      hosts: [...r.replicas, r.master].map((host) => ({ host, services })),
    });
    const undo = stop.rollback?.steps[0];
    if (undo !== undefined) {
      undo.verify.push(fingerprintEqualProbe(l, { home: r.home, config: r.config }));
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
      alsoBefore: l.nodes.flatMap((h) =>
        services.map((name) => ({ kind: 'service' as const, name, state: 'stopped' as const, hosts: [h] })),
      ),
    });
    const adm = spec.adm.mode === 'scripted' ? spec.adm.command : undefined;
    const inspect = inspectStep(l);
    // Checked first as well, so that a backup already in place stops the run before anything is touched.
    inspect.preconditions = [
      ...(inspect.preconditions ?? []),
      ...backup.preconditions.filter((p) => p.kind === 'path-absent' || p.kind === 'path-exists'),
    ];
    const steps: StepInput[] = [
      inspect,
      saveStep(l),
      stop,
      backup,
      ...admSteps(l, adm),
      ...restoreSteps(l),
      verifyStep(l),
    ];
    return {
      runbook: RUNBOOK,
      site: site.name,
      title: `Upgrade Redis ${r.name} at ${spec.id} through ADM`,
      args: instance === undefined ? {} : { instance },
      steps,
    };
  },
});
