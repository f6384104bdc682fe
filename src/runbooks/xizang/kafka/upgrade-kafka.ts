import { z } from 'zod';
import { RunbookInvalidError } from '../../../core/plan/runbook-errors.ts';
import type { Probe, StepInput } from '../../../core/plan/step-schema.ts';
import { raw, sh } from '../../../core/shell-quote.ts';
import type { Kafka } from '../../../core/sites/middleware-schema.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import { defineRunbook } from '../../../core/ports/runbook.ts';
import { kafkaStateEvaluator } from './kafka-state-evaluator.ts';
import { admInstallStep } from '../adm/adm-install-step.ts';
import { moveAsideStep } from '../shared/move-aside.ts';
import { zkBrokerIds, zkFourLetter } from '../precheck/precheck-commands.ts';
import { section, sections } from '../shared/sections.ts';
import { stopServicesStep } from '../shared/service-steps.ts';
import { addressOf, componentInstance, hostTargets, initScript, requireSpec, topDir } from '../shared/xizang-site.ts';

const RUNBOOK = 'upgrade-kafka';

/** The check both before (with lag) and after the redeploy: brokers registered, ensemble healthy. */
function stateCheck(
  spec: SiteFile,
  k: Kafka,
  opts: { id: string; title: string; zkHome: string; checkLag: boolean; waitSeconds: number },
): StepInput {
  const z0 = k.zookeeper.hosts[0] ?? k.brokers[0] ?? '';
  const b0 = k.brokers[0] ?? '';
  const servers = k.brokers.map((h) => `${addressOf(spec, h)}:${k.port}`).join(',');
  const parts = new Map<string, string[]>();
  const add = (h: string, p: string) => parts.set(h, [...(parts.get(h) ?? []), p]);
  if (opts.checkLag)
    add(
      b0,
      section(
        'lag',
        k.name,
        sh`${`${k.home}/bin/kafka-consumer-groups.sh`} --bootstrap-server ${servers} --describe --all-groups`,
      ),
    );
  // After a redeploy the brokers register a few seconds after ZooKeeper elects a leader: wait for them.
  const ids = zkBrokerIds(opts.zkHome, k.zookeeper.port);
  const wait =
    opts.waitSeconds > 0
      ? sh`for i in $(seq ${opts.waitSeconds}); do n=$(${raw(ids)}); [ "$(echo "$n" | tr ',' '\\n' | grep -c '[0-9]')" -ge ${k.brokers.length} ] && break; sleep 1; done; `
      : '';
  add(z0, section('brokers', k.name, `${wait}${ids}`));
  for (const h of k.zookeeper.hosts) add(h, section('zk', h, zkFourLetter(k.zookeeper.port, 'srvr')));
  return {
    kind: 'check',
    id: opts.id,
    title: opts.title,
    targets: hostTargets([...parts.keys()]),
    commands: [...parts].map(([host, p]) => ({ host, command: sections(p), timeoutMs: 120_000 })),
    evaluator: 'upgrade-kafka.state',
    evaluatorArgs: { brokers: k.brokers.length, zookeepers: k.zookeeper.hosts.length, checkLag: opts.checkLag },
  };
}

/** Waits (up to 90 s) until the ZooKeeper on `host` serves as leader or follower: Kafka must not start before. */
function zkServing(host: string, port: number): Probe {
  const srvr = zkFourLetter(port, 'srvr');
  return {
    kind: 'output-matches',
    command: sh`for i in $(seq 90); do ${raw(srvr)} 2>/dev/null | grep -Eq '^Mode: (leader|follower)' && break; sleep 1; done; ${raw(srvr)} | grep '^Mode:'`,
    pattern: '^Mode: (leader|follower)$',
    hosts: [host],
  };
}

/** Waits (up to 90 s) until every broker is registered in ZooKeeper. */
function brokersRegistered(k: Kafka, host: string, zkHome: string): Probe {
  const ids = zkBrokerIds(zkHome, k.zookeeper.port);
  const count = sh`echo "$(${raw(ids)})" | tr ',' '\n' | grep -c '[0-9]'`;
  return {
    kind: 'output-matches',
    command: sh`for i in $(seq 90); do [ "$(${raw(count)})" -ge ${k.brokers.length} ] && break; sleep 1; done; ${raw(count)}`,
    pattern: `^${k.brokers.length}$`,
    hosts: [host],
  };
}

/**
 * `/upgrade <site> kafka`: refuses while a consumer group has lag or the ensemble is unhealthy; stops Kafka then
 * ZooKeeper (gated), backs everything up by `mv` (gated; each path once, backup absent), redeploys ZooKeeper and
 * Kafka through ADM (manual), verifies the brokers registered and the ensemble serving with a leader.
 */
