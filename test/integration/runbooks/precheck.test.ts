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
    expect(steps).toHaveLength(12);
    expect(steps.every((s) => s.endsWith('succeeded'))).toBe(true);
    expect(result.events.at(-1)).toMatchObject({ type: 'run.finished', outcome: 'completed' });
  });

  it("accepts the site file's Redis passwords on every Redis host, each the same as its redis.conf's", () => {
    const redis = of('p01-access').filter((f) => f.title.startsWith('Redis '));
    expect(redis.map((f) => `${f.host ?? ''} ${f.status} ${f.title}`)).toEqual([
      "redis-a pass Redis business-redis:6379: the site file's password is accepted",
      "redis-b pass Redis business-redis:6379: the site file's password is accepted",
      "csb-redis pass Redis csb-redis:6379: the site file's password is accepted",
    ]);
    expect(redis.every((f) => f.evidence.endsWith('redis.conf: same'))).toBe(true);
  });

  it('finds only two FastDFS trackers', () => {
    expect(of('p04-node-counts').find((f) => f.title.includes('3 trackers'))).toMatchObject({
      status: 'fail',
      evidence: expect.stringContaining('server_count=2'),
    });
  });

  it('finds Redis 1+1 with keepalived and the VIP, and Kafka 3 + ZooKeeper 3 with a leader', () => {
    const passed = of('p04-node-counts')
      .filter((f) => f.status === 'pass')
      .map((f) => f.title);
    expect(passed).toEqual(
      expect.arrayContaining([
        'Redis business-redis: 1 master + 1 replica(s)',
        `Redis business-redis: the master holds the VIP ${getLab().vip}`,
        'Kafka business-kafka: 3 brokers registered in ZooKeeper',
        'ZooKeeper of business-kafka: 3 nodes with one leader',
      ]),
    );
  });

  it('finds nothing deployed by ADM', () => {
    const adm = of('p05-adm-deployed');
    expect(adm.length).toBeGreaterThanOrEqual(5);
    expect(adm.every((f) => f.status === 'fail')).toBe(true);
  });

  it('finds power-api missing in centre A', () => {
    expect(of('p08-centre-a').map((f) => `${f.title} ${f.status}`)).toEqual([
      'Centre A has bind pass',
      'Centre A has power-dns pass',
      'Centre A has power-api fail',
    ]);
  });

  it('finds the old PaaS versions', () => {
    expect(of('p02-versions').find((f) => f.title === 'platform is the expected release')).toMatchObject({
      status: 'fail',
      evidence: expect.stringContaining('version 3.1.5'),
    });
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
  });

  it('attaches the resources document as Markdown and CSV, and no secret appears anywhere', async () => {
    const docs = of('p12-resources').flatMap((f) => (f.attachment ? [f.attachment] : []));
    expect(docs.map((d) => d.name)).toEqual(['middleware-resources-xizang.md', 'middleware-resources-xizang.csv']);
    expect(docs[0]?.text).toMatch(
      /\| business-redis \| Redis \| 易联众-公共服务子系统Redis-A \| master\/replica \+ keepalived \| redis-a \| \S+ \| 6379 \| \/app\/soft\/redis-5\.0\.5 \| \S+ \|/,
    );
    for (const secret of await labSecrets()) expect(result.stdout + result.stderr).not.toContain(secret);
  });
});
