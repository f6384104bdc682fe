import { beforeAll, describe, expect, it } from 'vitest';
import type { SiteFile } from '../../../../../src/core/sites/site-schema.ts';
import { compareObTopology } from '../../../../../src/runbooks/xizang/site-check/compare-ob-topology.ts';
import { compareSite } from '../../../../../src/runbooks/xizang/site-check/compare-site.ts';
import { siteCheckProbes } from '../../../../../src/runbooks/xizang/site-check/site-check-probes.ts';
import { addressIn, healthy as healthyOf, labSpec, reading, set } from './healthy-site.ts';

let spec: SiteFile;
beforeAll(async () => {
  spec = (await labSpec()).site;
});

const addr = (host: string): string => addressIn(spec, host);
const healthy = () => healthyOf(spec);

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
