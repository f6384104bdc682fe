import type { SiteDifference } from '../../../core/sites/site-difference.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import { argsName, isDifference, listening, probeOf, type ProbeView } from './probe-view.ts';
import type { SiteReading } from './read-site.ts';

type Kafka = SiteFile['middleware']['kafka'][number];

/**
 * A Kafka instance against the site: each broker listens on its port from its home with its config, at the version
 * the file states, and the broker.id its server.properties gives is registered in ZooKeeper by that very host; no
 * other host is registered. Each ZooKeeper server listens from its home with its config, serves in the ensemble
 * (leader or follower), and its config lists exactly the file's ZooKeeper hosts as members.
 */
export function compareKafka(spec: SiteFile, index: number, reading: SiteReading): SiteDifference[] {
  const k = spec.middleware.kafka[index] as Kafka;
  const base = ['middleware', 'kafka', index] as const;
  const addressOf = new Map(spec.hosts.map((h) => [h.name, h.address]));
  const out: SiteDifference[] = [];
  const regs = registrations(spec, k, index, reading, out);
  k.brokers.forEach((host, j) => {
    const p = probeOf(reading, host, `kafka.${index}`, { path: [...base, 'port'], what: k.name });
    if (p === undefined) return;
    if (isDifference(p)) return void out.push(p);
    const down = listening(p, { path: [...base, 'port'], what: `the Kafka broker of ${k.name}`, port: k.port });
    if (down !== undefined) return void out.push(down);
    const at = { port: k.port };
    const home = argsName(p, `${k.home.replace(/\/+$/, '')}/`, {
      ...at,
      path: [...base, 'home'],
      says: `the broker runs from ${k.home} on ${host}`,
    });
    const config = argsName(p, k.config, { ...at, path: [...base, 'config'], says: `the broker reads ${k.config}` });
    for (const d of [home, config]) if (d !== undefined) out.push(d);
    const version = p.value('version');
    if (k.version !== undefined && version !== k.version)
      out.push({
        path: [...base, 'version'],
        says: `${k.name} is Kafka ${k.version} on ${host}`,
        has: `Kafka ${version ?? 'unknown'}`,
        evidence: 'the kafka_SCALA-VERSION.jar its class path (or its home libs/) holds',
      });
    const id = p.value('broker.id');
    if (regs === undefined) return;
    const reg = id === undefined ? undefined : regs.get(id);
    const address = addressOf.get(host) ?? '';
    if (id === undefined || reg === undefined || !registeredBy(reg, { name: host, address }))
      out.push({
        path: [...base, 'brokers', j],
        says: `${host} (${address}) is a broker of ${k.name}`,
        has:
          id === undefined
            ? `no broker.id in ${k.config}`
            : reg === undefined
              ? `its ${k.config} says broker.id=${id}, which is not registered in ZooKeeper`
              : `its ${k.config} says broker.id=${id}, and ZooKeeper /brokers/ids/${id} is registered by ${reg}`,
        evidence: `${k.config} broker.id; zkCli get /brokers/ids/${id ?? '?'}`,
      });
  });
  compareZooKeeper(spec, k, index, reading, out);
  return out;
}

/**
 * Whether a registration `HOST:PORT` in ZooKeeper is the broker on `host`. A broker registers its advertised
 * listeners, and a listener with no host (`listeners=PLAINTEXT://:9092`, no `advertised.listeners`) is registered
 * under the machine's canonical host name, not its address (Kafka 2.3.0, `KafkaServer.createBrokerInfo`:
 * `InetAddress.getLocalHost.getCanonicalHostName` for a blank host). So the host's address, its site-file name, or
 * that name as the first label of a FQDN all name it.
 */
function registeredBy(at: string, host: { readonly name: string; readonly address: string }): boolean {
  const colon = at.lastIndexOf(':');
  const bare = at.startsWith('[') ? at.slice(1, at.indexOf(']')) : colon < 0 ? at : at.slice(0, colon);
  const where = bare.toLowerCase();
  const name = host.name.toLowerCase();
  return where === host.address || where === name || where.startsWith(`${name}.`);
}

