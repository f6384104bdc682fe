import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existing, onHost } from './lab-state.ts';
import { findingsOf, XizangCli } from './xizang-cli.ts';

const UPGRADE = '/upgrade xizang kafka';
const AS = ['--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1'];
const OLD = [
  '/app/soft/kafka_2.12-2.3.0',
  '/app/soft/apache-zookeeper-3.5.6-bin',
  '/etc/init.d/kafka',
  '/etc/init.d/zookeeper',
];
const runIdOf = (events: readonly { runId?: string }[]) => events.find((e) => e.runId !== undefined)?.runId ?? '';

describe('/upgrade xizang kafka in the site lab', () => {
  let cli: XizangCli;
  beforeEach(async () => {
    cli = new XizangCli();
    // The lab's broker stand-ins give up when ZooKeeper stalls on a loaded machine: start any that died, and wait
    // until all three are registered, so that each test starts from a healthy cluster.
    for (const host of ['kafka-1', 'kafka-2', 'kafka-3'])
      await onHost(host, 'service kafka status >/dev/null 2>&1 || service kafka start >/dev/null');
    await onHost(
      'kafka-1',
      'for i in $(seq 90); do n=$(/usr/share/zookeeper/bin/zkCli.sh -server 127.0.0.1:2181 ls /brokers/ids 2>/dev/null | grep "^\\[" | tr "," "\\n" | grep -c "[0-9]"); [ "$n" -ge 3 ] && exit 0; sleep 1; done; exit 1',
    );
  }, 180_000);
  afterEach(async () => {
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
    expect(r.events.some((e) => e.type === 'step.started' && e.stepId !== 'k01-ready')).toBe(false);
    expect(await existing('kafka-2', OLD)).toEqual(OLD);
  });

  it('rolls back after a rejection in the middle of the phase: the old brokers registered, the ensemble healthy', async () => {
    const r = await cli.run(UPGRADE, ...AS, '--reject-at', 'k04-backup');
    expect(r.code).toBe(1);
    const rb = await cli.run(`/rollback ${runIdOf(r.events)}`, ...AS);
    expect(rb.code, rb.stdout.slice(-4000)).toBe(0);
    expect(rb.events.at(-1)).toMatchObject({ type: 'run.finished', outcome: 'rolled-back' });
    const again = await new XizangCli().run(
      UPGRADE.replace('/upgrade', '/precheck').replace(' kafka', ''),
      '--as',
      'UOPERATOR',
    );
    const counts = findingsOf(again.events).filter(
      (f) => f.step === 'p04-node-counts' && /brokers|ZooKeeper/.test(f.title),
    );
    expect(counts.map((f) => f.status)).toEqual(['pass', 'pass']);
  });

  it('redeploys ZooKeeper and Kafka through ADM, verifies, and rolls the whole upgrade back to the old install', async () => {
    const r = await cli.run(UPGRADE, ...AS);
    expect(r.code, r.stdout.slice(-4000)).toBe(0);
    const verify = findingsOf(r.events).filter((f) => f.step === 'k07-verify');
    expect(verify.map((f) => `${f.status} ${f.title}`)).toEqual([
      'pass 3 brokers registered in ZooKeeper',
      'pass ZooKeeper ensemble of 3 healthy with one leader',
    ]);
    expect(
      await existing('kafka-3', ['/app/soft/kafka', '/app/soft/zookeeper', '/app/soft/kafka_2.12-2.3.0_bak']),
    ).toHaveLength(3);
    const rb = await cli.run(`/rollback ${runIdOf(r.events)}`, ...AS);
    expect(rb.code, rb.stdout.slice(-4000)).toBe(0);
    for (const host of ['kafka-1', 'kafka-2', 'kafka-3']) {
      expect(await existing(host, OLD)).toEqual(OLD);
      expect(
        await existing(host, ['/app/soft/kafka', '/app/soft/zookeeper', '/app/soft/kafka_2.12-2.3.0_bak']),
      ).toEqual([]);
    }
  });
});
