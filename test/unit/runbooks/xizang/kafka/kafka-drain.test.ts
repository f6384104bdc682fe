import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSections } from '../../../../../src/runbooks/xizang/shared/sections.ts';
import { firstBrokerCommand, type KafkaInstall } from '../../../../../src/runbooks/xizang/kafka/kafka-probes.ts';
import { kafkaToolForm } from '../../../../../src/runbooks/xizang/kafka/kafka-version.ts';
import { lagFinding } from '../../../../../src/runbooks/xizang/kafka/consumer-lag.ts';
import { parseProgressMark } from '../../../../../src/core/plan/progress-mark.ts';
import { fakeKafkaHome } from './fake-kafka.ts';

const run = promisify(execFile);
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'opsgate-kafka-drain-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const HEADER =
  'GROUP            TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID';

/**
 * A 2.4 install whose consumers catch up: each `--describe --all-groups` shows 10 messages less lag per partition
 * (from `start`, never below 0); `sleep` returns at once, so the drain's 10 s pauses cost nothing here.
 */
async function drainingBroker(start: number, drainSeconds: number) {
  const home = await fakeKafkaHome(await mkdtemp(join(root, 'k-')), '2.4.1', { list: { out: 'billing\n' } });
  const row = (p: number) =>
    `billing          orders          ${p}          100             $((100 + l))             $l               c-1             /10.0.0.9       c`;
  await writeFile(
    join(home, 'bin', 'kafka-consumer-groups.sh'),
    [
      '#!/bin/sh',
      `D=${JSON.stringify(home)}`,
      'for a in "$@"; do [ "$a" = --list ] && { echo billing; exit 0; }; done',
      'n=$(cat "$D/n" 2>/dev/null || echo 0); echo $((n + 1)) > "$D/n"',
      `l=$((${start} - 10 * n)); [ $l -lt 0 ] && l=0`,
      `echo "${HEADER}"`,
      `echo "${row(0)}"`,
      `echo "${row(1)}"`,
    ].join('\n'),
  );
  const bin = join(home, 'fakebin');
  await mkdir(bin);
  await writeFile(join(bin, 'sleep'), '#!/bin/sh\nexit 0\n');
  await chmod(join(bin, 'sleep'), 0o755);
  const config = join(home, 'config', 'server.properties');
  await writeFile(config, 'broker.id = 1\nzookeeper.connect=10.0.0.1:2181\n');
  const k: KafkaInstall = { name: 'business-kafka', home, config, port: 9092, data: '/app/kafka-logs' };
  const cmd = firstBrokerCommand(k, {
    bootstrap: '10.0.0.1:9092',
    brokers: 3,
    checkLag: true,
    waitSeconds: 0,
    drainSeconds,
  });
  const { stdout, stderr } = await run('sh', ['-c', `${cmd}; true`], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
  });
  const describes = Number(await readFile(join(home, 'n'), 'utf8'));
  const progress = stderr.split('\n').flatMap((l) => parseProgressMark(l) ?? []);
  return { sections: readSections(stdout), progress, describes };
}

describe('draining Kafka before the upgrade', () => {
  it('reads the lag every poll, shows what Kafka reports, and stops waiting once it is 0', async () => {
    const { sections, progress, describes } = await drainingBroker(25, 120);
    expect(progress).toEqual([
      { awaited: 'consumer lag of business-kafka reaches 0', value: 'total lag 50 on 2 partition(s)' },
      { awaited: 'consumer lag of business-kafka reaches 0', value: 'total lag 30 on 2 partition(s)' },
      { awaited: 'consumer lag of business-kafka reaches 0', value: 'total lag 10 on 2 partition(s)' },
      { awaited: 'consumer lag of business-kafka reaches 0', value: 'total lag 0 on 2 partition(s)' },
    ]);
    // Four readings while draining, then the one the check decides on.
    expect(describes).toBe(5);
    const form = kafkaToolForm('2.4.1');
    if (form === undefined) throw new Error('2.4.1 has a form');
    expect(lagFinding(sections, form, 'kafka-1')).toMatchObject({ status: 'pass' });
  });

  it('gives up after drainSeconds and lets the check refuse on the lag left', async () => {
    const { sections, progress } = await drainingBroker(1000, 20);
    expect(progress.map((p) => p.value)).toEqual([
      'total lag 2000 on 2 partition(s)',
      'total lag 1980 on 2 partition(s)',
      'total lag 1960 on 2 partition(s)',
    ]);
    const form = kafkaToolForm('2.4.1');
    if (form === undefined) throw new Error('2.4.1 has a form');
    expect(lagFinding(sections, form, 'kafka-1')).toMatchObject({ status: 'fail' });
  });

  it('reads the lag once, without a drain, when the site gives no drainSeconds', async () => {
    const { progress, describes } = await drainingBroker(25, 0);
    expect(progress).toEqual([]);
    expect(describes).toBe(1);
  });
});
