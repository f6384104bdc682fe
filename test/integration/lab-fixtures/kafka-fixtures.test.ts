import { afterEach, describe, expect, it } from 'vitest';
import { execOn, labHost } from '../../support/lab.ts';
import { brokersInZooKeeper, eventually, onHost, parseConsumerGroups } from './fixture-probes.ts';

const KAFKA_HOME = '/app/soft/kafka_2.12-2.3.0';
const TOOL = `${KAFKA_HOME}/bin/kafka-consumer-groups.sh`;
const brokers = ['kafka-1', 'kafka-2', 'kafka-3'];

function bootstrap(): string {
  return brokers.map((b) => `${labHost(b).address}:9092`).join(',');
}

/** Whether the lab was brought up with deployment variant `name` on `host` (the spec marks it `+name`). */
async function hasVariant(host: string, name: string): Promise<boolean> {
  const spec = await onHost(host, ['cat', '/lab-pub/spec']);
  return spec.split('\n').some((l) => l.split(/\s+/)[0] === host && l.split(/\s+/).includes(`+${name}`));
}

async function describeGroups(from: string, tool = TOOL): Promise<ReturnType<typeof parseConsumerGroups>> {
  return parseConsumerGroups(
    await onHost(from, [tool, '--bootstrap-server', bootstrap(), '--describe', '--all-groups']),
  );
}

/** A copy of the lab's Kafka tools in an install of another version (the tools behave as their libs' jar says). */
async function installOf(version: string): Promise<string> {
  const home = `/tmp/kafka_2.12-${version}`;
  await onHost('kafka-2', [
    'sh',
    '-c',
    `mkdir -p ${home}/libs && cp -r ${KAFKA_HOME}/bin ${home}/ && : > ${home}/libs/kafka_2.12-${version}.jar`,
  ]);
  return `${home}/bin/kafka-consumer-groups.sh`;
}

