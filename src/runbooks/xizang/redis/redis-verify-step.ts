import type { Probe, StepInput } from '../../../core/plan/step-schema.ts';
import { raw, sh } from '../../../core/shell-quote.ts';
import { dataEqualProbe, digestAndCompare } from './data-proof-steps.ts';
import { readRequirepass, redisCli } from './redis-cli.ts';
import type { RedisLayout } from './upgrade-redis-steps.ts';
import { addressOf, hostTargets } from '../shared/xizang-site.ts';

/** Seconds a replica gets to link up and catch up with the master. */
const SYNC_SECONDS = 60;

/**
 * On a replica: asks the master (over the replication path itself) for its `master_repl_offset`, then waits until
 * this replica reports, in its own `INFO replication`, `role:slave`, the master's address as `master_host`,
 * `master_link_status:up` and a `slave_repl_offset` at least that offset. "Close" is thus defined by the stream,
 * not by a tolerance: the replica has applied everything the master had sent when it was asked, which holds
 * whether or not clients write meanwhile (a replica that is behind by a fixed byte count would say nothing).
 */
export function replicaInSyncCommand(l: RedisLayout, replica: string, seconds = SYNC_SECONDS): string {
  const { r } = l;
  const masterAddress = addressOf(l.spec, r.master);
  const cli = `${l.newHome}/bin/redis-cli`;
  const field = (name: string) => raw(sh`$(printf '%s\\n' "$info" | sed -n ${`s/^${name}://p`})`);
  return [
    sh`pw=$(${readRequirepass(l.newConfig)})`,
    sh`m=$(REDISCLI_AUTH="$pw" ${cli} -h ${masterAddress} -p ${r.port} INFO replication 2>&1 | tr -d '\\r' | sed -n 's/^master_repl_offset://p')`,
    sh`case $m in ''|*[!0-9]*) echo ${`redis-cli INFO replication on the master ${r.master} (${masterAddress}) gave no master_repl_offset`} >&2; exit 1 ;; esac`,
    `i=0`,
    `while :; do`,
    sh`  info=$(REDISCLI_AUTH="$pw" ${cli} -h 127.0.0.1 -p ${r.port} INFO replication 2>&1 | tr -d '\\r')`,
    sh`  role=${field('role')}; mh=${field('master_host')}; link=${field('master_link_status')}; off=${field('slave_repl_offset')}`,
    sh`  [ "$role" = slave ] && [ "$mh" = ${masterAddress} ] && [ "$link" = up ] && [ "$off" -ge "$m" ] 2>/dev/null && break`,
    `  i=$((i + 1)); if [ $i -ge ${seconds} ]; then`,
    sh`    echo ${`replica ${replica} is not in sync with ${r.master} after ${seconds}s:`} "role:$role master_host:$mh master_link_status:$link slave_repl_offset:$off, master_repl_offset of the master was $m" >&2; exit 1`,
    `  fi; sleep 1`,
    `done`,
    sh`echo ${`replica ${replica}:`} "role:slave master_host:$mh master_link_status:up slave_repl_offset:$off >= master_repl_offset:$m (read from the master first)"`,
  ].join('\n');
}

/**
 * r09: the new instance's data equals the final dump of the old one (streamed digest of the new master against
 * the scratch digest of that dump), the master counts its replicas online, each replica says itself that it is
 * linked and caught up, and the VIP answers PING.
 */
export function verifyStep(l: RedisLayout): StepInput {
  const { r } = l;
  const cli = { home: l.newHome, config: l.newConfig, port: r.port };
  const viaVip =
    r.vip === undefined
      ? undefined
      : sh`REDISCLI_AUTH="$(${readRequirepass(l.newConfig)})" ${`${l.newHome}/bin/redis-cli`} -h ${r.vip} -p ${r.port} PING`;
  const info = redisCli(cli, ['INFO', 'replication']);
  const waitOnline = sh`for i in $(seq ${SYNC_SECONDS}); do [ "$(${raw(info)} | grep -c 'state=online')" -ge ${r.replicas.length} ] && break; sleep 1; done; ${raw(info)} | grep -E '^(role|connected_slaves|slave[0-9]+):'`;
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
      ...r.replicas.map((h) => ({ host: h, command: replicaInSyncCommand(l, h), timeoutMs: 120_000 })),
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
