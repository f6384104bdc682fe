import { confOf, serviceOf, type ProcFacts } from './host-facts.ts';
import { hostOfAddress, parentOf, type DiscoverInput, type Draft, type Drafted } from './discovered-site.ts';

interface Found {
  readonly host: string;
  readonly p: ProcFacts;
}

function configOf(p: ProcFacts, ext: string): string | undefined {
  const words = p.args.split(/\s+/).filter((w) => w.startsWith('/') && w.endsWith(ext));
  return words[words.length - 1];
}

function zookeeperOf(input: DiscoverInput, connect: string, zks: readonly Found[], notes: string[]): Draft | undefined {
  const members = connect
    .split('/')[0]
    ?.split(',')
    .map((a) => a.trim().split(':')[0] ?? '')
    .map((a) => hostOfAddress(input, a));
  const hosts = zks.filter((z) => members?.includes(z.host));
  const first = hosts[0];
  if (first === undefined) {
    notes.push(`Kafka with zookeeper.connect=${connect}: no ZooKeeper of it found on the hosts read`);
    return undefined;
  }
  const config = confOf(first.p, 'file') ?? configOf(first.p, '.cfg') ?? '';
  const home = parentOf(config, 2);
  const facts = input.facts.get(first.host);
  return {
    hosts: hosts.map((z) => z.host),
    port: Number(confOf(first.p, 'clientPort') ?? first.p.ports[0] ?? 2181),
    home,
    data: confOf(first.p, 'dataDir') ?? `${home}/data`,
    config,
    service: (facts && serviceOf(facts, { home, config })) ?? 'zookeeper',
  };
}

/**
 * The Kafka clusters the hosts run: brokers grouped by their `zookeeper.connect`, each with the ZooKeeper ensemble
 * that string names (the servers found running `QuorumPeerMain` at those addresses). Layout from the first broker:
 * its config (the `.properties` of its command line), home (above `config/`), `log.dirs` and listener port.
 */
export function draftKafka(input: DiscoverInput): Drafted<Draft[]> {
  const notes: string[] = [];
  const brokers: Found[] = [];
  const zks: Found[] = [];
  for (const h of input.hosts)
    for (const p of input.facts.get(h.name)?.procs ?? []) {
      if (p.args.includes('kafka.Kafka')) brokers.push({ host: h.name, p });
      if (p.args.includes('QuorumPeerMain')) zks.push({ host: h.name, p });
    }
  const byConnect = new Map<string, Found[]>();
  for (const b of brokers) {
    const c = confOf(b.p, 'zookeeper.connect') ?? '';
    byConnect.set(c, [...(byConnect.get(c) ?? []), b]);
  }
  const out: Draft[] = [];
  for (const [connect, list] of byConnect) {
    const first = list[0];
    if (first === undefined) continue;
    const zookeeper = zookeeperOf(input, connect, zks, notes);
    if (zookeeper === undefined) continue;
    const config = configOf(first.p, '.properties') ?? '';
    const home = /\/config\/[^/]+$/.test(config) ? parentOf(config, 2) : first.p.cwd;
    const listener = /:(\d+)\s*$/.exec(confOf(first.p, 'listeners')?.split(',')[0] ?? '')?.[1];
    const facts = input.facts.get(first.host);
    const name = `kafka-${out.length + 1}`;
    out.push({
      name,
      admInstance: `TODO ${name}`,
      brokers: list.map((b) => b.host),
      port: Number(listener ?? first.p.ports[0] ?? 9092),
      home,
      data: (confOf(first.p, 'log.dirs') ?? `${home}/logs`).split(',')[0],
      config,
      service: (facts && serviceOf(facts, { home, config })) ?? 'kafka',
      zookeeper,
    });
  }
  return { value: out, notes };
}
