import type { Probe, StepInput } from '../../../core/plan/step-schema.ts';
import { raw, sh } from '../../../core/shell-quote.ts';
import { dataEqualProbe, digestAndCompare } from './data-proof-steps.ts';
import { readRequirepass, redisCli } from './redis-cli.ts';
import { REPLICA_CHECK_TIMEOUT_MS, replicaInSyncCommand } from './replica-in-sync.ts';
import type { RedisLayout } from './upgrade-redis-steps.ts';
import { hostTargets } from '../shared/xizang-site.ts';

/** Seconds the master gets to count its replicas online (a replica resyncing after r08 may still be loading). */
const ONLINE_SECONDS = 60;

/**
 * r09: the new instance's data equals the final dump of the old one (streamed digest of the new master against
 * the scratch digest of that dump), the master counts its replicas online, each replica, asked itself, applies
 * what the master sends now (`replicaInSyncCommand`: the master's word alone stays "online" for a replica cut off
 * until repl-timeout), and the VIP answers PING.
 */
export function verifyStep(l: RedisLayout): StepInput {
  const { r } = l;
  const cli = { home: l.newHome, config: l.newConfig, port: r.port };
  const viaVip =
    r.vip === undefined
      ? undefined
      : sh`REDISCLI_AUTH="$(${readRequirepass(l.newConfig)})" ${`${l.newHome}/bin/redis-cli`} -h ${r.vip} -p ${r.port} PING`;
  const info = redisCli(cli, ['INFO', 'replication']);
  const waitOnline = sh`for i in $(seq ${ONLINE_SECONDS}); do [ "$(${raw(info)} | grep -c 'state=online')" -ge ${r.replicas.length} ] && break; sleep 1; done; ${raw(info)} | grep -E '^(role|connected_slaves|slave[0-9]+):'`;
  const master = [
    digestAndCompare(l, { home: l.newHome, config: l.newConfig }),
    waitOnline,
    ...(viaVip ? [viaVip] : []),
  ];
  const replicaProbes: Probe[] = r.replicas.map((h) => ({
    kind: 'output-matches',
    command: info,
    pattern: '^master_link_status:up\\r?$',
    hosts: [h],
  }));
  return {
    kind: 'check',
    id: 'r09-verify',
    title: `Verify ${r.name}: data equal to the old master's final dump, replicas linked and caught up, PING through the VIP`,
    targets: hostTargets(l.nodes),
    commands: [
      { host: r.master, command: master.join('\n'), timeoutMs: 3_600_000 },
      ...r.replicas.map((h) => ({
        host: h,
        command: replicaInSyncCommand(l, h),
        timeoutMs: REPLICA_CHECK_TIMEOUT_MS,
      })),
    ],
    verify: [
      dataEqualProbe(l),
      {
        kind: 'output-matches',
        command: info,
        pattern: `^connected_slaves:${r.replicas.length}\\r?$`,
        hosts: [r.master],
      },
      ...replicaProbes,
      ...(viaVip === undefined
        ? []
        : [{ kind: 'output-matches' as const, command: viaVip, pattern: '^PONG$', hosts: [r.master] }]),
    ],
  };
}
