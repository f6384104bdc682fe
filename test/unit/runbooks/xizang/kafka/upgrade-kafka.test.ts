import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../../../src/core/plan/step-schema.ts';
import { allCommandText, checkStep, evaluate, labXizang, registry } from '../xizang-fixture.ts';

let plan: Plan;
beforeAll(async () => {
  plan = registry.buildPlan('upgrade-kafka', await labXizang(), {});
});

const HEADER =
  'GROUP              TOPIC            PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                                     HOST            CLIENT-ID';
const row = (p: number, lag: number | '-') =>
  `biz-order-consumer biz-order-events ${String(p).padEnd(10)} ${String(lag === '-' ? '-' : 18250).padEnd(15)} ${String(lag === '-' ? 18250 : 18250 + lag).padEnd(15)} ${String(lag).padEnd(15)} consumer-1-0c6d1f2e-5a1b-4c7e-9f3a-00000000000${p} /10.0.0.11      consumer-1`;

/** One section as the host prints it: `@@ kind name`, its lines, `@@ exit N` (left out when `code` is null). */
const sec = (kind: string, name: string, body: string, code: number | null = 0) =>
  `@@ ${kind} ${name}\n${body}${body.endsWith('\n') || body === '' ? '' : '\n'}${code === null ? '' : `\n@@ exit ${code}\n`}`;

// The evaluator's --all-groups answers (2.4.0 and later); 2.3.0 is asked group by group (its own test below).
const VERSION = sec('kafka-version', 'business-kafka', 'jar=kafka_2.12-2.4.1.jar\nversion=2.4.1\nform=all-groups');
const kafkaConfig = (h: string, id: number, extra = '') =>
  sec(
    'kafka-config',
    h,
    `broker.id=${id}\nlisteners=PLAINTEXT://:9092\nlog.dirs=/app/kafka-logs/\nzookeeper.connect=10.77.0.31:2181,10.77.0.32:2181,10.77.0.33:2181${extra}`,
  );
const zk = (h: string, mode: string) =>
  sec('zk', h, `Zookeeper version: 3.5.6\nMode: ${mode}\nNode count: 30`) +
  sec('zk-config', h, 'dataDir=/app/soft/apache-zookeeper-3.5.6-bin/data/\nclientPort=2181');

/** A healthy cluster's k01 outputs, with any section of kafka-1 replaced. */
function outputs(over: { version?: string; groups?: string; describe?: string | null; brokers?: string } = {}) {
  const describe =
    over.describe === undefined
      ? sec('describe-all', 'business-kafka', `\n${HEADER}\n${row(0, 0)}\n${row(1, 0)}`)
      : (over.describe ?? '');
  return {
    'kafka-1':
      (over.version ?? VERSION) +
      (over.groups ?? sec('groups', 'business-kafka', 'biz-order-consumer')) +
      describe +
      (over.brokers ??
        sec(
          'brokers',
          'business-kafka',
          'zookeeper.connect=10.77.0.31:2181\nConnecting to 10.77.0.31:2181\n[1, 2, 3]',
        )) +
      kafkaConfig('kafka-1', 1) +
      zk('kafka-1', 'follower'),
    'kafka-2': kafkaConfig('kafka-2', 2) + zk('kafka-2', 'leader'),
    'kafka-3': kafkaConfig('kafka-3', 3) + zk('kafka-3', 'follower'),
  };
}
const k01 = (o: Record<string, string>) => evaluate(plan, 'k01-ready', o);
const byTitle = (f: ReturnType<typeof k01>, start: string) => f.find((x) => x.title.startsWith(start));

