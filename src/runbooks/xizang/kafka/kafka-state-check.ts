import type { Probe, StepInput } from '../../../core/plan/step-schema.ts';
import { raw, sh } from '../../../core/shell-quote.ts';
import type { Kafka } from '../../../core/sites/middleware-schema.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import { sections } from '../shared/sections.ts';
import { addressOf, hostTargets } from '../shared/xizang-site.ts';
import type { KafkaStateArgs } from './kafka-state-evaluator.ts';
import {
  brokerConfigSection,
  firstBrokerCommand,
  srvr,
  zooKeeperSections,
  type KafkaInstall,
  type ZooKeeperInstall,
} from './kafka-probes.ts';

/**
 * The state check of the Kafka phase, before (with the lag) and after the redeploy: on the first broker the
 * Kafka version, then (only for a version with a known form) the lag and the registered brokers; on every broker
 * its server.properties; on every ZooKeeper node `srvr` and its zoo.cfg. `waitSeconds` gives brokers that much
 * time to register (they do so a few seconds after ZooKeeper elects a leader).
 */
export function kafkaStateCheck(
  spec: SiteFile,
  k: Kafka,
  opts: {
    id: string;
    title: string;
    kafka: KafkaInstall;
    zookeeper: ZooKeeperInstall;
    checkLag: boolean;
    waitSeconds: number;
    /** With `checkLag`: wait up to this long for the lag to drain first (the site's `drainSeconds`). */
    drainSeconds?: number;
  },
): StepInput {
  const b0 = k.brokers[0] ?? '';
  const parts = new Map<string, string[]>();
  const add = (h: string, p: string) => parts.set(h, [...(parts.get(h) ?? []), p]);
  add(
    b0,
    firstBrokerCommand(opts.kafka, {
      bootstrap: k.brokers.map((h) => `${addressOf(spec, h)}:${opts.kafka.port}`).join(','),
      brokers: k.brokers.length,
      checkLag: opts.checkLag,
      waitSeconds: opts.waitSeconds,
      ...(opts.drainSeconds === undefined ? {} : { drainSeconds: opts.drainSeconds }),
    }),
  );
  for (const h of k.brokers) add(h, brokerConfigSection(opts.kafka, h));
  for (const h of k.zookeeper.hosts)
    for (const p of zooKeeperSections(opts.zookeeper, h, addressOf(spec, h))) add(h, p);
  const args: KafkaStateArgs = {
    name: k.name,
    home: opts.kafka.home,
    kafkaHost: b0,
    brokers: k.brokers,
    zookeepers: k.zookeeper.hosts,
    checkLag: opts.checkLag,
    layout: {
      kafka: { config: opts.kafka.config, port: opts.kafka.port, data: opts.kafka.data },
      zookeeper: { ...opts.zookeeper },
    },
  };
  return {
    kind: 'check',
    id: opts.id,
    title: opts.title,
    targets: hostTargets([...parts.keys()]),
    commands: [...parts].map(([host, p]) => ({
      host,
      command: sections(p),
      timeoutMs: host === b0 ? 600_000 + (opts.drainSeconds ?? 0) * 1000 : 60_000,
    })),
    evaluator: 'upgrade-kafka.state',
    evaluatorArgs: args,
  };
}

/** Waits (up to 90 s) until the ZooKeeper on `host` serves as leader or follower: Kafka must not start before. */
export function zkServing(host: string, address: string, port: number): Probe {
  const ask = srvr(address, port);
  return {
    kind: 'output-matches',
    command: sh`for i in $(seq 90); do ${raw(ask)} 2>/dev/null | grep -Eq '^Mode: (leader|follower)' && break; sleep 1; done; ${raw(ask)} | grep '^Mode:'`,
    pattern: '^Mode: (leader|follower)$',
    hosts: [host],
  };
}

/**
 * Waits (up to 90 s) until every broker is registered in ZooKeeper, asked on `host` (a broker) with the install's
 * zookeeper-shell.sh at the `zookeeper.connect` of its server.properties.
 */
export function brokersRegistered(kafka: KafkaInstall, host: string, brokers: number): Probe {
  const probe = firstBrokerCommand(kafka, { bootstrap: '', brokers, checkLag: false, waitSeconds: 90 });
  return {
    kind: 'output-matches',
    command: `{ ${probe}; } | grep -E '^\\[.*\\]$' | tail -n 1 | tr ',' '\\n' | grep -c '[0-9]'`,
    pattern: `^${brokers}$`,
    hosts: [host],
  };
}
