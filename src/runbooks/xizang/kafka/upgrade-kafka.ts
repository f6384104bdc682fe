import { z } from 'zod';
import { RunbookInvalidError } from '../../../core/plan/runbook-errors.ts';
import type { StepInput } from '../../../core/plan/step-schema.ts';
import { sh } from '../../../core/shell-quote.ts';
import { defineRunbook } from '../../../core/ports/runbook.ts';
import { kafkaStateEvaluator } from './kafka-state-evaluator.ts';
import { brokersRegistered, kafkaStateCheck, zkServing } from './kafka-state-check.ts';
import { admInstallStep } from '../adm/adm-install-step.ts';
import { isPlaceProbe, moveAsideStep } from '../shared/move-aside.ts';
import { stopServicesStep } from '../shared/service-steps.ts';
import { serviceProbe, type SiteService } from '../shared/site-services.ts';
import { kafkaService, zookeeperService } from './kafka-services.ts';
import { addressOf, componentInstance, initScript, requireSpec, topDir } from '../shared/xizang-site.ts';
import { siteCheckPrograms, siteCheckStep } from '../site-check/site-check-step.ts';

const RUNBOOK = 'upgrade-kafka';

/** `s` judged by its process and port only. */
function withoutAnswer(s: SiteService): SiteService {
  const { answer: _answer, ...rest } = s;
  return rest;
}

/**
 * `/upgrade <site> kafka`: reads the Kafka version first and refuses one whose tools it does not know, then refuses
 * while a consumer group has lag (after waiting up to the site's `drainSeconds` for it to drain), a config differs from the site file or the ensemble is unhealthy; stops Kafka then
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
    // The installs as the state checks read them: before, the site's; after, ADM's (its config in its home).
    const oldInstalls = {
      kafka: { name: k.name, home: k.home, config: k.config, port: k.port, data: k.data },
      zookeeper: { home: zk.home, config: zk.config, port: zk.port, data: zk.data },
    };
    const newInstalls = {
      kafka: {
        ...oldInstalls.kafka,
        ...newKafka,
        config: k.admLayout?.config ?? `${newKafka.home}/config/server.properties`,
      },
      zookeeper: { ...oldInstalls.zookeeper, ...newZk, config: zk.admLayout?.config ?? `${newZk.home}/conf/zoo.cfg` },
    };
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
        ...k.brokers.map((h) => serviceProbe(kafkaService(k), 'stopped', [h])),
        ...zk.hosts.map((h) => serviceProbe(zookeeperService(zk), 'stopped', [h])),
      ],
    });
    const ready = kafkaStateCheck(spec, k, {
      id: 'k01-ready',
      title:
        'Refuse on an unknown Kafka version, consumer lag, a config the site file does not describe, or ZooKeeper unhealthy',
      ...oldInstalls,
      checkLag: true,
      waitSeconds: 30,
      drainSeconds: k.drainSeconds,
    });
    ready.preconditions = backup.preconditions.filter(isPlaceProbe);
    const adm = spec.adm.mode === 'scripted' ? spec.adm.command : undefined;
    const zkIps = zk.hosts.map((h) => addressOf(spec, h));
    const zkInstance = componentInstance(k.admInstance, 'ZooKeeper');
    const stopKafka = stopServicesStep({
      id: 'k02-stop-kafka',
      title: `Stop Kafka on ${k.brokers.join(', ')}`,
      prompt: `Stop Kafka (${k.name}) on every broker?`,
      hosts: k.brokers.map((host) => ({ host, services: [kafkaService(k)] })),
    });
    const stopZk = stopServicesStep({
      id: 'k03-stop-zookeeper',
      title: `Stop ZooKeeper on ${zk.hosts.join(', ')}`,
      prompt: `Stop the ZooKeeper ensemble of ${k.name}?`,
      hosts: zk.hosts.map((host) => ({ host, services: [zookeeperService(zk)] })),
    });
    // Started again in the rollback: the ensemble must serve before Kafka starts, and the brokers must register.
    // (ZooKeeper's `status` fails until a quorum serves, so the start is verified by waiting for that instead.)
    const zkUndo = stopZk.rollback?.steps[0];
    if (zkUndo !== undefined) zkUndo.verify = zk.hosts.map((h) => zkServing(h, addressOf(spec, h), zk.port));
    stopKafka.rollback?.steps[0]?.verify.push(
      brokersRegistered(oldInstalls.kafka, k.brokers[0] ?? '', k.brokers.length),
    );
    const index = spec.middleware.kafka.indexOf(k);
    const steps: StepInput[] = [
      siteCheckStep(RUNBOOK, spec, {
        id: 'k00-site-check',
        title: `The live site against the site file: any difference in ${k.name}, its ZooKeeper or on their hosts stops the run here`,
        scope: {
          what: `${k.name} (middleware.kafka[${index}]) and its hosts`,
          sections: [['middleware', 'kafka', index]],
          hosts,
        },
      }),
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
        // Running is the process and its port here; serving (a Mode from srvr) comes once the ensemble has
        // elected a leader, a few seconds later: zkServing waits for it.
        service: withoutAnswer(zookeeperService({ service: zk.admLayout?.service ?? zk.service, port: zk.port })),
        alsoVerify: zk.hosts.map((h) => zkServing(h, addressOf(spec, h), zk.port)),
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
        service: kafkaService({ service: k.admLayout?.service ?? k.service, port: k.port }),
      }),
      kafkaStateCheck(spec, k, {
        id: 'k07-verify',
        title: 'Verify: every broker registered, the ensemble healthy with a leader',
        ...newInstalls,
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
  programs: siteCheckPrograms(RUNBOOK),
});