/** `broker id → HOST:PORT` as ZooKeeper holds them; a registration by no broker host of the file is a difference. */
function registrations(
  spec: SiteFile,
  k: Kafka,
  index: number,
  reading: SiteReading,
  out: SiteDifference[],
): Map<string, string> | undefined {
  const first = k.zookeeper.hosts[0];
  if (first === undefined) return undefined;
  const path = ['middleware', 'kafka', index, 'brokers'] as const;
  const p = probeOf(reading, first, `brokers.${index}`, { path, what: 'the broker ids ZooKeeper holds' });
  if (p === undefined) return undefined;
  if (isDifference(p)) return (void out.push(p), undefined);
  const error = p.value('error');
  if (error !== undefined) {
    out.push({ path, says: `ZooKeeper holds the brokers of ${k.name}`, has: 'no answer', evidence: error });
    return undefined;
  }
  const regs = new Map(
    p.values('reg').map((r) => {
      const [id = '', at = ''] = r.split(' ');
      return [id, at] as const;
    }),
  );
  const brokers = k.brokers.map((b) => ({ name: b, address: spec.hosts.find((h) => h.name === b)?.address ?? '' }));
  for (const [id, at] of regs)
    if (!brokers.some((b) => registeredBy(at, b)))
      out.push({
        path,
        says: `the brokers of ${k.name} are ${k.brokers.join(', ')}`,
        has: `broker ${id} registered by ${at}, which is none of them`,
        evidence: `zkCli get /brokers/ids/${id} on ${first}`,
      });
  return regs;
}

function compareZooKeeper(spec: SiteFile, k: Kafka, index: number, reading: SiteReading, out: SiteDifference[]): void {
  const z = k.zookeeper;
  const base = ['middleware', 'kafka', index, 'zookeeper'] as const;
  const wanted = z.hosts.map((h) => spec.hosts.find((x) => x.name === h)?.address ?? h);
  z.hosts.forEach((host, j) => {
    const p = probeOf(reading, host, `zookeeper.${index}`, { path: [...base, 'port'], what: 'ZooKeeper' });
    if (p === undefined) return;
    if (isDifference(p)) return void out.push(p);
    const down = listening(p, { path: [...base, 'port'], what: `ZooKeeper of ${k.name}`, port: z.port });
    if (down !== undefined) return void out.push(down);
    const at = { port: z.port };
    const home = argsName(p, `${z.home.replace(/\/+$/, '')}/`, {
      ...at,
      path: [...base, 'home'],
      says: `ZooKeeper runs from ${z.home} on ${host}`,
    });
    const config = argsName(p, z.config, { ...at, path: [...base, 'config'], says: `ZooKeeper reads ${z.config}` });
    for (const d of [home, config]) if (d !== undefined) out.push(d);
    zooKeeperState(p, { z, host, path: [...base, 'hosts', j], base, wanted, out });
  });
}

function zooKeeperState(
  p: ProbeView,
  c: {
    z: Kafka['zookeeper'];
    host: string;
    path: readonly (string | number)[];
    base: readonly (string | number)[];
    wanted: readonly string[];
    out: SiteDifference[];
  },
): void {
  const { z, host, out } = c;
  const error = p.value('error');
  const mode = p.value('mode');
  const version = p.value('version');
  if (error !== undefined)
    out.push({ path: c.path, says: `${host} serves ZooKeeper`, has: 'no answer to srvr', evidence: error });
  else if (z.hosts.length > 1 && mode !== 'leader' && mode !== 'follower')
    out.push({
      path: c.path,
      says: `${host} is a member of the ${z.hosts.length}-server ensemble`,
      has: `it serves in mode ${mode ?? 'unknown'}`,
      evidence: `srvr Mode: ${mode ?? '?'}`,
    });
  if (z.version !== undefined && error === undefined && version !== z.version)
    out.push({
      path: [...c.base, 'version'],
      says: `ZooKeeper ${z.version} on ${host}`,
      has: `ZooKeeper ${version ?? 'unknown'}`,
      evidence: 'srvr Zookeeper version',
    });
  const members = p.values('member').map((m) => m.split(' ')[1] ?? '');
  const conf = p.value('conf') ?? z.config;
  const same = members.length === c.wanted.length && c.wanted.every((a) => members.includes(a));
  if (members.length > 0 && !same)
    out.push({
      path: [...c.base, 'hosts'],
      says: `the ensemble is ${c.wanted.join(', ')}`,
      has: `${host}'s ensemble is ${members.join(', ')}`,
      evidence: `server.N lines of ${conf}`,
    });
}
