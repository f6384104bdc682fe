import { beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../../../src/core/plan/step-schema.ts';
import { allCommandText, evaluate, labXizang, registry } from '../xizang-fixture.ts';

let plan: Plan;
beforeAll(async () => {
  plan = registry.buildPlan('upgrade-kafka', await labXizang(), {});
});

describe('upgrade-kafka plan', () => {
  it('checks, stops Kafka then ZooKeeper, backs up, redeploys ZooKeeper then Kafka through ADM, verifies', () => {
    expect(plan.steps.map((s) => `${s.kind} ${s.id}`)).toEqual([
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
    expect(cmd.split(' && ')).toEqual([
      'mv -T -- /app/soft/kafka_2.12-2.3.0 /app/soft/kafka_2.12-2.3.0_bak',
      'mv -T -- /app/kafka-logs /app/kafka-logs_bak',
      'mv -T -- /etc/init.d/kafka /etc/init.d/kafka_bak',
      'mv -T -- /app/soft/apache-zookeeper-3.5.6-bin /app/soft/apache-zookeeper-3.5.6-bin_bak',
      'mv -T -- /etc/init.d/zookeeper /etc/init.d/zookeeper_bak',
    ]);
    expect(allCommandText(plan)).not.toMatch(/apache-zookeeper-3\.5\.6-bi_bak/);
  });

  it('gives ZooKeeper its own ADM instance name that still follows the naming rule', () => {
    const zk = plan.steps.find((s) => s.id === 'k05-adm-zookeeper');
    expect(zk?.kind === 'manual' && zk.parameters.instance).toBe('易联众-公共服务子系统ZooKeeper-Kafka-A');
    expect(zk?.kind === 'manual' && zk.standIn?.[1]?.command).toContain(
      '--id 2 --hosts 10.77.0.31,10.77.0.32,10.77.0.33',
    );
  });

  it('refuses when a consumer group has lag or the ensemble has no leader', () => {
    const f = evaluate(plan, 'k01-ready', {
      'kafka-1':
        '@@ lag business-kafka\n\nGROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID\ng1 t1 0 10 12 2 c /h c\n@@ brokers business-kafka\n[1, 2, 3]\n@@ zk kafka-1\nMode: follower\n',
      'kafka-2': '@@ zk kafka-2\nMode: follower\n',
    });
    expect(f.map((x) => `${x.status}: ${x.evidence}`)).toEqual([
      'fail: lag left: g1 t1/0 lag 2; wait until consumers catch up',
      'pass: /brokers/ids = [1, 2, 3]',
      'fail: kafka-1: follower, kafka-2: follower',
    ]);
  });
});
