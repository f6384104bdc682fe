import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { addLogSecrets, createOpsLogger } from '../../../../src/adapters/ops/create-ops-logger.ts';
import { withLogContext } from '../../../../src/adapters/ops/with-log-context.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: createOpsLogger({ level: 'info', format: 'json', base: { proc: 'test' }, destination }) };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('createOpsLogger', () => {
  it('writes JSON lines with secret-named fields censored', async () => {
    const { lines, log } = capture();
    log.info({ host: 'redis-a', password: 'pw-1', ssh: { privateKey: 'KEY' } }, 'connecting');
    await flush();
    expect(lines[0]).toMatchObject({
      msg: 'connecting',
      host: 'redis-a',
      password: '***',
      ssh: { privateKey: '***' },
      proc: 'test',
    });
  });

  it('scrubs a known secret value wherever it shows up, also in child loggers', async () => {
    const { lines, log } = capture();
    addLogSecrets(log, ['Sup3rSecret!']);
    const child = log.child({ runId: 'run_1' });
    child.warn(
      { command: 'redis-cli -a Sup3rSecret! ping', err: new Error('auth Sup3rSecret! refused') },
      'step output Sup3rSecret!',
    );
    await flush();
    const text = JSON.stringify(lines);
    expect(text).not.toContain('Sup3rSecret!');
    expect(lines[0]).toMatchObject({ runId: 'run_1', command: 'redis-cli -a *** ping', msg: 'step output ***' });
  });

  it('adds the running job fields (run, step) to every line under withLogContext', async () => {
    const { lines, log } = capture();
    await withLogContext({ runId: 'run_2', stepId: 'move-dir' }, async () => {
      log.info({ host: 'fdfs-3' }, 'command finished');
    });
    log.info({}, 'outside');
    await flush();
    expect(lines[0]).toMatchObject({ runId: 'run_2', stepId: 'move-dir', host: 'fdfs-3' });
    expect(lines[1]?.runId).toBeUndefined();
  });
});
