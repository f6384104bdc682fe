import { afterEach, describe, expect, it } from 'vitest';
import { execOn, labHost } from '../../support/lab.ts';
import { brokersInZooKeeper, eventually, onHost, parseConsumerGroups } from './fixture-probes.ts';

const KAFKA_HOME = '/app/soft/kafka_2.12-2.3.0';
const brokers = ['kafka-1', 'kafka-2', 'kafka-3'];

function bootstrap(): string {
  return brokers.map((b) => `${labHost(b).address}:9092`).join(',');
}

async function describeGroups(from: string): Promise<ReturnType<typeof parseConsumerGroups>> {
  const out = await onHost(from, [
    `${KAFKA_HOME}/bin/kafka-consumer-groups.sh`,
    '--bootstrap-server',
    bootstrap(),
    '--describe',
    '--all-groups',
  ]);
  return parseConsumerGroups(out);
}

describe('kafka fixtures', () => {
  afterEach(async () => {
    await onHost('kafka-1', ['kafka-lag', 'reset']);
    await onHost('kafka-1', ['/etc/init.d/kafka', 'start']);
  });

  it('registers the three brokers as ephemeral znodes with their PLAINTEXT endpoints', async () => {
    const registered = await brokersInZooKeeper('kafka-2');
    expect([...registered.keys()].sort()).toEqual(['1', '2', '3']);
    for (const [id, { json, ephemeral }] of registered) {
      const address = labHost(`kafka-${id}`).address;
      expect(ephemeral).toBe(true);
      expect(json).toMatchObject({ host: address, port: 9092, endpoints: [`PLAINTEXT://${address}:9092`], version: 4 });
    }
  });

  it('drops a stopped broker from ZooKeeper and registers it again when it starts', async () => {
    await onHost('kafka-1', ['service', 'kafka', 'stop']);
    expect((await brokersInZooKeeper('kafka-3')).has('1')).toBe(false);
    await onHost('kafka-1', ['service', 'kafka', 'start']);
    await eventually(async () => (await brokersInZooKeeper('kafka-3')).has('1'), 'broker 1 registering again');
  });

  it('lays the brokers out as the seed does, reporting Kafka 2.3.0', async () => {
    const props = await onHost('kafka-2', ['cat', `${KAFKA_HOME}/config/server.properties`]);
    expect(props).toMatch(/^broker\.id=2$/m);
    expect(props).toMatch(/^zookeeper\.connect=.*:2181,.*:2181,.*:2181$/m);
    expect(await onHost('kafka-2', ['ls', `${KAFKA_HOME}/libs`])).toContain('kafka_2.12-2.3.0.jar');
    expect(await onHost('kafka-2', ['service', 'kafka', 'status'])).toMatch(/kafka is running/);
  });

  it("describes every consumer group in Kafka's columns, all partitions at lag 0 by default", async () => {
    const rows = await describeGroups('kafka-3');
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'GROUP',
      'TOPIC',
      'PARTITION',
      'CURRENT-OFFSET',
      'LOG-END-OFFSET',
      'LAG',
      'CONSUMER-ID',
      'HOST',
      'CLIENT-ID',
    ]);
    for (const row of rows) {
      expect(row.LAG).toBe('0');
      expect(row['LOG-END-OFFSET']).toBe(row['CURRENT-OFFSET']);
    }
  });

  it('reports the lag a test sets, from any broker', async () => {
    await onHost('kafka-1', [
      'kafka-lag',
      'set',
      '--group',
      'biz-order-consumer',
      '--topic',
      'biz-order-events',
      '--partition',
      '1',
      '--lag',
      '42',
    ]);
    const rows = await describeGroups('kafka-3');
    const lagging = rows.filter((r) => r.LAG !== '0');
    expect(lagging).toHaveLength(1);
    expect(lagging[0]).toMatchObject({
      GROUP: 'biz-order-consumer',
      TOPIC: 'biz-order-events',
      PARTITION: '1',
      LAG: '42',
    });
    expect(Number(lagging[0]?.['LOG-END-OFFSET']) - Number(lagging[0]?.['CURRENT-OFFSET'])).toBe(42);
  });

  it('fails like the real tool when no bootstrap server answers', async () => {
    const nobody = `${labHost('fdfs-3').address}:9092`;
    const res = await execOn('kafka-1', [
      `${KAFKA_HOME}/bin/kafka-consumer-groups.sh`,
      '--bootstrap-server',
      nobody,
      '--describe',
      '--all-groups',
    ]);
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(/TimeoutException/);
  });
});
