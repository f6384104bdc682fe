import { beforeAll, describe, expect, it } from 'vitest';
import type { Site } from '../../../../../src/core/sites/site.ts';
import type { Plan } from '../../../../../src/core/plan/step-schema.ts';
import { allCommandText, evaluate, labXizang, registry } from '../xizang-fixture.ts';

let site: Site;
let plan: Plan;
beforeAll(async () => {
  site = await labXizang();
  plan = registry.buildPlan('precheck', site, {});
});

describe('precheck plan', () => {
  it('has the 11 items and the resources document, all read-only advisory checks', () => {
    expect(plan.steps.map((s) => s.id)).toEqual([
      'p01-access',
      'p02-versions',
      'p03-csb-redis',
      'p04-node-counts',
      'p05-adm-deployed',
      'p06-adm-names',
      'p07-adm-instances',
      'p08-centre-a',
      'p09-dns-records',
      'p10-business-config',
      'p11-service-addresses',
      'p12-resources',
    ]);
    for (const s of plan.steps) {
      expect(s.kind).toBe('check');
      expect(s.destructive).toBe(false);
      expect(s.kind === 'check' && s.advisory).toBe(true);
    }
  });

  it('reads Redis passwords on the host into REDISCLI_AUTH, never on a command line', () => {
    const text = allCommandText(plan);
    expect(text).toContain(
      `REDISCLI_AUTH="$(sed -n 's/^[[:space:]]*requirepass[[:space:]][[:space:]]*//p' /etc/redis/redis.conf`,
    );
    expect(text).not.toMatch(/redis-cli[^\n]* -a /);
    expect(text).not.toContain('CONFIG GET');
  });

  it('asks the DNS server for every record the site expects, by real queries', () => {
    const dig = plan.steps.find((s) => s.id === 'p09-dns-records');
    expect(dig?.commands[0]?.command).toContain('dig +short +norecurse');
    expect(dig?.commands[0]?.command).toContain('csb-redis.biz.powercloud.com.');
  });
});

