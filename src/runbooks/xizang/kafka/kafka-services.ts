import type { Kafka } from '../../../core/sites/middleware-schema.ts';
import { tcpAsk, type SiteService } from '../shared/site-services.ts';

/**
 * A Kafka broker: `kafka-server-start.sh` ends in `exec java … kafka.Kafka CONFIG` (bin/kafka-run-class.sh), so
 * the main class is on the process's command line; it listens on the broker port. Whether it joined the cluster
 * is its registration in ZooKeeper, checked by the phase's state check.
 */
export function kafkaService(k: Pick<Kafka, 'service' | 'port'>): SiteService {
  return { name: k.service, process: 'kafka.Kafka', port: k.port };
}

/**
 * A ZooKeeper server: zkServer.sh runs `java … org.apache.zookeeper.server.quorum.QuorumPeerMain zoo.cfg`; it
 * serves when it answers `srvr` (the one four-letter word 3.5's default whitelist allows) with its mode.
 */
export function zookeeperService(zk: Pick<Kafka['zookeeper'], 'service' | 'port'>): SiteService {
  return {
    name: zk.service,
    process: 'org.apache.zookeeper.server.quorum.QuorumPeerMain',
    port: zk.port,
    answer: { command: tcpAsk(zk.port, 'srvr'), pattern: '^Mode: (leader|follower|standalone)' },
  };
}
