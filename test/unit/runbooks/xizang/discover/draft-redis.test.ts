import { describe, expect, it } from 'vitest';
import { draftRedis } from '../../../../../src/runbooks/xizang/discover/draft-redis.ts';
import { readHostFacts } from '../../../../../src/runbooks/xizang/discover/host-facts.ts';

/** What `discoverProbe` prints on a Redis host with keepalived (lines as the lab's hosts print them). */
function redisHost(addr: string, role: string[], vip?: string) {
  return readHostFacts([
    `addr=${addr}`,
    ...(vip === undefined ? [] : [`addr=${vip}`]),
    'listen=100 6379',
    'proc=100 root /usr/bin/redis-check-rdb /data',
    'args=100 /opt/redis/bin/redis-server 0.0.0.0:6379',
    'proc=141 root /usr/sbin/keepalived /',
    'args=141 /opt/keepalived/sbin/keepalived -f /etc/keepalived/keepalived.conf',
    'svc=redis /opt/redis /opt/redis/bin/redis-server /etc/redis/redis.conf',
    'svc=redis-server /usr/bin/redis-server /etc/redis/redis.conf',
    'svc=keepalived /opt/keepalived/sbin/keepalived /etc/keepalived/keepalived.conf',
    'prog=100 /opt/redis/bin/redis-server',
    'conf=100 file /etc/redis/redis.conf',
    'conf=100 requirepass set',
    ...role.map((r) => `redis=100 ${r}`),
    'conf=100 dir /data/redis',
    'prog=141 /opt/keepalived/sbin/keepalived',
    'conf=141 file /etc/keepalived/keepalived.conf',
    'conf=141 vrrp VI_1 51 10.0.0.100',
  ]);
}

describe('draftRedis', () => {
  const hosts = [
    { name: 'r1', address: '10.0.0.1', groups: ['redis'] },
    { name: 'r2', address: '10.0.0.2', groups: ['redis'] },
  ];

  it("drafts one pair per master: replicas from INFO, the VIP of the keepalived beside it, the site's own service", () => {
    const facts = new Map([
      ['r1', redisHost('10.0.0.1', ['role:master', 'slave0:ip=10.0.0.2,port=6379,state=online'], '10.0.0.100')],
      ['r2', redisHost('10.0.0.2', ['role:slave', 'master_host:10.0.0.1'])],
    ]);
    const { value, notes } = draftRedis({ hosts, facts });
    expect(value.csbRedis).toEqual([]);
    expect(value.redis).toEqual([
      {
        name: 'redis-1',
        admInstance: 'TODO redis-1',
        master: 'r1',
        replicas: ['r2'],
        port: 6379,
        vip: '10.0.0.100',
        password: { env: 'REDIS_1_PASSWORD' },
        home: '/opt/redis',
        data: '/data/redis',
        config: '/etc/redis/redis.conf',
        service: 'redis',
        keepalived: { home: '/opt/keepalived', config: '/etc/keepalived/keepalived.conf', service: 'keepalived' },
      },
    ]);
    expect(notes).toEqual(['r1: keepalived VRRP instance VI_1 (virtual_router_id 51, VIP 10.0.0.100)']);
  });

  it('puts a pair whose hosts are in the csb group under csbRedis and notes a replica outside the list', () => {
    const facts = new Map([['r1', redisHost('10.0.0.1', ['role:master', 'slave0:ip=10.0.0.9,port=6379'])]]);
    const { value, notes } = draftRedis({ hosts: [{ name: 'r1', address: '10.0.0.1', groups: ['csb'] }], facts });
    expect(value.redis).toEqual([]);
    expect(value.csbRedis.map((r) => [r.name, r.replicas])).toEqual([['csb-redis-1', []]]);
    expect(notes).toContain('r1:6379: replica 10.0.0.9 is not in the hosts file');
  });
});