describe('upgrade-kafka plan', () => {
  it('checks, stops Kafka then ZooKeeper, backs up, redeploys ZooKeeper then Kafka through ADM, verifies', () => {
    expect(plan.steps.map((s) => `${s.kind} ${s.id}`)).toEqual([
      'check k00-site-check',
      'check k01-ready',
      'action k02-stop-kafka',
      'action k03-stop-zookeeper',
      'action k04-backup',
      'manual k05-adm-zookeeper',
      'manual k06-adm-kafka',
      'check k07-verify',
    ]);
    for (const s of plan.steps) if (s.destructive) expect(s.gate, s.id).toBeDefined();
  });

  it('moves each path once (the data inside the home goes with it) and restores them in reverse', () => {
    const backup = plan.steps.find((s) => s.id === 'k04-backup');
    const cmd = backup?.commands.find((c) => c.host === 'kafka-2')?.command ?? '';
    for (const path of [
      '/app/soft/kafka_2.12-2.3.0',
      '/app/kafka-logs',
      '/etc/init.d/kafka',
      '/app/soft/apache-zookeeper-3.5.6-bin',
      '/etc/init.d/zookeeper',
    ])
      expect(cmd.split(`mv -T -- ${path} ${path}_bak`), path).toHaveLength(2);
    expect(cmd).not.toContain('/app/soft/apache-zookeeper-3.5.6-bin/data');
    expect(allCommandText(plan)).not.toMatch(/apache-zookeeper-3\.5\.6-bi_bak/);
  });

  it('gives ZooKeeper its own ADM instance name that still follows the naming rule', () => {
    const zkStep = plan.steps.find((s) => s.id === 'k05-adm-zookeeper');
    expect(zkStep?.kind === 'manual' && zkStep.parameters.instance).toBe('易联众-公共服务子系统ZooKeeper-Kafka-A');
    expect(zkStep?.kind === 'manual' && zkStep.standIn?.[1]?.command).toContain(
      '--id 2 --hosts 10.77.0.31,10.77.0.32,10.77.0.33',
    );
  });

  it('reads the Kafka version before running any Kafka tool, and only srvr of ZooKeeper', () => {
    const cmd = checkStep(plan, 'k01-ready').commands.find((c) => c.host === 'kafka-1')?.command ?? '';
    const version = cmd.indexOf('/app/soft/kafka_2.12-2.3.0/libs');
    expect(version).toBeGreaterThan(0);
    expect(cmd.indexOf('kafka-consumer-groups.sh')).toBeGreaterThan(version);
    expect(cmd.indexOf('zookeeper-shell.sh')).toBeGreaterThan(version);
    expect(allCommandText(plan)).not.toMatch(/printf (stat|mntr|ruok|conf)\b|zkCli/);
  });

  it('verifies the new install with its own version, server.properties and zoo.cfg (the ADM layout)', () => {
    const cmd = checkStep(plan, 'k07-verify')
      .commands.map((c) => c.command)
      .join('\n');
    expect(cmd).toContain('/app/soft/kafka/libs');
    expect(cmd).toContain('/app/soft/kafka/config/server.properties');
    expect(cmd).toContain('/app/soft/zookeeper/conf/zoo.cfg');
    expect(cmd).not.toContain('kafka-consumer-groups.sh');
  });
});

