import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existing, onHost } from './lab-state.ts';
import { findingsOf, startedSteps, stoppedAt, XizangCli } from './xizang-cli.ts';

const UPGRADE = '/upgrade xizang kafka';
const AS = ['--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1'];
const KAFKA = '/app/soft/kafka_2.12-2.3.0';
/** Per host, the old install's homes and how each is started: init scripts, or units under the `systemd` variant. */
const OLD = new Map<string, string[]>();
const oldOn = (host: string) => OLD.get(host) ?? [];
const BROKERS = ['kafka-1', 'kafka-2', 'kafka-3'];
const runIdOf = (events: readonly { runId?: string }[]) => events.find((e) => e.runId !== undefined)?.runId ?? '';
/** How many brokers the lab's ZooKeeper holds under /brokers/ids (the lab's Kafka uses no chroot). */
const REGISTERED = `${KAFKA}/bin/zookeeper-shell.sh 127.0.0.1:2181 ls /brokers/ids 2>/dev/null | grep '^\\[' | tr ',' '\\n' | grep -c '[0-9]'`;

/** Renames kafka-1's core jar so that the install reports `version` (the tools follow it), for one test. */
async function installReports(version: string): Promise<void> {
  const jar = `kafka_2.12-${version}.jar`;
  await onHost(
    'kafka-1',
    `cd ${KAFKA}/libs 2>/dev/null || exit 0; for j in kafka_2.12-*.jar; do [ "$j" = ${jar} ] || mv "$j" ${jar}; done`,
  );
}