describe('precheck evaluators find what the seed found at Xizang', () => {
  it('counts two trackers out of three', () => {
    const f = evaluate(plan, 'p04-node-counts', {
      'fdfs-1': '@@ trackers business-fastdfs\nserver_count=2, server_index=0\ntracker server is 10.77.0.41:22122\n',
    });
    expect(f.find((x) => x.title.includes('3 trackers'))).toMatchObject({
      status: 'fail',
      evidence: expect.stringMatching(/server_count=2 .*; 1 tracker\(s\) to add/),
    });
  });

  it('passes Redis 1+1 with the VIP and keepalived, and a ZooKeeper ensemble with one leader', () => {
    const f = evaluate(plan, 'p04-node-counts', {
      'redis-a':
        '@@ replication business-redis\r\nrole:master\r\nconnected_slaves:1\r\nslave0:ip=10.77.0.22,port=6379,state=online,offset=1,lag=0\n@@ vip business-redis\nheld\n@@ keepalived business-redis redis-a\nrunning\n',
      'redis-b': '@@ keepalived business-redis redis-b\nrunning\n',
      'kafka-1': '@@ zk business-kafka kafka-1\nMode: leader\n@@ brokers business-kafka\n[1, 2, 3]\n',
      'kafka-2': '@@ zk business-kafka kafka-2\nMode: follower\n',
      'kafka-3': '@@ zk business-kafka kafka-3\nMode: follower\n',
    });
    for (const t of ['1 master + 1 replica', 'holds the VIP', 'keepalived runs', '3 brokers', 'one leader']) {
      expect(f.find((x) => x.title.includes(t))?.status, t).toBe('pass');
    }
  });

  it('fails every middleware that ADM did not deploy, naming the marker it looked for', () => {
    const outputs = Object.fromEntries(
      ['redis-a', 'redis-b', 'csb-redis', 'kafka-1', 'fdfs-1'].map((h) => [h, `@@ markers ${h}\n`]),
    );
    const f = evaluate(plan, 'p05-adm-deployed', outputs);
    expect(f.length).toBeGreaterThanOrEqual(5);
    expect(f.every((x) => x.status === 'fail')).toBe(true);
    expect(f[0]?.evidence).toBe(
      'no ADM redis-ha marker in /app/adm/instances on redis-a, redis-b: redeploy through ADM (planned instance 易联众-公共服务子系统Redis-A)',
    );
  });

  it('reports power-api missing while bind and power-dns run', () => {
    const f = evaluate(plan, 'p08-centre-a', {
      'dns-1':
        '@@ component bind dns-1\nrunning\n@@ component power-dns dns-1\nrunning\n@@ component power-api dns-1\nmissing\n',
    });
    expect(f.map((x) => `${x.title}: ${x.status}`)).toEqual([
      'Centre A has bind: pass',
      'Centre A has power-dns: pass',
      'Centre A has power-api: fail',
    ]);
  });

  it('reports the old PaaS release against the expected versions', () => {
    const f = evaluate(plan, 'p02-versions', {
      'paas-1':
        '@@ artefact platform\nversion=3.1.5\nsha256=ab\n@@ artefact pyscript\nversion=20210618\n@@ jars platform\npowercloud-auth-3.1.5.jar\n',
    });
    expect(f.find((x) => x.title.startsWith('platform'))).toMatchObject({
      status: 'fail',
      evidence: expect.stringContaining('version 3.1.5'),
    });
    expect(f.find((x) => x.title.startsWith('pyscript'))?.evidence).toContain('expected version 20231110');
    expect(f.find((x) => x.title.startsWith('Platform jars'))?.evidence).toContain('powercloud-auth-3.1.5.jar');
  });

  it('lists each DNS difference with what ADM generated', () => {
    const f = evaluate(plan, 'p09-dns-records', {
      'dns-1': '@@ dig dns-1\ncsb-redis.biz.powercloud.com. 10.77.0.24 \nredis.biz.powercloud.com. 10.77.0.100 \n',
    });
    expect(f.map((x) => x.evidence)).toContain('csb-redis.biz.powercloud.com. → 10.77.0.24, ADM generated 10.77.0.23');
    expect(f.map((x) => x.evidence)).toContain(
      'fdfs-tracker-3.biz.powercloud.com. → no record, ADM generated 10.77.0.43',
    );
    expect(f.some((x) => x.evidence.startsWith('redis.'))).toBe(false);
  });

  it('names file and line of a connection setting that uses an IP address, showing only its key', () => {
    const f = evaluate(plan, 'p10-business-config', {
      'paas-1':
        '@@ scan /app/config/business\n/app/config/business/order-service.properties:2:spring.redis.host=10.77.0.100\n',
    });
    expect(f).toEqual([
      expect.objectContaining({
        status: 'fail',
        host: 'paas-1',
        evidence: '/app/config/business/order-service.properties:2: spring.redis.host uses 10.77.0.100',
      }),
    ]);
  });

  it('produces the resources document as Markdown and CSV attachments without any password', () => {
    const f = evaluate(plan, 'p12-resources', { 'redis-a': '@@ version 0\n5.0.5\n' });
    const md = f.find((x) => x.attachment?.mimeType === 'text/markdown')?.attachment?.text ?? '';
    const csv = f.find((x) => x.attachment?.mimeType === 'text/csv')?.attachment?.text ?? '';
    expect(md).toContain(
      '| business-redis | Redis | 易联众-公共服务子系统Redis-A | master/replica + keepalived | redis-a | 10.77.0.21 | 6379 | /app/soft/redis-5.0.5 | 5.0.5 |',
    );
    expect(csv.split('\r\n')[0]).toBe('middleware,product,ADM instance,mode,host,address,port,home,version');
    expect(`${md}${csv}`.toLowerCase()).not.toMatch(/password|requirepass|secret/);
  });
});
