import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OutputChunk } from '../../../src/core/ports/remote.ts';
import { sh } from '../../../src/core/shell-quote.ts';
import { runnerLab, sessionsClosedAfterEach, type RunnerLab } from './runner-lab.ts';

let lab: RunnerLab;
beforeAll(() => {
  lab = runnerLab();
});
const session = sessionsClosedAfterEach();

/** Processes on a host whose command line contains `marker` (seen from inside the host, not over ssh). */
async function processesWith(host: string, marker: string): Promise<string[]> {
  const ps = await lab.inHost(host, 'ps -eo stat=,args=');
  return ps.split('\n').filter((l) => l.includes(marker) && !l.trim().startsWith('Z'));
}

const FOUR = ['kafka-1', 'kafka-2', 'kafka-3', 'fdfs-3'];

describe('SSH session commands', () => {
  it('returns exit code, stdout and stderr per host and streams output as it comes', async () => {
    const { session: s } = session([lab.host('paas-1')]);
    const chunks: OutputChunk[] = [];
    const r = await s.exec(
      'paas-1',
      { command: 'echo out; echo err >&2; exit 3' },
      { onOutput: (c) => chunks.push(c) },
    );
    expect([r.exitCode, r.stdout.head, r.stderr.head]).toEqual([3, 'out\n', 'err\n']);
    expect(chunks).toEqual([
      { host: 'paas-1', stream: 'stdout', text: 'out\n' },
      { host: 'paas-1', stream: 'stderr', text: 'err\n' },
    ]);
  });

  it('throws SSH_NON_ZERO_EXIT with the output when check is set', async () => {
    const { session: s } = session([lab.host('paas-1')]);
    await expect(s.exec('paas-1', { command: 'echo nope >&2; exit 4', check: true })).rejects.toMatchObject({
      code: 'SSH_NON_ZERO_EXIT',
      fields: { host: 'paas-1', exitCode: 4 },
      result: { stderr: { head: 'nope\n' } },
    });
  });

  it('passes stdin and keeps hostile values as single arguments', async () => {
    const { session: s } = session([lab.host('paas-1')]);
    const hostile = `it's $(hostname) \`id\`; * \n -rf`;
    const r = await s.exec('paas-1', { command: sh`printf '%s|' ${hostile} ${''}; cat`, stdin: 'from stdin' });
    expect(r.stdout.head).toBe(`${hostile}||from stdin`);
  });

  it('fans out in the given order with at most `concurrency` hosts at once, seen from the hosts', async () => {
    const { session: s } = session(FOUR.map((h) => lab.host(h)));
    const mark = `/tmp/fanout-${Date.now()}`;
    const outcomes = await s.fanOut(
      FOUR,
      () => ({ command: sh`date +%s%N > ${mark}.start; sleep 0.4; date +%s%N > ${mark}.end` }),
      { concurrency: 2 },
    );
    expect(outcomes.map((o) => [o.host, o.status])).toEqual(FOUR.map((h) => [h, 'done']));
    const spans = await Promise.all(
      FOUR.map(
        async (h) =>
          (await lab.inHost(h, sh`cat ${mark}.start ${mark}.end`)).trim().split('\n').map(BigInt) as [bigint, bigint],
      ),
    );
    const overlap = (t: bigint): number => spans.filter(([a, b]) => a <= t && t < b).length;
    expect(Math.max(...spans.map(([a]) => overlap(a)))).toBeLessThanOrEqual(2);
    // The third and fourth hosts only start after one of the first two finished.
    const firstEnd = spans[0]![1] < spans[1]![1] ? spans[0]![1] : spans[1]![1];
    expect(spans[2]![0] >= firstEnd).toBe(true);
    expect(spans[3]![0] >= firstEnd).toBe(true);
  });

  it('one at a time runs hosts in order and stops at the first failure', async () => {
    const { session: s } = session(FOUR.map((h) => lab.host(h)));
    const mark = `/tmp/serial-${Date.now()}`;
    const outcomes = await s.fanOut(FOUR, (h) => ({ command: sh`date +%s%N > ${mark}; test ${h} != kafka-2` }), {
      oneAtATime: true,
    });
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'done', 'skipped', 'skipped']);
    expect((await lab.inHost('kafka-3', sh`test -e ${mark} && echo ran || echo untouched`)).trim()).toBe('untouched');
    const [t1, t2] = await Promise.all(
      ['kafka-1', 'kafka-2'].map(async (h) => BigInt((await lab.inHost(h, sh`cat ${mark}`)).trim())),
    );
    expect(t1! < t2!).toBe(true);
  });

  it('gives a dead host an error outcome naming it while the other hosts carry on', async () => {
    const { session: s } = session(['kafka-1', 'kafka-2', 'kafka-3'].map((h) => lab.host(h, { readyTimeoutMs: 3000 })));
    await lab.link('kafka-2', 'down');
    try {
      const outcomes = await s.fanOut(['kafka-1', 'kafka-2', 'kafka-3'], () => ({ command: 'hostname' }));
      expect(outcomes.map((o) => o.status)).toEqual(['done', 'error', 'done']);
      const dead = outcomes[1];
      expect(dead?.status === 'error' && dead.error).toMatchObject({
        code: 'SSH_UNREACHABLE',
        fields: { host: 'kafka-2' },
      });
    } finally {
      await lab.link('kafka-2', 'up');
    }
  });

  it('kills the command and everything it started when it times out', async () => {
    const { session: s } = session([lab.host('fdfs-3')]);
    const marker = `sleep 7${Date.now() % 100000}`;
    const err = await s
      .exec('fdfs-3', { command: `${marker}1 & ${marker}2 & (${marker}3; echo never) ; wait`, timeoutMs: 1500 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SSH_TIMEOUT', fields: { host: 'fdfs-3', timeoutMs: 1500, killed: true } });
    expect(await processesWith('fdfs-3', marker)).toEqual([]);
  });

  it('kills the remote command when the caller aborts', async () => {
    const { session: s } = session([lab.host('fdfs-3')]);
    const marker = `sleep 8${Date.now() % 100000}`;
    const ac = new AbortController();
    const running = s.exec('fdfs-3', { command: `${marker} & wait` }, { signal: ac.signal, onOutput: () => undefined });
    setTimeout(() => ac.abort(), 800);
    await expect(running).rejects.toMatchObject({ code: 'SSH_ABORTED', fields: { killed: true } });
    expect(await processesWith('fdfs-3', marker)).toEqual([]);
  });

  it('keeps 10 MB of output bounded in memory and spools all of it, matching the digest', async () => {
    const { session: s, spoolDir } = session([lab.host('paas-2')]);
    const line = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+-=\n';
    const size = 10 * 1024 * 1024;
    const r = await s.exec('paas-2', { command: sh`yes ${line.trimEnd()} | head -c ${size}` });
    const expected = line.repeat(Math.ceil(size / line.length)).slice(0, size);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatchObject({ truncated: true, totalBytes: size });
    expect(Buffer.byteLength(r.stdout.head)).toBeLessThanOrEqual(64 * 1024);
    expect(Buffer.byteLength(r.stdout.tail)).toBeLessThanOrEqual(64 * 1024);
    expect(r.stdout.spoolPath?.startsWith(spoolDir)).toBe(true);
    const spooled = readFileSync(r.stdout.spoolPath!);
    expect(statSync(r.stdout.spoolPath!).size).toBe(size);
    expect(createHash('sha256').update(spooled).digest('hex')).toBe(r.stdout.sha256);
    expect(r.stdout.sha256).toBe(createHash('sha256').update(expected).digest('hex'));
  });

  it('never lets a secret printed by a command reach the capture, the stream or the spool file', async () => {
    const secret = lab.secret('redis-password');
    const { session: s } = session([lab.host('redis-a')], { secrets: [secret] });
    const chunks: string[] = [];
    // The command reads the secret on the host (it is not in the command line) and prints it 20 000 times,
    // well past the in-memory budget, with odd offsets so that it lands across chunk boundaries.
    const r = await s.exec(
      'redis-a',
      {
        command: `p=$(cat /lab-secrets/redis-password); i=0; while [ $i -lt 20000 ]; do printf 'x%.*s%s;' $((i % 7)) abcdefg "$p"; printf '%s\\n' "$p" >&2; i=$((i+1)); done`,
      },
      { onOutput: (c) => chunks.push(c.text) },
    );
    expect(r.exitCode).toBe(0);
    expect(r.stdout.truncated).toBe(true);
    const everything = [
      chunks.join(''),
      r.stdout.head,
      r.stdout.tail,
      r.stderr.head,
      r.stderr.tail,
      readFileSync(r.stdout.spoolPath!, 'utf8'),
    ];
    if (r.stderr.spoolPath !== undefined) everything.push(readFileSync(r.stderr.spoolPath, 'utf8'));
    for (const text of everything) expect(text.includes(secret)).toBe(false);
    expect(chunks.join('').split('***').length - 1).toBe(40000);
  });

  it('redacts a secret learned during the run from the command line it echoes', async () => {
    const { session: s } = session([lab.host('paas-1')]);
    s.learnSecret('Learned_Pw_42');
    const r = await s.exec('paas-1', { command: 'echo Learned_Pw_42' });
    expect([r.command, r.stdout.head]).toEqual(['echo ***', '***\n']);
  });
});
