import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSections } from '../../../../../src/runbooks/xizang/shared/sections.ts';
import { firstBrokerCommand, type KafkaInstall } from '../../../../../src/runbooks/xizang/kafka/kafka-probes.ts';
import { kafkaToolForm, readKafkaVersion } from '../../../../../src/runbooks/xizang/kafka/kafka-version.ts';
import { lagFinding } from '../../../../../src/runbooks/xizang/kafka/consumer-lag.ts';
import { fakeKafkaHome, type FakeAnswers } from './fake-kafka.ts';

const run = promisify(execFile);
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'opsgate-kafka-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const HEADER_23 =
  'GROUP            TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID';
const HEADER_22 =
  'TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID';

/** Runs the first broker's command of the state check against a fake install of `version`. */
async function onFakeBroker(version: string, answers: FakeAnswers) {
  const home = await fakeKafkaHome(await mkdtemp(join(root, `k${version}-`)), version, answers);
  const config = join(home, 'config', 'server.properties');
  await writeFile(config, 'broker.id = 1\nzookeeper.connect: 10.0.0.1:2181,\\\n  10.0.0.2:2181/kafka\n');
  const k: KafkaInstall = { name: 'business-kafka', home, config, port: 9092, data: '/app/kafka-logs' };
  const cmd = firstBrokerCommand(k, { bootstrap: '10.0.0.1:9092', brokers: 3, checkLag: true, waitSeconds: 0 });
  const { stdout } = await run('sh', ['-c', `${cmd}; true`]);
  const calls = (await readFile(join(home, 'calls.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return { sections: readSections(stdout), calls };
}

describe('the Kafka version on the host chooses the command form', () => {
  it('knows 2.0.0–2.3.x as list-then-describe, 2.4.0–3.8.x as --all-groups, and nothing else', () => {
    // 2.3.0 (the site's) is asked group by group, with the GROUP column KIP-379 added to --describe.
    expect(kafkaToolForm('2.3.0')).toMatchObject({ groups: 'list-then-describe', groupColumn: true });
    expect(kafkaToolForm('2.4.0')?.groups).toBe('all-groups');
    expect(kafkaToolForm('3.8.1')?.groups).toBe('all-groups');
    expect(kafkaToolForm('2.2.1')?.groups).toBe('list-then-describe');
    expect(kafkaToolForm('2.0.0')?.groups).toBe('list-then-describe');
    for (const v of ['1.1.1', '3.9.0', '4.0.0', '2.3.0-SNAPSHOT', '5.3.0-ccs', '', '2.3'])
      expect(kafkaToolForm(v)).toBeUndefined();
  });

  it("reads the version from the core jar's name on the host, as the table says, ignoring side jars", async () => {
    for (const v of ['2.3.0', '2.2.1', '2.0.0', '3.8.0', '1.1.1', '9.9.9', '2.3.0-SNAPSHOT']) {
      const home = await fakeKafkaHome(await mkdtemp(join(root, 'v-')), v, {});
      const out = (await run('sh', ['-c', readKafkaVersion(home)])).stdout;
      expect(out, v).toContain(
        `jar=kafka_2.12-${v}.jar\nversion=${v}\nform=${kafkaToolForm(v)?.groups ?? 'unknown'}\n`,
      );
      expect(out).not.toContain('sources');
    }
  });

  it('finds no version when the libs hold two core jars or none', async () => {
    const home = await fakeKafkaHome(await mkdtemp(join(root, 'two-')), '2.3.0', {});
    await writeFile(join(home, 'libs', 'kafka_2.12-2.8.1.jar'), '');
    expect((await run('sh', ['-c', readKafkaVersion(home)])).stdout).toMatch(/version=\nform=unknown\n$/);
    expect((await run('sh', ['-c', readKafkaVersion(join(root, 'nothing'))])).stdout).toBe('version=\nform=unknown\n');
  });

  it('on 2.3.0 lists the groups, then describes each with --group and reads its GROUP column', async () => {
    const { calls, sections } = await onFakeBroker('2.3.0', {
      list: { out: 'g1\n' },
      describeGroup: () =>
        `\n${HEADER_23}\ng1               t1              0          5               9               4               c-1             /10.0.0.9       c\n`,
    });
    expect(calls.slice(0, 2)).toEqual([
      '--bootstrap-server|10.0.0.1:9092|--list|',
      '--bootstrap-server|10.0.0.1:9092|--describe|--group|g1|',
    ]);
    const form = kafkaToolForm('2.3.0');
    if (form === undefined) throw new Error('2.3.0 has a form');
    expect(lagFinding(sections, form, 'kafka-1').evidence).toBe(
      'lag left: g1 t1/0 lag 4; wait until consumers catch up',
    );
  });

  it('on 2.4 and later lists the groups, then describes them all with --all-groups; asks ZooKeeper at zookeeper.connect', async () => {
    const { calls, sections } = await onFakeBroker('2.4.1', {
      list: { out: 'g1\n' },
      describeAll: {
        out: `\n${HEADER_23}\ng1               t1              0          5               5               0               c-1             /10.0.0.9       c\n`,
      },
    });
    expect(calls).toEqual([
      '--bootstrap-server|10.0.0.1:9092|--list|',
      '--bootstrap-server|10.0.0.1:9092|--describe|--all-groups|',
      'zookeeper-shell|10.0.0.1:2181,10.0.0.2:2181/kafka|ls|/brokers/ids|',
    ]);
    expect(sections.map((s) => `${s.kind} ${s.exitCode ?? '-'}`)).toEqual([
      'kafka-version 0',
      'groups 0',
      'describe-all 0',
      'brokers 0',
    ]);
  });

  it('on 2.2.1 lists the groups, then describes each with --group (a name with blanks and quotes stays one argument)', async () => {
    const odd = `it's a "group"`;
    const row = (t: string) =>
      `\n${HEADER_22}\n${t.padEnd(15)} 0          7               9               2               -               -               -\n`;
    const { calls, sections } = await onFakeBroker('2.2.1', {
      list: { out: `g1\n${odd}\n` },
      describeGroup: (g) => row(g === 'g1' ? 't1' : 't2'),
    });
    expect(calls.slice(0, 3)).toEqual([
      '--bootstrap-server|10.0.0.1:9092|--list|',
      '--bootstrap-server|10.0.0.1:9092|--describe|--group|g1|',
      `--bootstrap-server|10.0.0.1:9092|--describe|--group|${odd}|`,
    ]);
    const form = kafkaToolForm('2.2.1');
    if (form === undefined) throw new Error('2.2.1 has a form');
    expect(lagFinding(sections, form, 'kafka-1').evidence).toBe(
      `lag left: g1 t1/0 lag 2, ${odd} t2/0 lag 2; wait until consumers catch up`,
    );
  });

  it('runs no Kafka tool at all for a version without a known form', async () => {
    const { calls, sections } = await onFakeBroker('9.9.9', { list: { out: 'g1\n' } });
    expect(calls).toEqual([]);
    expect(sections.map((s) => s.kind)).toEqual(['kafka-version']);
    expect(sections[0]?.lines).toContain('form=unknown');
  });

  it('describes nothing when --list failed (2.3.0 prints Error: on stdout and exits 0)', async () => {
    const error =
      '\nError: Executing consumer group command failed due to org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment.\n';
    const { calls, sections } = await onFakeBroker('2.3.0', { list: { out: error } });
    expect(calls.filter((c) => c.includes('--describe'))).toEqual([]);
    const form = kafkaToolForm('2.3.0');
    if (form === undefined) throw new Error('2.3.0 has a form');
    expect(lagFinding(sections, form, 'kafka-1')).toMatchObject({
      status: 'fail',
      evidence: expect.stringMatching(
        /^kafka-consumer-groups.sh --list ended with exit 0: Error: Executing .*TimeoutException/,
      ),
    });
  });
});