describe('kafka fixtures (Kafka 2.3.0, ZooKeeper 3.5)', () => {
  afterEach(async () => {
    await onHost('kafka-1', ['kafka-lag', 'reset']);
    await onHost('kafka-1', ['service', 'kafka', 'start']);
  });

  it('registers the three brokers as ephemeral znodes with their PLAINTEXT endpoints (BrokerIdZNode version 4)', async () => {
    const registered = await brokersInZooKeeper('kafka-2');
    expect([...registered.keys()].sort()).toEqual(['1', '2', '3']);
    const noHost = await hasVariant('kafka-1', 'conf-syntax');
    for (const [id, { json, ephemeral }] of registered) {
      const host = noHost ? `kafka-${id}` : labHost(`kafka-${id}`).address;
      expect(ephemeral).toBe(true);
      expect(json).toMatchObject({ port: 9092, version: 4, jmx_port: -1 });
      expect(String(json.host)).toContain(host);
      expect(json.endpoints).toEqual([`PLAINTEXT://${String(json.host)}:9092`]);
    }
  });

  it('drops a stopped broker from ZooKeeper and registers it again when it starts', async () => {
    await onHost('kafka-1', ['service', 'kafka', 'stop']);
    expect((await brokersInZooKeeper('kafka-3')).has('1')).toBe(false);
    await onHost('kafka-1', ['service', 'kafka', 'start']);
    await eventually(async () => (await brokersInZooKeeper('kafka-3')).has('1'), 'broker 1 registering again');
  });

  it("lays the brokers out as the seed does, running as kafka.Kafka, the tools reporting 2.3.0's --version", async () => {
    expect(await onHost('kafka-2', ['ls', `${KAFKA_HOME}/libs`])).toContain('kafka_2.12-2.3.0.jar');
    expect(await onHost('kafka-2', [TOOL, '--version'])).toBe('2.3.0 (Commit:fc1aaa116b661c8a)\n');
    const ps = await onHost('kafka-2', ['ps', '-eo', 'args']);
    expect(ps).toContain(`kafka.Kafka ${KAFKA_HOME}/config/server.properties`);
    const props = await onHost('kafka-2', ['cat', `${KAFKA_HOME}/config/server.properties`]);
    if (await hasVariant('kafka-2', 'conf-syntax')) {
      expect(props).toMatch(/^broker\.id = 2$/m);
      expect(props).toMatch(/^log\.dirs = \/app\/kafka-logs\/$/m);
      expect(await onHost('kafka-2', ['cat', '/app/kafka-logs/meta.properties'])).toContain('broker.id=2');
    } else expect(props).toMatch(/^broker\.id=2$/m);
  });

  it("2.3.0: --list prints one group per line; --describe --all-groups prints Kafka 2.3's columns, at lag 0", async () => {
    expect(await onHost('kafka-3', [TOOL, '--bootstrap-server', bootstrap(), '--list'])).toBe(
      'biz-order-consumer\ncsb-log-consumer\n',
    );
    const rows = await describeGroups('kafka-3');
    expect(rows.map((r) => r.GROUP)).toEqual([
      ...Array(3).fill('biz-order-consumer'),
      ...Array(2).fill('csb-log-consumer'),
    ]);
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
    const lagging = (await describeGroups('kafka-3')).filter((r) => r.LAG !== '0');
    expect(lagging).toHaveLength(1);
    expect(lagging[0]).toMatchObject({
      GROUP: 'biz-order-consumer',
      TOPIC: 'biz-order-events',
      PARTITION: '1',
      LAG: '42',
    });
    expect(Number(lagging[0]?.['LOG-END-OFFSET']) - Number(lagging[0]?.['CURRENT-OFFSET'])).toBe(42);
  });

  it('2.3.0: a group without members is on stderr and still described; a missing group is an Error: line, exit 0', async () => {
    await onHost('kafka-1', ['kafka-lag', 'state', '--group', 'csb-log-consumer', '--state', 'Empty']);
    const empty = await execOn('kafka-2', [
      TOOL,
      '--bootstrap-server',
      bootstrap(),
      '--describe',
      '--group',
      'csb-log-consumer',
    ]);
    expect(empty.stderr).toBe("\nConsumer group 'csb-log-consumer' has no active members.\n");
    expect(parseConsumerGroups(empty.stdout).map((r) => r['CONSUMER-ID'])).toEqual(['-', '-']);
    const none = await execOn('kafka-2', [TOOL, '--bootstrap-server', bootstrap(), '--describe', '--group', 'nope']);
    expect(none).toMatchObject({ exitCode: 0, stdout: "\nError: Consumer group 'nope' does not exist.\n" });
  });

  it('fails like the real tool when no bootstrap server answers: Error: on stdout, the trace on stderr, exit 0', async () => {
    const res = await execOn('kafka-1', [TOOL, '--bootstrap-server', `${labHost('fdfs-3').address}:9092`, '--list']);
    expect(res.exitCode).toBe(0);
    expect(res.stdout).toBe(
      '\nError: Executing consumer group command failed due to org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment.\n',
    );
    expect(res.stderr).toMatch(
      /^java\.util\.concurrent\.ExecutionException: org\.apache\.kafka\.common\.errors\.TimeoutException/,
    );
  });

  it('2.2.1: rejects --all-groups in its option parser (exit 1) and describes one --group without a GROUP column', async () => {
    const tool = await installOf('2.2.1');
    const all = await execOn('kafka-2', [tool, '--bootstrap-server', bootstrap(), '--describe', '--all-groups']);
    expect(all.exitCode).toBe(1);
    expect(all.stdout).toBe('');
    expect(all.stderr.split('\n')[0]).toBe(
      'Exception in thread "main" joptsimple.UnrecognizedOptionException: all-groups is not a recognized option',
    );
    const one = await onHost('kafka-2', [
      tool,
      '--bootstrap-server',
      bootstrap(),
      '--describe',
      '--group',
      'csb-log-consumer',
    ]);
    expect(one.split('\n')[1]?.split(/\s+/)).toEqual([
      'TOPIC',
      'PARTITION',
      'CURRENT-OFFSET',
      'LOG-END-OFFSET',
      'LAG',
      'CONSUMER-ID',
      'HOST',
      'CLIENT-ID',
    ]);
    const usage = await execOn('kafka-2', [tool, '--bootstrap-server', bootstrap(), '--describe']);
    expect(usage.exitCode).toBe(1);
    expect(usage.stderr.split('\n')[0]).toBe('Missing required argument "[group]"');
    await onHost('kafka-2', ['rm', '-rf', '/tmp/kafka_2.12-2.2.1']);
  });

  it("zookeeper-shell.sh (ZooKeeper 3.4.14's CLI): lists /brokers/ids; a missing node is on stderr with exit 0", async () => {
    const zk = `${labHost('kafka-1').address}:2181`;
    const ids = await onHost('kafka-2', [`${KAFKA_HOME}/bin/zookeeper-shell.sh`, zk, 'ls', '/brokers/ids']);
    expect(ids.split('\n').filter(Boolean)).toEqual([
      `Connecting to ${zk}`,
      'WATCHER::',
      'WatchedEvent state:SyncConnected type:None path:null',
      '[1, 2, 3]',
    ]);
    const chroot = await execOn('kafka-2', [
      `${KAFKA_HOME}/bin/zookeeper-shell.sh`,
      `${zk}/elsewhere`,
      'ls',
      '/brokers/ids',
    ]);
    expect(chroot).toMatchObject({ exitCode: 0, stderr: 'Node does not exist: /brokers/ids\n' });
  });

  it('ZooKeeper 3.5 answers srvr only: every other four-letter word is not in the default whitelist', async () => {
    const ask = (word: string) =>
      onHost('kafka-1', [
        'timeout',
        '5',
        'bash',
        '-c',
        'exec 3<>/dev/tcp/127.0.0.1/2181 && printf %s "$0" >&3 && cat <&3',
        word,
      ]);
    expect(await ask('srvr')).toMatch(/^Mode: (leader|follower)$/m);
    for (const word of ['stat', 'mntr', 'ruok', 'conf'])
      expect(await ask(word)).toBe(`${word} is not executed because it is not in the whitelist.\n`);
  });
});