export const upgradeKafka = defineRunbook({
  id: RUNBOOK,
  title: 'Redeploy Kafka and ZooKeeper through ADM',
  args: z.object({ instance: z.string().min(1).optional() }),
  build(site, { instance }) {
    const spec = requireSpec(RUNBOOK, site);
    const k =
      instance === undefined ? spec.middleware.kafka[0] : spec.middleware.kafka.find((x) => x.name === instance);
    if (k === undefined)
      throw new RunbookInvalidError(
        RUNBOOK,
        undefined,
        `site ${spec.id} has no Kafka${instance === undefined ? '' : ` named ${instance}`} in middleware.kafka`,
      );
    const zk = k.zookeeper;
    const newZk = { home: zk.admLayout?.home ?? '/app/soft/zookeeper', data: zk.admLayout?.data ?? zk.data };
    const newKafka = { home: k.admLayout?.home ?? '/app/soft/kafka', data: k.admLayout?.data ?? k.data };
    const hosts = [...new Set([...k.brokers, ...zk.hosts])];
    const pathsOf = (h: string) => [
      ...(k.brokers.includes(h) ? [k.home, k.data, initScript(k.service)] : []),
      ...(zk.hosts.includes(h) ? [zk.home, zk.data, initScript(zk.service)] : []),
    ];
    const backup = moveAsideStep({
      id: 'k04-backup',
      title: `Back up Kafka and ZooKeeper homes, data and init scripts by mv to _bak`,
      prompt: `Move the Kafka and ZooKeeper homes, data and init scripts to _bak on ${hosts.join(', ')}?`,
      hosts: hosts.map((host) => ({ host, paths: pathsOf(host) })),
      free: { path: topDir(newKafka.home), minBytes: 64 * 1024 * 1024 },
      alsoBefore: [
        ...k.brokers.map((h) => ({ kind: 'service' as const, name: k.service, state: 'stopped' as const, hosts: [h] })),
        ...zk.hosts.map((h) => ({ kind: 'service' as const, name: zk.service, state: 'stopped' as const, hosts: [h] })),
      ],
    });
    const ready = stateCheck(spec, k, {
      id: 'k01-ready',
      title: 'Refuse while a consumer group has lag or ZooKeeper is unhealthy',
      zkHome: zk.home,
      checkLag: true,
      waitSeconds: 30,
    });
    ready.preconditions = backup.preconditions.filter((p) => p.kind === 'path-absent' || p.kind === 'path-exists');
    const adm = spec.adm.mode === 'scripted' ? spec.adm.command : undefined;
    const zkIps = zk.hosts.map((h) => addressOf(spec, h));
    const zkInstance = componentInstance(k.admInstance, 'ZooKeeper');
    const stopKafka = stopServicesStep({
      id: 'k02-stop-kafka',
      title: `Stop Kafka on ${k.brokers.join(', ')}`,
      prompt: `Stop Kafka (${k.name}) on every broker?`,
      hosts: k.brokers.map((host) => ({ host, services: [k.service] })),
    });
    const stopZk = stopServicesStep({
      id: 'k03-stop-zookeeper',
      title: `Stop ZooKeeper on ${zk.hosts.join(', ')}`,
      prompt: `Stop the ZooKeeper ensemble of ${k.name}?`,
      hosts: zk.hosts.map((host) => ({ host, services: [zk.service] })),
    });
    // Started again in the rollback: the ensemble must serve before Kafka starts, and the brokers must register.
    // (ZooKeeper's `status` fails until a quorum serves, so the start is verified by waiting for that instead.)
    const zkUndo = stopZk.rollback?.steps[0];
    if (zkUndo !== undefined) zkUndo.verify = zk.hosts.map((h) => zkServing(h, zk.port));
    stopKafka.rollback?.steps[0]?.verify.push(brokersRegistered(k, zk.hosts[0] ?? '', zk.home));
    const steps: StepInput[] = [
      ready,
      stopKafka,
      stopZk,
      backup,
      admInstallStep({
        id: 'k05-adm-zookeeper',
        product: 'ZooKeeper ensemble',
        instance: zkInstance,
        hosts: zk.hosts,
        adm,
        parameters: { hosts: zkIps.join(','), port: String(zk.port), home: newZk.home, data: newZk.data },
        standIn: (h, i) =>
          sh`${adm ?? ''} install zookeeper --instance ${zkInstance} --id ${i + 1} --hosts ${zkIps.join(',')} --port ${zk.port} --home ${newZk.home} --data ${newZk.data}`,
        service: zk.service,
        alsoVerify: zk.hosts.map((h) => zkServing(h, zk.port)),
      }),
      admInstallStep({
        id: 'k06-adm-kafka',
        product: 'Kafka cluster',
        instance: k.admInstance,
        hosts: k.brokers,
        adm,
        parameters: {
          brokers: k.brokers.map((h) => addressOf(spec, h)).join(','),
          zookeeper: zkIps.map((ip) => `${ip}:${zk.port}`).join(','),
          port: String(k.port),
          home: newKafka.home,
          data: newKafka.data,
        },
        standIn: (h, i) =>
          sh`${adm ?? ''} install kafka --instance ${k.admInstance} --id ${i + 1} --zookeeper ${zkIps.map((ip) => `${ip}:${zk.port}`).join(',')} --port ${k.port} --home ${newKafka.home} --data ${newKafka.data}`,
        service: k.service,
      }),
      stateCheck(spec, k, {
        id: 'k07-verify',
        title: 'Verify: every broker registered, the ensemble healthy with a leader',
        zkHome: newZk.home,
        checkLag: false,
        waitSeconds: 60,
      }),
    ];
    return {
      runbook: RUNBOOK,
      site: site.name,
      title: `Upgrade Kafka ${k.name} at ${spec.id} through ADM`,
      args: instance === undefined ? {} : { instance },
      steps,
    };
  },
  evaluators: { 'upgrade-kafka.state': kafkaStateEvaluator },
});
