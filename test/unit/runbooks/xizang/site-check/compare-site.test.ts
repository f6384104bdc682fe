import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSite } from '../../../../../src/adapters/files/load-site.ts';
import type { SiteFile } from '../../../../../src/core/sites/site-schema.ts';
import { compareObTopology } from '../../../../../src/runbooks/xizang/site-check/compare-ob-topology.ts';
import { compareSite } from '../../../../../src/runbooks/xizang/site-check/compare-site.ts';
import type {
  HostReading,
  ProbeReading,
  SiteReading,
} from '../../../../../src/runbooks/xizang/site-check/read-site.ts';
import { siteCheckProbes } from '../../../../../src/runbooks/xizang/site-check/site-check-probes.ts';

const SITE_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  '..',
  '..',
  'lab',
  'sites',
  'xizang.yml',
);

let spec: SiteFile;
beforeAll(async () => {
  const loaded = await loadSite(SITE_FILE, { env: {}, checkSecrets: false });
  if (!loaded.ok) throw new Error('the lab site file does not load');
  spec = loaded.value.site;
});

const addr = (host: string): string => spec.hosts.find((h) => h.name === host)?.address ?? '?';

/** What each probe of a site exactly as its file describes it would print. */
function healthy(): Map<string, Map<string, string[]>> {
  const m = spec.middleware;
  const out = new Map<string, Map<string, string[]>>();
  const put = (host: string, id: string, lines: string[]) => {
    const probes = out.get(host) ?? new Map<string, string[]>();
    probes.set(id, lines);
    out.set(host, probes);
  };
  const proc = (args: string) => ['pid=100', 'exe=/usr/bin/x', 'cwd=/', `args=${args}`];
  for (const key of ['redis', 'csbRedis'] as const)
    m[key].forEach((r, i) =>
      [r.master, ...r.replicas].forEach((h, j) =>
        put(h, `${key}.${i}`, [
          ...proc(`${r.home}/bin/redis-server 0.0.0.0:${r.port}`),
          'redis_version=7.0.15',
          `executable=${r.home}/bin/redis-server`,
          `config_file=${r.config}`,
          `tcp_port=${r.port}`,
          j === 0 ? 'role=master' : 'role=slave',
          ...(j === 0 ? [] : [`master_host=${addr(r.master)}`]),
          'addr=127.0.0.1',
          `addr=${addr(h)}`,
          ...(j === 0 && r.vip ? [`addr=${r.vip}`] : []),
          `keepalived=${r.keepalived?.home ?? ''}/sbin/keepalived -f ${r.keepalived?.config ?? ''}`,
        ]),
      ),
    );
  m.kafka.forEach((k, i) => {
    k.brokers.forEach((h, j) =>
      put(h, `kafka.${i}`, [
        ...proc(`java -cp ${k.home}/libs/x kafka.Kafka ${k.config}`),
        'version=2.3.0',
        `broker.id=${j + 1}`,
      ]),
    );
    const z = k.zookeeper;
    z.hosts.forEach((h) =>
      put(h, `zookeeper.${i}`, [
        ...proc(`java -cp ${z.home}/lib/x QuorumPeerMain ${z.config}`),
        'version=3.5.6',
        'mode=follower',
        `conf=${z.config}`,
        ...z.hosts.map((x, n) => `member=server.${n + 1} ${addr(x)}`),
      ]),
    );
    put(z.hosts[0] ?? '', `brokers.${i}`, [
      'ids=[1, 2, 3]',
      ...k.brokers.map((b, j) => `reg=${j + 1} ${addr(b)}:${k.port}`),
    ]);
  });
  m.fastdfs.forEach((f, i) => {
    for (const h of f.tracker.hosts) put(h, `tracker.${i}`, proc(`fdfs_trackerd ${f.tracker.config}`));
    for (const h of f.storage.hosts) put(h, `storage.${i}`, proc(`fdfs_storaged ${f.storage.config}`));
    put(f.storage.hosts[0] ?? '', `monitor.${i}`, [
      `group=${f.storage.group}`,
      ...f.storage.hosts.map((h) => `storage=${f.storage.group} ${addr(h)}`),
    ]);
    for (const h of f.nginx?.hosts ?? [])
      put(h, `nginx.${i}`, proc(`nginx: master process ${f.nginx?.home ?? ''}/sbin/nginx`));
  });
  return out;
}

function reading(lines: Map<string, Map<string, string[]>>, down: readonly string[] = []): SiteReading {
  const out = new Map<string, HostReading>();
  for (const [host, probes] of lines)
    out.set(
      host,
      down.includes(host)
        ? { kind: 'unreachable', cause: 'connect ECONNREFUSED' }
        : {
            kind: 'read',
            probes: new Map(
              [...probes].map(([id, l]): [string, ProbeReading] => [id, { kind: 'read', exitCode: 0, lines: l }]),
            ),
          },
    );
  return out;
}

/** Replaces the lines of probe `id` on `host` that start with `key=` by `values`. */
function set(lines: Map<string, Map<string, string[]>>, host: string, id: string, key: string, ...values: string[]) {
  const probe = lines.get(host)?.get(id) ?? [];
  lines.get(host)?.set(id, [...probe.filter((l) => !l.startsWith(`${key}=`)), ...values.map((v) => `${key}=${v}`)]);
}

