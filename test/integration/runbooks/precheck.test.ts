import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLab } from '../../support/lab.ts';
import { findingsOf, labSecrets, XizangCli } from './xizang-cli.ts';

describe('/precheck xizang in the site lab', () => {
  const cli = new XizangCli();
  let result: Awaited<ReturnType<XizangCli['run']>>;
  let findings: ReturnType<typeof findingsOf>;
  beforeAll(async () => {
    result = await cli.run('/precheck xizang', '--as', 'UOPERATOR');
    findings = findingsOf(result.events);
  });
  afterAll(async () => {
    await cli.close();
  });
  const of = (step: string) => findings.filter((f) => f.step === step);

  it('runs all 11 items and the resources document to completion, changing nothing', () => {
    expect(result.stderr).not.toMatch(/opsgate run:/);
    expect(result.code).toBe(0);
    const steps = result.events.flatMap((e) => (e.type === 'step.finished' ? [`${e.stepId} ${e.status}`] : []));
    expect(steps).toHaveLength(13);
    expect(steps.every((s) => s.endsWith('succeeded'))).toBe(true);
    expect(result.events.at(-1)).toMatchObject({ type: 'run.finished', outcome: 'completed' });
  });

  it('finds, as item 1, the site as its site file says', () => {
    expect(of('p01-site-check').map((f) => `${f.status} ${f.title}: ${f.evidence}`)).toEqual([
      expect.stringMatching(
        /^pass the site as the site file says: 18 host\(s\) read and \d+ instance\(s\) compared: no difference$/,
      ),
    ]);
  });

  it("accepts the site file's Redis passwords on every Redis host, each the same as its redis.conf's", () => {
    const redis = of('p01-access').filter((f) => f.title.startsWith('Redis '));
    expect(redis.map((f) => `${f.host ?? ''} ${f.status} ${f.title}`)).toEqual([
      "redis-a pass Redis business-redis:6379: the site file's password is accepted",
      "redis-b pass Redis business-redis:6379: the site file's password is accepted",
      "csb-redis-a pass Redis csb-redis:6379: the site file's password is accepted",
      "csb-redis-b pass Redis csb-redis:6379: the site file's password is accepted",
    ]);
    expect(redis.every((f) => f.evidence.endsWith('redis.conf: same'))).toBe(true);
  });

  it('finds the CSB Redis alone on its hosts, each answering PING', () => {
    const f = of('p03-csb-redis');
    expect(f.map((x) => `${x.status} ${x.host ?? ''} ${x.title}`)).toEqual([
      'pass csb-redis-a The CSB gateway Redis csb-redis runs on csb-redis-a',
      'pass csb-redis-b The CSB gateway Redis csb-redis runs on csb-redis-b',
      'pass csb-redis-a Nothing but Redis (and sshd) listens on the CSB Redis host',
      'pass csb-redis-b Nothing but Redis (and sshd) listens on the CSB Redis host',
    ]);
    expect(f[0]?.evidence).toMatch(
      /^redis: pid \d+ runs \/app\/soft\/redis-5\.0\.5\/bin\/redis-server; it listens on [^;]*:6379; port 6379 listening; redis-cli PING answered PONG$/,
    );
    expect(f[2]?.evidence).toMatch(/users:\(\("redis-server",pid=\d+/);
  });

  it('finds only two FastDFS trackers, asking each one for itself', () => {
    const net = getLab().net;
    expect(of('p04-node-counts').find((f) => f.title.includes('3 trackers'))).toMatchObject({
      status: 'fail',
      evidence: expect.stringMatching(
        new RegExp(
          `^2 of 3 tracker\\(s\\) answer for themselves: ${net}\\.41:22122 \\(asked from fdfs-1\\), ${net}\\.42:22122 .*${net}\\.43 not exists!; 1 tracker\\(s\\) to add$`,
        ),
      ),
    });
  });

  it('finds Redis 1+1 from both sides with keepalived running and the VIP, and Kafka 3 + ZooKeeper 3 with a leader', () => {
    const passed = of('p04-node-counts')
      .filter((f) => f.status === 'pass')
      .map((f) => f.title);
    expect(passed).toEqual(
      expect.arrayContaining([
        'Redis business-redis: 1 master + 1 replica(s)',
        `Redis business-redis: the master holds the VIP ${getLab().vip}`,
        'Redis business-redis: keepalived runs on every node',
        'Redis csb-redis: 1 master + 1 replica(s)',
        'Redis csb-redis: keepalived runs on every node',
        'Kafka business-kafka: 3 brokers registered in ZooKeeper',
        'ZooKeeper of business-kafka: 3 nodes with one leader',
      ]),
    );
    const kl = of('p04-node-counts').find((f) => f.title === 'Redis business-redis: keepalived runs on every node');
    expect(kl?.evidence).toMatch(
      /^redis-a: running: keepalived: pid [\d, ]+ runs \/app\/soft\/keepalived\/sbin\/keepalived \|\| redis-b: running: /,
    );
  });

  it('leaves ADM to a person, showing for each middleware the process found by its port, its parent and vesta', () => {
    const adm = of('p05-adm-deployed');
    expect(adm.filter((f) => f.status !== 'manual').map((f) => `${f.host ?? ''} ${f.title}: ${f.evidence}`)).toEqual(
      [],
    );
    const redis = adm.find((f) => f.title === 'Redis of business-redis deployed through ADM');
    expect(redis?.status).toBe('manual');
    expect(redis?.evidence).toMatch(/redis-a: pid \d+ `[^`]*redis-server[^`]*` \(exe \S+, user \S+\), parent \d+ `/);
    expect(redis?.evidence).toMatch(
      /vesta runs \(pid \d+\) but is not its parent, port 6379, version \S+ \(INFO server\)/,
    );
    const kafka = adm.find((f) => f.title === 'Kafka of business-kafka deployed through ADM');
    expect(kafka?.evidence).toMatch(/kafka-1: pid \d+ .*port 9092, version 2\.3\.0 /);
    const zk = of('p07-adm-instances').find((f) => f.title.startsWith('ZooKeeper of business-kafka'));
    expect(zk?.status).toBe('manual');
    expect(zk?.evidence).toMatch(/role (leader|follower)/);
  });

  it('finds bind answering for the zone and power-dns answering HTTP, and power-api missing in centre A', () => {
    const f = of('p08-centre-a');
    expect(f.map((x) => `${x.title} ${x.status}`)).toEqual([
      'Centre A has bind pass',
      'Centre A has power-dns pass',
      'Centre A has power-api fail',
    ]);
    expect(f[0]?.evidence).toMatch(
      /^running on dns-1: bind: pid \d+ runs sbin\/named; .*port 53 listening; dig \+norecurse @\S+ -p 53 biz\.powercloud\.com\. SOA answered ;; ->>HEADER<<- opcode: QUERY, status: NOERROR/,
    );
    expect(f[1]?.evidence).toMatch(/; HTTP HEAD \/ on \S+:8053 answered HTTP\/1\.[01] \d{3}/);
    expect(f[2]?.evidence).toBe(
      'power-api is not deployed (not in the site file): dns-1: power-api: no process runs power-api; plan it before DR is built',
    );
  });

  it("finds the June 2021 PaaS release in the software's own files", () => {
    const v = of('p02-versions').filter((f) => f.host === 'paas-1');
    expect(v.map((f) => `${f.status} ${f.title}`)).toEqual([
      'fail platform is the expected release',
      'fail pyscript is the expected release',
      'fail springboot is the expected release',
      'fail yum is the expected release',
    ]);
    expect(v[0]?.evidence).toContain('powercloud-gateway-3.1.5.jar (Implementation-Version 3.1.5)');
    expect(v[3]?.evidence).toBe(
      '/app/soft/yum/repo: repomd.xml revision 1623715200 (2021-06-15); expected 1699574400 (2023-11-10)',
    );
  });

  it('finds the DNS mismatch by real queries, each difference listed', () => {
    const dns = of('p09-dns-records').map((f) => f.evidence);
    expect(dns.some((e) => /^csb-redis\.biz\.powercloud\.com\. → \S+\.24, ADM generated \S+\.23$/.test(e))).toBe(true);
    expect(dns.some((e) => e.startsWith('fdfs-tracker-3.biz.powercloud.com. → no record'))).toBe(true);
  });

  it('lists business settings and service addresses that use IP addresses, with file and line', () => {
    expect(
      of('p10-business-config').some((f) =>
        /^\/app\/config\/business\/order-service\.properties:2: spring\.redis\.host uses /.test(f.evidence),
      ),
    ).toBe(true);
    expect(
      of('p11-service-addresses').some((f) =>
        f.evidence.startsWith('/app/config/isp/service-addresses.txt:3: medical-insurance uses'),
      ),
    ).toBe(true);
    // The configuration centre and the service management are for a person; item 11 never passes.
    expect(of('p10-business-config').at(-1)?.status).toBe('manual');
    expect(of('p11-service-addresses').some((f) => f.status === 'pass')).toBe(false);
    expect(of('p11-service-addresses').at(-1)?.evidence).toMatch(/→ redis\.biz\.powercloud\.com/);
  });

  it('attaches the resources document as Markdown and CSV, and no secret appears anywhere', async () => {
    const docs = of('p12-resources').flatMap((f) => (f.attachment ? [f.attachment] : []));
    expect(docs.map((d) => d.name)).toEqual(['middleware-resources-xizang.md', 'middleware-resources-xizang.csv']);
    const md = docs[0]?.text ?? '';
    const redisA = md.split('\n').find((l) => l.startsWith('| business-redis | Redis |') && l.includes('| redis-a |'));
    // version | process | role | clients | memory | disk | credential, read from the software and the host.
    expect(redisA).toMatch(
      /\| \/app\/soft\/redis-5\.0\.5 \| \S+ \| pid \d+, parent \d+; vesta runs, not its parent \| master \| \d+ clients \| RSS [\d.]+ \w+; used_memory \S+; host [\d.]+ \w+ available of [\d.]+ \w+ \| \/app\/redis_data: [\d.]+ \w+ used \/ [\d.]+ \w+ free \/ [\d.]+ \w+ \| file \S+redis-password \|$/,
    );
    expect(md).toMatch(/\| Kafka \|.*\| \d+ connections \|/);
    expect(md).toMatch(/\| ZooKeeper \|.*\| \d+ clients \|/);
    expect(md).toContain('- `ssh.password`: file ');
    for (const secret of await labSecrets()) {
      expect(result.stdout + result.stderr).not.toContain(secret);
      for (const d of docs) expect(d.text).not.toContain(secret);
    }
  });
});