describe('k01 passes only on evidence from the software', () => {
  it('passes a healthy cluster: caught-up groups, configs as the site file says, 3 brokers, one leader', () => {
    const f = k01(outputs());
    expect(f.map((x) => `${x.status} ${x.title}`)).toEqual([
      'pass Kafka business-kafka: version read from the install (/app/soft/kafka_2.12-2.3.0/libs) has a known tool form',
      'pass No consumer group has lag (no message left in Kafka)',
      "pass Kafka's server.properties on every broker matches the site file (port, data directory, ZooKeeper)",
      "pass ZooKeeper's zoo.cfg on every node matches the site file (dataDir, clientPort)",
      'pass 3 brokers registered in ZooKeeper',
      'pass ZooKeeper ensemble of 3 healthy with one leader',
    ]);
    expect(byTitle(f, 'No consumer group')?.evidence).toBe(
      '1 consumer group(s) (biz-order-consumer), 2 partition(s), all with lag 0',
    );
  });

  it('refuses a version with no known form, naming it, and asks nothing of Kafka', () => {
    const f = k01(
      outputs({
        version: sec('kafka-version', 'business-kafka', 'jar=kafka_2.12-1.1.1.jar\nversion=1.1.1\nform=unknown'),
        groups: '',
        describe: null,
        brokers: '',
      }),
    );
    expect(byTitle(f, 'Kafka business-kafka')).toMatchObject({
      status: 'fail',
      evidence: expect.stringMatching(
        /^Kafka 1\.1\.1 at \/app\/soft\/kafka_2\.12-2\.3\.0 on kafka-1 has no known command form; refused before anything is touched/,
      ),
    });
    expect(byTitle(f, 'No consumer group')?.evidence).toBe('not asked: the Kafka version has no known tool form');
    expect(byTitle(f, '3 brokers')?.status).toBe('fail');
  });

  it('fails when the describe answers nothing: an empty output is not "all with lag 0"', () => {
    const f = byTitle(k01(outputs({ describe: sec('describe-all', 'business-kafka', '') })), 'No consumer group');
    expect(f).toMatchObject({
      status: 'fail',
      evidence: 'kafka-consumer-groups.sh listed biz-order-consumer but --describe answered nothing for it',
    });
  });

  it('fails naming the tool, its exit code and its output when it fails, answers Error: with exit 0, or is cut short', () => {
    const timeout =
      '\nError: Executing consumer group command failed due to org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment.';
    expect(
      byTitle(k01(outputs({ describe: sec('describe-all', 'business-kafka', timeout) })), 'No consumer group')
        ?.evidence,
    ).toBe(
      'kafka-consumer-groups.sh --describe --all-groups ended with exit 0 and printed Error: Executing consumer group command failed due to org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment.',
    );
    const uncaught =
      'stderr: Exception in thread "main" joptsimple.UnrecognizedOptionException: all-groups is not a recognized option';
    expect(
      byTitle(k01(outputs({ describe: sec('describe-all', 'business-kafka', uncaught, 1) })), 'No consumer group')
        ?.evidence,
    ).toBe(`kafka-consumer-groups.sh --describe --all-groups ended with exit 1: ${uncaught}`);
    expect(
      byTitle(
        k01(outputs({ groups: sec('groups', 'business-kafka', 'biz-order-consumer', null) })),
        'No consumer group',
      )?.evidence,
    ).toBe('kafka-consumer-groups.sh --list ended with no exit code (cut short): biz-order-consumer');
  });

  it('fails on an answer in no known format', () => {
    const f = byTitle(
      k01(outputs({ describe: sec('describe-all', 'business-kafka', 'TOPIC PARTITION LAG\nbiz 0 0') })),
      'No consumer group',
    );
    expect(f).toMatchObject({
      status: 'fail',
      evidence: expect.stringContaining('a line in no known format: TOPIC PARTITION LAG'),
    });
  });

  it('refuses while a partition has lag or its lag is unknown', () => {
    const f = k01(
      outputs({
        describe: sec('describe-all', 'business-kafka', `\n${HEADER}\n${row(0, 0)}\n${row(1, 42)}\n${row(2, '-')}`),
      }),
    );
    expect(byTitle(f, 'No consumer group')?.evidence).toBe(
      'lag left: biz-order-consumer biz-order-events/1 lag 42; lag unknown (no committed offset): biz-order-consumer biz-order-events/2; wait until consumers catch up',
    );
  });

  it('passes a cluster without consumer groups, saying so', () => {
    const f = byTitle(
      k01(
        outputs({ groups: sec('groups', 'business-kafka', ''), describe: sec('describe-all', 'business-kafka', '') }),
      ),
      'No consumer group',
    );
    expect(f).toMatchObject({
      status: 'pass',
      evidence: 'no consumer groups: kafka-consumer-groups.sh --list answered none (exit 0)',
    });
  });

  it('counts the brokers ZooKeeper has, and fails when zookeeper-shell fails or finds no /brokers/ids', () => {
    const two = sec('brokers', 'business-kafka', 'zookeeper.connect=10.77.0.31:2181\n[1, 3]');
    expect(byTitle(k01(outputs({ brokers: two })), '3 brokers')).toMatchObject({
      status: 'fail',
      evidence: "/brokers/ids at 10.77.0.31:2181 = [1, 3]; the brokers' server.properties say broker.id 1, 2, 3",
    });
    const none = sec(
      'brokers',
      'business-kafka',
      'zookeeper.connect=10.77.0.31:2181/kafka\nNode does not exist: /brokers/ids',
    );
    expect(byTitle(k01(outputs({ brokers: none })), '3 brokers')?.evidence).toBe(
      '/brokers/ids at 10.77.0.31:2181/kafka = [] (no /brokers/ids: no broker ever registered there)',
    );
    const lost = sec(
      'brokers',
      'business-kafka',
      'Exception in thread "main" org.apache.zookeeper.KeeperException$ConnectionLossException',
      1,
    );
    expect(byTitle(k01(outputs({ brokers: lost })), '3 brokers')?.evidence).toMatch(
      /^zookeeper-shell.sh ls \/brokers\/ids ended with exit 1: Exception/,
    );
  });

  it('refuses when a broker keeps its data elsewhere or listens on another port than the site file says', () => {
    const o = outputs();
    o['kafka-2'] =
      sec(
        'kafka-config',
        'kafka-2',
        'broker.id=2\nlisteners=PLAINTEXT://10.77.0.32:9093\nlog.dirs=/data/kafka,/app/kafka-logs\nzookeeper.connect=10.77.0.31:2181,10.77.0.32:2181,10.77.0.33:2181',
      ) + zk('kafka-2', 'leader');
    expect(byTitle(k01(o), "Kafka's server.properties")?.evidence).toBe(
      'kafka-2: listens on 9093, the site file says 9092; kafka-2: keeps its data in /data/kafka, /app/kafka-logs, the site file says /app/kafka-logs (the backup would miss it)',
    );
  });

  it("refuses when zoo.cfg's dataDir, transaction log or clientPort is not what the site file says", () => {
    const o = outputs();
    o['kafka-3'] =
      kafkaConfig('kafka-3', 3) +
      sec('zk', 'kafka-3', 'Mode: follower') +
      sec('zk-config', 'kafka-3', 'dataDir=/var/lib/zookeeper\ndataLogDir=/logs/zk\nclientPort=2182');
    expect(byTitle(k01(o), "ZooKeeper's zoo.cfg")?.evidence).toBe(
      'kafka-3: dataDir is /var/lib/zookeeper, the site file says /app/soft/apache-zookeeper-3.5.6-bin/data; kafka-3: dataLogDir /logs/zk is outside /app/soft/apache-zookeeper-3.5.6-bin/data and /app/soft/apache-zookeeper-3.5.6-bin (the backup would miss it); kafka-3: clientPort is 2182, the site file says 2181',
    );
  });

  it('refuses when the ensemble has no leader or a node does not answer srvr', () => {
    const o = outputs();
    o['kafka-2'] =
      kafkaConfig('kafka-2', 2) +
      sec('zk', 'kafka-2', '', 1) +
      sec('zk-config', 'kafka-2', 'dataDir=/app/soft/apache-zookeeper-3.5.6-bin/data\nclientPort=2181');
    expect(byTitle(k01(o), 'ZooKeeper ensemble')).toMatchObject({
      status: 'fail',
      evidence: 'kafka-1: follower, kafka-2: no answer (srvr exit 1: (no output)), kafka-3: follower',
    });
  });
});