describe('compareSite', () => {
  it('finds nothing when the site answers as its file says', () => {
    expect(compareSite(spec, reading(healthy()))).toEqual([]);
  });

  it('takes a broker registered under its host name, as Kafka does with no advertised host, but not another', () => {
    const k = spec.middleware.kafka[0];
    const zk = k?.zookeeper.hosts[0] ?? '';
    const lines = healthy();
    // Kafka 2.3.0 registers `listeners=PLAINTEXT://:9092` under the canonical host name: a name, or a FQDN.
    set(
      lines,
      zk,
      'brokers.0',
      'reg',
      `1 kafka-1:${k?.port}`,
      `2 kafka-2.site.local:${k?.port}`,
      `3 kafka-3:${k?.port}`,
    );
    expect(compareSite(spec, reading(lines))).toEqual([]);
    set(lines, zk, 'brokers.0', 'reg', `1 kafka-1:${k?.port}`, `2 kafka-3:${k?.port}`, `3 kafka-3:${k?.port}`);
    const found = compareSite(spec, reading(lines));
    expect(found.map((d) => d.path.join('.'))).toEqual(['middleware.kafka.0.brokers.1']);
    expect(found[0]?.has).toMatch(/broker\.id=2, and ZooKeeper \/brokers\/ids\/2 is registered by kafka-3:/);
  });

  it('reads a probe for every instance on every host the file places it on', () => {
    const probes = siteCheckProbes(spec);
    expect(probes.get('redis-a')?.map((p) => p.id)).toEqual(['redis.0']);
    expect(probes.get('kafka-1')?.map((p) => p.id)).toEqual(['kafka.0', 'zookeeper.0', 'brokers.0']);
    expect(probes.get('dns-1')?.map((p) => p.id)).toEqual(['login']);
  });

  it('names a replica that is a master, and the VIP on the wrong host', () => {
    const lines = healthy();
    set(lines, 'redis-b', 'redis.0', 'role', 'master');
    set(lines, 'redis-b', 'redis.0', 'master_host');
    set(lines, 'redis-b', 'redis.0', 'addr', '127.0.0.1', addr('redis-b'), '10.77.0.100');
    set(lines, 'redis-a', 'redis.0', 'addr', '127.0.0.1', addr('redis-a'));
    const d = compareSite(spec, reading(lines));
    expect(d.map((x) => [x.path.join('.'), x.has])).toEqual([
      ['middleware.redis.0.vip', 'redis-a does not hold it'],
      ['middleware.redis.0.replicas.0', 'redis-b is a master'],
      ['middleware.redis.0.vip', 'the replica redis-b holds it'],
    ]);
  });

  it('compares a version only where the file states one', () => {
    const lines = healthy();
    set(lines, 'redis-a', 'redis.0', 'redis_version', '6.2.14');
    expect(compareSite(spec, reading(lines))).toEqual([]);
    const stated: SiteFile = {
      ...spec,
      middleware: { ...spec.middleware, redis: spec.middleware.redis.map((r) => ({ ...r, version: '7.0.15' })) },
    };
    expect(compareSite(stated, reading(lines))).toEqual([
      {
        path: ['middleware', 'redis', 0, 'version'],
        says: 'business-redis is Redis 7.0.15 on redis-a',
        has: 'Redis 6.2.14',
        evidence: 'INFO server redis_version',
      },
    ]);
  });

  it('names a port nothing listens on, without judging the rest of that instance', () => {
    const lines = healthy();
    lines.get('fdfs-2')?.set('storage.0', ['pid=none']);
    expect(compareSite(spec, reading(lines))).toEqual([
      {
        path: ['middleware', 'fastdfs', 0, 'storage', 'port'],
        says: 'the FastDFS storage listens on port 23000 on fdfs-2',
        has: 'nothing listening on port 23000 on fdfs-2',
        evidence: "ss -ltnp 'sport = :23000'",
      },
    ]);
  });

  it('leaves an unreachable host to the caller', () => {
    expect(compareSite(spec, reading(healthy(), ['kafka-2', 'redis-a']))).toEqual([]);
  });
});

describe('compareObTopology', () => {
  it('names a zone of the file the cluster does not have', () => {
    const [z1, z2] = [addr('ob-1'), addr('ob-2')];
    const d = compareObTopology(spec, 0, {
      zones: ['zone1', 'zone2'],
      servers: [
        { ip: z1, port: 2882, zone: 'zone1' },
        { ip: z2, port: 2882, zone: 'zone2' },
      ],
      tenants: [],
    });
    expect(d.map((x) => x.evidence)).toEqual([
      'zone zone3 is in the site file but not in the cluster (DBA_OB_ZONES)',
      `host ob-3 (${addr('ob-3')}) of zone zone3 in the site file is no server of the cluster: no SVR_IP in DBA_OB_SERVERS is ${addr('ob-3')}`,
    ]);
    expect(d[0]?.path).toEqual(['oceanbase', 0, 'zones']);
    expect(d[0]?.has).toBe(`zones zone1 (${z1}), zone2 (${z2})`);
  });
});
