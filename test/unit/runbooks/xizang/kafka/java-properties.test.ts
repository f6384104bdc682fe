import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalisePath, propertyOf, readProperties } from '../../../../../src/runbooks/xizang/kafka/java-properties.ts';

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opsgate-properties-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `text` to a file and reads `keys` from it with the shell fragment, as a host would. */
async function read(text: string, keys: string[]): Promise<{ lines: string[]; code: number }> {
  const file = join(dir, `f${Math.random().toString(36).slice(2)}.properties`);
  await writeFile(file, text, 'latin1');
  try {
    const { stdout } = await run('sh', ['-c', readProperties(file, keys)]);
    return { lines: stdout.split('\n').filter(Boolean), code: 0 };
  } catch (e) {
    const err = e as { stdout: string; code: number };
    return { lines: err.stdout.split('\n').filter(Boolean), code: err.code };
  }
}

describe('server.properties and zoo.cfg read as java.util.Properties reads them', () => {
  it('takes `=`, `:` and blanks as separators, skips # and ! comments, joins continued lines, keeps the last value', async () => {
    const text = [
      '# Kafka 2.3.0 broker \\',
      '  ! written by hand \\',
      'broker.id = 2   ',
      'listeners = PLAINTEXT://:9092',
      'num.partitions    3',
      'zookeeper.connect: 10.0.0.1:2181,\\',
      '    10.0.0.2:2181,\\',
      '    10.0.0.3:2181/kafka',
      'log.dirs=/tmp/kafka-logs',
      '\tlog.dirs = /app/kafka-logs/',
    ].join('\n');
    const { lines } = await read(text, ['broker.id', 'listeners', 'num.partitions', 'zookeeper.connect', 'log.dirs']);
    expect(lines).toEqual([
      'broker.id=2',
      'listeners=PLAINTEXT://:9092',
      'num.partitions=3',
      'zookeeper.connect=10.0.0.1:2181,10.0.0.2:2181,10.0.0.3:2181/kafka',
      'log.dirs=/app/kafka-logs/',
    ]);
  });

  it('unescapes keys and values (\\uXXXX as UTF-8, \\t, an escaped separator) and reads CRLF files', async () => {
    const text = 'da\\=ta\\ Dir = x\r\ndataDir=/srv/caf\\u00e9\\\\zk\r\nclientPort\t2181\r\nkey\\:x:\\ty\r\n';
    const { lines } = await read(text, ['dataDir', 'clientPort']);
    expect(lines).toEqual(['dataDir=/srv/café\\zk', 'clientPort=2181']);
    expect((await read(text, ['dataDir'])).lines).toEqual(['dataDir=/srv/café\\zk']);
  });

  it('prints nothing for a key that is not set, an empty value for one set empty, and fails on an unreadable file', async () => {
    expect((await read('a=1\nempty=\n', ['b', 'empty'])).lines).toEqual(['empty=']);
    const missing = await run('sh', ['-c', `${readProperties(join(dir, 'nope.cfg'), ['dataDir'])}; echo "rc=$?"`]);
    expect(missing.stdout).toBe(`cannot read ${join(dir, 'nope.cfg')}\nrc=2\n`);
    expect(() => readProperties('/x', ['a b'])).toThrow(/not a plain properties key/);
  });

  it('gives the value of a key from the printed lines', () => {
    expect(propertyOf(['log.dirs=/a', 'log.dir=/b'], 'log.dir')).toBe('/b');
    expect(propertyOf(['log.dirs=/a'], 'port')).toBeUndefined();
  });
});

describe('normalisePath', () => {
  it('compares directories as Java File and the shell see them', () => {
    expect(normalisePath('/app/kafka-logs/')).toBe('/app/kafka-logs');
    expect(normalisePath('/app//soft/./zk/../zookeeper/data/')).toBe('/app/soft/zookeeper/data');
    expect(normalisePath('/')).toBe('/');
    expect(normalisePath('/../x')).toBe('/x');
  });
});
