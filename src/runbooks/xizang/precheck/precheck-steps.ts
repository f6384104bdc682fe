import type { StepInput } from '../../../core/plan/step-schema.ts';
import type { Paas } from '../../../core/sites/paas-schema.ts';
import { sh } from '../../../core/shell-quote.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import { addressOf, hostTargets } from '../shared/xizang-site.ts';
import { listeningPorts, readVersionFile, serviceState, zkBrokerIds, zkFourLetter } from './precheck-commands.ts';
import { redisAuthParts, withStdinSecrets } from './redis-auth-checks.ts';
import { redisCli } from '../redis/redis-cli.ts';
import { section, sections } from '../shared/sections.ts';

/** Precheck items 1-4: access, versions, the CSB Redis on its own hosts, node counts measured live. */

/** A check step as a runbook writes it (before defaults). */
export type CheckInput = Extract<StepInput, { kind: 'check' }>;
type Input = CheckInput;
/** Precheck items are advisory: every item reports, a failing one does not stop the others. */
export const check = (s: Omit<CheckInput, 'kind'>): CheckInput => ({ ...s, kind: 'check', advisory: true });

/** Adds `part` to `host`'s command. */
function add(map: Map<string, string[]>, host: string, part: string): void {
  map.set(host, [...(map.get(host) ?? []), part]);
}

function commandsOf(map: Map<string, string[]>): { host: string; command: string; timeoutMs: number }[] {
  return [...map].map(([host, parts]) => ({ host, command: sections(parts), timeoutMs: 60_000 }));
}

function allRedis(spec: SiteFile) {
  return [...spec.middleware.redis, ...spec.middleware.csbRedis];
}

/**
 * 1. Every host answers over SSH with the site file's credentials, and every Redis password of the site file
 * works on every host of its instance (given on stdin; redis.conf compared), see `redisAuthParts`.
 */
export function accessStep(spec: SiteFile): Input {
  const parts = new Map<string, string[]>();
  for (const h of spec.hosts) add(parts, h.name, section('ssh', h.name, 'echo "login ok as $(id -un) on $(hostname)"'));
  const redis = redisAuthParts(spec);
  for (const [host, list] of redis.parts) for (const p of list) add(parts, host, p);
  return check({
    id: 'p01-access',
    title: '1. Every host reachable and every credential working (SSH, Redis passwords)',
    targets: hostTargets(spec.hosts.map((h) => h.name)),
    commands: [...parts].map(([host, list]) => withStdinSecrets(host, sections(list), redis.secrets.get(host), 60_000)),
    evaluator: 'precheck.access',
  });
}

/**
 * 2. Platform jars, pyscript, SpringBoot scripts and the yum repo are the versions (or checksums) the site file
 * expects.
 */
export function versionsStep(p: Paas, paasHosts: readonly string[]): Input {
  const artefacts = { platform: p.platform, pyscript: p.pyscript, springboot: p.springboot, yum: p.yum };
  const libDir = `${p.platform.path.slice(0, p.platform.path.lastIndexOf('/'))}/lib`;
  const parts = Object.entries(artefacts).map(([name, a]) => section('artefact', name, readVersionFile(a.path)));
  parts.push(section('jars', 'platform', sh`ls -1 ${libDir} | grep -E ${String.raw`\.jar$`}`));
  return check({
    id: 'p02-versions',
    title: '2. PaaS versions: platform jars 3.1.6 final, pyscript, SpringBoot scripts, yum repo the latest',
    targets: hostTargets(paasHosts, { group: p.groups?.[0] ?? 'paas' }),
    commands: paasHosts.map((host) => ({ host, command: sections(parts) })),
    evaluator: 'precheck.versions',
    evaluatorArgs: {
      expected: Object.fromEntries(
        Object.entries(artefacts).map(([k, a]) => [
          k,
          { version: a.version ?? null, sha256: a.sha256 ?? null, path: a.path },
        ]),
      ),
    },
  });
}

/**
 * 3. The CSB gateway's Redis runs on hosts of its own: no other middleware in the site file, nothing else listening.
 */
