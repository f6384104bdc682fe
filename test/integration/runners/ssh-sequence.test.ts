import { beforeAll, describe, expect, it } from 'vitest';
import type { CommandOutcome } from '../../../src/runners/ssh/fan-out-sequence-hosts.ts';
import { sh } from '../../../src/core/shell-quote.ts';
import { runnerLab, sessionsClosedAfterEach, type RunnerLab } from './runner-lab.ts';

let lab: RunnerLab;
beforeAll(() => {
  lab = runnerLab();
});
const session = sessionsClosedAfterEach();

const TWO = ['kafka-1', 'kafka-2'];

/** exit code, stdout, stderr of a command's outcome, or its status when it has no result. */
const brief = (o: CommandOutcome | undefined): unknown =>
  o?.status === 'done' ? [o.result.exitCode, o.result.stdout.head, o.result.stderr.head] : o?.status;

describe('SSH session command lists per host (fanOutSequence)', () => {
  it('runs each host’s commands in order over one connection, each with its own exit code, stdout and stderr', async () => {
    const { session: s } = session(TWO.map((h) => lab.host(h)));
    const file = `/tmp/opsgate-seq-${Date.now()}`;
    const out = await s.fanOutSequence(TWO, (host) => [
      { command: sh`echo 1 >> ${file}; echo "$PPID" >> ${file}.sshd; echo one-${host}` },
      { command: sh`echo 2 >> ${file}; echo "$PPID" >> ${file}.sshd; echo bad >&2; exit 3` },
      { command: sh`echo 3 >> ${file}; echo "$PPID" >> ${file}.sshd; echo three` },
    ]);
    expect(out.map((h) => h.host)).toEqual(TWO);
    for (const [i, host] of TWO.entries()) {
      expect(out[i]?.outcomes.map(brief)).toEqual([
        [0, `one-${host}\n`, ''],
        [3, '', 'bad\n'],
        [0, 'three\n', ''],
      ]);
      expect(await lab.inHost(host, sh`cat ${file}; rm -f ${file}`)).toBe('1\n2\n3\n');
      // Every command's shell is a child of the same sshd connection process: one connection, three channels.
      const parents = (await lab.inHost(host, sh`cat ${file}.sshd; rm -f ${file}.sshd`)).trim().split('\n');
      expect(parents).toHaveLength(3);
      expect(new Set(parents).size).toBe(1);
    }
  });

  it('kills a timed-out command with everything it started, then runs the host’s next command', async () => {
    const { session: s } = session([lab.host('fdfs-3')]);
    const marker = `sleep 8${Date.now() % 100000}`;
    const out = await s.fanOutSequence(['fdfs-3'], () => [
      { command: `${marker}1 & ${marker}2 & wait`, timeoutMs: 1500 },
      { command: 'echo after' },
    ]);
    const [timedOut, after] = out[0]?.outcomes ?? [];
    expect(timedOut?.status === 'error' && timedOut.error).toMatchObject({
      code: 'SSH_TIMEOUT',
      fields: { host: 'fdfs-3', killed: true },
    });
    expect(brief(after)).toEqual([0, 'after\n', '']);
    const ps = await lab.inHost('fdfs-3', 'ps -eo stat=,args=');
    expect(ps.split('\n').filter((l) => l.includes(marker) && !l.trim().startsWith('Z'))).toEqual([]);
  });

  it('with several channels per host keeps every command’s output apart and returns them in list order', async () => {
    const { session: s } = session([lab.host('kafka-3')]);
    const lists = Array.from({ length: 12 }, (_, i) => ({
      command: `sleep 0.${(12 - i) % 4}; echo out${i}; echo err${i} >&2; exit ${i % 3}`,
    }));
    const out = await s.fanOutSequence(['kafka-3'], () => lists, { channelsPerHost: 4 });
    expect(out[0]?.outcomes.map(brief)).toEqual(lists.map((_, i) => [i % 3, `out${i}\n`, `err${i}\n`]));
  });

  it('gives an unreachable host one error and skips its other commands while the other host runs them all', async () => {
    const { session: s } = session([
      lab.host('kafka-1'),
      lab.host('kafka-2', { address: `${lab.net}.250`, readyTimeoutMs: 1500 }),
    ]);
    const out = await s.fanOutSequence(['kafka-1', 'kafka-2'], () => [{ command: 'echo a' }, { command: 'echo b' }]);
    expect(out[0]?.outcomes.map((o) => o.status)).toEqual(['done', 'done']);
    const [first, second] = out[1]?.outcomes ?? [];
    expect(first?.status === 'error' && first.error).toMatchObject({
      code: 'SSH_UNREACHABLE',
      fields: { host: 'kafka-2' },
    });
    expect(second?.status).toBe('skipped');
  });

  it('rejects an unknown host or an empty command before touching any host', async () => {
    const { session: s } = session([lab.host('kafka-1')]);
    await expect(s.fanOutSequence(['kafka-1', 'nope'], () => [{ command: 'echo x' }])).rejects.toMatchObject({
      code: 'SSH_HOST_NOT_CONFIGURED',
    });
    await expect(s.fanOutSequence(['kafka-1'], () => [{ command: 'echo x' }, { command: ' ' }])).rejects.toMatchObject({
      code: 'SSH_CONFIG_INVALID',
    });
  });
});