describe('/upgrade xizang kafka in the site lab', () => {
  let cli: XizangCli;
  beforeEach(async () => {
    cli = new XizangCli();
    for (const host of BROKERS) {
      const starters = ['kafka', 'zookeeper'].flatMap((n) => [`/etc/init.d/${n}`, `/etc/systemd/system/${n}.service`]);
      OLD.set(host, [KAFKA, '/app/soft/apache-zookeeper-3.5.6-bin', ...(await existing(host, starters))]);
      expect(oldOn(host), host).toHaveLength(4);
    }
    // The lab's broker stand-ins give up when ZooKeeper stalls on a loaded machine: start any that died, and wait
    // until all three are registered, so that each test starts from a healthy cluster.
    for (const host of BROKERS)
      await onHost(host, 'service kafka status >/dev/null 2>&1 || service kafka start >/dev/null');
    await onHost('kafka-1', `for i in $(seq 90); do [ "$(${REGISTERED})" -ge 3 ] && exit 0; sleep 1; done; exit 1`);
  }, 180_000);
  afterEach(async () => {
    await installReports('2.3.0');
    await onHost('kafka-1', 'kafka-lag reset');
    await cli.close();
  });

  it('refuses while a consumer group still has lag, naming group, topic and lag, and touches nothing', async () => {
    await onHost('kafka-1', 'kafka-lag set --group biz-order-consumer --topic biz-order-events --partition 1 --lag 42');
    const r = await cli.run(UPGRADE, ...AS);
    expect(r.code).toBe(1);
    const lag = findingsOf(r.events).find((f) => f.title.startsWith('No consumer group has lag'));
    expect(lag).toMatchObject({
      status: 'fail',
      evidence: expect.stringContaining('biz-order-consumer biz-order-events/1 lag 42'),
    });
    expect(startedSteps(r.events)).toEqual(['k00-site-check', 'k01-ready']);
    expect(await existing('kafka-2', oldOn('kafka-2'))).toEqual(oldOn('kafka-2'));
  });

  it('refuses a Kafka version it knows no command form for, naming it, before anything is touched', async () => {
    await installReports('9.9.9');
    const r = await cli.run(UPGRADE, ...AS);
    expect(r.code).toBe(1);
    const found = findingsOf(r.events).filter((f) => f.step === 'k01-ready');
    expect(found.find((f) => f.title.startsWith('Kafka business-kafka'))).toMatchObject({
      status: 'fail',
      evidence: expect.stringMatching(
        /^Kafka 9\.9\.9 at \/app\/soft\/kafka_2\.12-2\.3\.0 on kafka-1 has no known command form; refused before anything is touched/,
      ),
    });
    expect(found.find((f) => f.title.startsWith('No consumer group'))?.evidence).toBe(
      'not asked: the Kafka version has no known tool form',
    );
    expect(startedSteps(r.events)).toEqual(['k00-site-check', 'k01-ready']);
    for (const host of BROKERS) {
      expect(await existing(host, oldOn(host))).toEqual(oldOn(host));
      expect(
        await onHost(
          host,
          'pgrep -f "[k]afka.Kafka" >/dev/null && pgrep -f "[Q]uorumPeerMain" >/dev/null && echo both',
        ),
      ).toBe('both\n');
    }
  });

  it('on an install older than 2.3.0 lists the groups and describes each one, and still sees the lag', async () => {
    await installReports('2.2.1');
    await onHost('kafka-1', 'kafka-lag set --group csb-log-consumer --topic csb-access-log --partition 0 --lag 7');
    const r = await cli.run(UPGRADE, ...AS);
    expect(r.code).toBe(1);
    const found = findingsOf(r.events).filter((f) => f.step === 'k01-ready');
    expect(found.find((f) => f.title.startsWith('Kafka business-kafka'))?.evidence).toMatch(
      /^Kafka 2\.2\.1: 2\.0\.0–2\.2\.x: no --all-groups/,
    );
    expect(found.find((f) => f.title.startsWith('No consumer group'))?.evidence).toBe(
      'lag left: csb-log-consumer csb-access-log/0 lag 7; wait until consumers catch up',
    );
    expect(await existing('kafka-1', oldOn('kafka-1'))).toEqual(oldOn('kafka-1'));
  });

  it('passes k01 on a cluster without consumer groups, saying so', async () => {
    await onHost('kafka-1', 'kafka-lag clear');
    const r = await cli.run(UPGRADE, ...AS, '--reject-at', 'k02-stop-kafka');
    expect(stoppedAt(r)).toBe('k02-stop-kafka');
    const lag = findingsOf(r.events).find((f) => f.title.startsWith('No consumer group'));
    expect(lag).toMatchObject({
      status: 'pass',
      evidence: 'no consumer groups: kafka-consumer-groups.sh --list answered none (exit 0)',
    });
    expect(r.events.some((e) => e.type === 'step.finished' && e.stepId === 'k02-stop-kafka')).toBe(false);
    expect(await existing('kafka-3', oldOn('kafka-3'))).toEqual(oldOn('kafka-3'));
  });

  it('rolls back after a rejection in the middle of the phase: the old brokers registered, the ensemble healthy', async () => {
    const r = await cli.run(UPGRADE, ...AS, '--reject-at', 'k04-backup');
    expect(stoppedAt(r)).toBe('k04-backup');
    expect(r.code).toBe(1);
    const rb = await cli.run(`/rollback ${runIdOf(r.events)}`, ...AS);
    expect(rb.code, rb.stdout.slice(-4000)).toBe(0);
    expect(rb.events.at(-1)).toMatchObject({ type: 'run.finished', outcome: 'rolled-back' });
    expect(await onHost('kafka-1', REGISTERED)).toBe('3\n');
    for (const host of BROKERS) expect(await existing(host, oldOn(host))).toEqual(oldOn(host));
  });

  it('redeploys ZooKeeper and Kafka through ADM, verifies, and rolls the whole upgrade back to the old install', async () => {
    const r = await cli.run(UPGRADE, ...AS);
    expect(r.code, r.stdout.slice(-4000)).toBe(0);
    const ready = findingsOf(r.events).filter((f) => f.step === 'k01-ready');
    expect(ready.map((f) => f.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
    expect(ready[0]?.evidence).toMatch(/^Kafka 2\.3\.0: 2\.3\.x: --list, then --describe --group for each/);
    const verify = findingsOf(r.events).filter((f) => f.step === 'k07-verify');
    expect(verify.map((f) => `${f.status} ${f.title}`)).toEqual([
      'pass Kafka business-kafka: version read from the install (/app/soft/kafka/libs) has a known tool form',
      "pass Kafka's server.properties on every broker matches the site file (port, data directory, ZooKeeper)",
      "pass ZooKeeper's zoo.cfg on every node matches the site file (dataDir, clientPort)",
      'pass 3 brokers registered in ZooKeeper',
      'pass ZooKeeper ensemble of 3 healthy with one leader',
    ]);
    expect(await existing('kafka-3', ['/app/soft/kafka', '/app/soft/zookeeper', `${KAFKA}_bak`])).toHaveLength(3);
    const rb = await cli.run(`/rollback ${runIdOf(r.events)}`, ...AS);
    expect(rb.code, rb.stdout.slice(-4000)).toBe(0);
    for (const host of BROKERS) {
      expect(await existing(host, oldOn(host))).toEqual(oldOn(host));
      expect(await existing(host, ['/app/soft/kafka', '/app/soft/zookeeper', `${KAFKA}_bak`])).toEqual([]);
    }
  });
});