export function csbRedisStep(spec: SiteFile): Input {
  const csb = spec.middleware.csbRedis;
  const hosts = csb.flatMap((r) => [r.master, ...r.replicas]);
  const others = [
    ...spec.middleware.redis.flatMap((r) => [r.master, ...r.replicas].map((h) => [h, r.name])),
    ...spec.middleware.kafka.flatMap((k) => [...k.brokers, ...k.zookeeper.hosts].map((h) => [h, k.name])),
    ...spec.middleware.fastdfs.flatMap((f) => [...f.tracker.hosts, ...f.storage.hosts].map((h) => [h, f.name])),
  ].filter(([h]) => hosts.includes(h ?? ''));
  const target = hosts.length > 0 ? hosts : [spec.hosts[0]?.name ?? ''];
  return check({
    id: 'p03-csb-redis',
    title: '3. The CSB gateway Redis is deployed on its own hosts',
    targets: hostTargets(target),
    commands: target.map((host) => ({ host, command: sections([section('listening', host, listeningPorts())]) })),
    evaluator: 'precheck.csb-redis',
    evaluatorArgs: { csbHosts: hosts, sharedWith: others, allowedPorts: [22, ...csb.map((r) => r.port)] },
  });
}

/**
 * 4. Node counts measured live: FastDFS trackers, Redis cluster / replication + keepalived VIP, Kafka brokers and
 * ZooKeeper.
 */
export function nodeCountsStep(spec: SiteFile): Input {
  const parts = new Map<string, string[]>();
  const m = spec.middleware;
  for (const f of m.fastdfs) {
    const t = f.tracker.hosts[0];
    if (t !== undefined)
      add(
        parts,
        t,
        section(
          'trackers',
          f.name,
          sh`fdfs_monitor ${'/etc/fdfs/client.conf'} | grep -E '^(server_count|tracker server)'`,
        ),
      );
  }
  for (const r of allRedis(spec)) {
    add(parts, r.master, section('replication', r.name, redisCli(r, ['INFO', 'replication'])));
    if (r.vip !== undefined)
      add(
        parts,
        r.master,
        section('vip', r.name, sh`ip -o -4 addr show | grep -qw ${r.vip} && echo held || echo absent`),
      );
    if (r.keepalived)
      for (const h of [r.master, ...r.replicas])
        add(parts, h, section('keepalived', `${r.name} ${h}`, serviceState(r.keepalived.service)));
  }
  for (const c of m.redisClusters) {
    const n = c.nodes[0];
    if (n !== undefined)
      add(
        parts,
        n.host,
        section('cluster', c.name, redisCli({ home: c.home, config: c.config, port: n.port }, ['CLUSTER', 'NODES'])),
      );
  }
  for (const k of m.kafka) {
    for (const h of k.zookeeper.hosts)
      add(parts, h, section('zk', `${k.name} ${h}`, zkFourLetter(k.zookeeper.port, 'srvr')));
    const z = k.zookeeper.hosts[0];
    if (z !== undefined) add(parts, z, section('brokers', k.name, zkBrokerIds(k.zookeeper.home, k.zookeeper.port)));
  }
  const expected = {
    fastdfs: m.fastdfs.map((f) => ({ name: f.name, trackers: 3 })),
    redis: allRedis(spec).map((r) => ({
      name: r.name,
      replicas: r.replicas.length,
      vip: r.vip ?? null,
      keepalived: r.keepalived !== undefined,
      hosts: [r.master, ...r.replicas],
    })),
    clusters: m.redisClusters.map((c) => c.name),
    kafka: m.kafka.map((k) => ({
      name: k.name,
      brokers: 3,
      zookeeper: 3,
      zkHosts: k.zookeeper.hosts,
      vipAddress: null,
    })),
  };
  return check({
    id: 'p04-node-counts',
    title: '4. Node counts (live): trackers = 3, Redis 1+1 with keepalived and the VIP, Kafka 3 + ZooKeeper 3',
    targets: hostTargets([...parts.keys()]),
    commands: commandsOf(parts),
    evaluator: 'precheck.node-counts',
    evaluatorArgs: {
      expected,
      addresses: Object.fromEntries(spec.hosts.map((h) => [h.name, addressOf(spec, h.name)])),
    },
  });
}
