import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandRequest, OutputChunk, RemoteSession } from '../../../src/core/ports/remote.ts';

/**
 * A session under test and what the suite needs to know about its hosts. The suite's commands stay within what
 * both a real host's shell and `FakeRemote`'s tiny host understand: `echo X`, `echo X >&2`, `echo X >> F`, `cat`,
 * `exit N`, `sleep N`, `test -e P`, `ls -ld P`, joined with ` && `.
 */
export interface RemoteSessionFixture {
  readonly session: RemoteSession;
  /** Three reachable hosts of the session, by site-file name. */
  readonly hosts: readonly [string, string, string];
  /** A host of the session at an address where nothing answers. */
  readonly unreachable: string;
  /** An absolute path of an empty directory on every reachable host, for this test alone. */
  readonly scratch: string;
  close(): Promise<void>;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The behaviour every RemoteSession must have, run against the fake and the SSH runner on the site lab alike. */
export function remoteSessionContract(name: string, factory: () => Promise<RemoteSessionFixture>): void {
  describe(`RemoteSession contract: ${name}`, () => {
    let fx: RemoteSessionFixture;
    let session: RemoteSession;
    let a: string;
    let b: string;
    let c: string;
    beforeEach(async () => {
      fx = await factory();
      session = fx.session;
      [a, b, c] = fx.hosts;
    });
    afterEach(async () => {
      await fx.close();
    });
    const exitCodeOf = async (host: string, command: string): Promise<number | null> =>
      (await session.exec(host, { command })).exitCode;

    it('keeps exit code, stdout and stderr apart, each with its size and digest', async () => {
      const command = 'echo out && echo err >&2 && exit 3';
      const r = await session.exec(a, { command });
      expect(r).toMatchObject({ host: a, command, exitCode: 3 });
      expect(r.signal).toBeUndefined();
      expect(r.stdout).toMatchObject({
        head: 'out\n',
        tail: '',
        totalBytes: 4,
        truncated: false,
        sha256: sha256('out\n'),
      });
      expect(r.stderr).toMatchObject({
        head: 'err\n',
        tail: '',
        totalBytes: 4,
        truncated: false,
        sha256: sha256('err\n'),
      });
    });

    it('returns a failing command as its result, with the complaint on stderr, instead of throwing', async () => {
      const missing = `${fx.scratch}/missing`;
      const r = await session.exec(a, { command: `ls -ld ${missing}` });
      expect(r.exitCode).toBe(2);
      expect(r.stdout.head).toBe('');
      expect(r.stderr.head).toContain(missing);
    });

    it('throws SSH_NON_ZERO_EXIT carrying the result when check is set, and returns a success as usual', async () => {
      await expect(session.exec(a, { command: 'echo nope >&2 && exit 4', check: true })).rejects.toMatchObject({
        code: 'SSH_NON_ZERO_EXIT',
        fields: { host: a, exitCode: 4 },
        result: { host: a, exitCode: 4, stderr: { head: 'nope\n' } },
      });
      expect((await session.exec(a, { command: 'echo fine', check: true })).stdout.head).toBe('fine\n');
    });

    it('feeds stdin to the command', async () => {
      const r = await session.exec(a, { command: 'cat', stdin: 'line one\nline two\n' });
      expect(r.stdout.head).toBe('line one\nline two\n');
    });

    it('streams output to onOutput tagged with its host and stream, adding up to what was captured', async () => {
      const chunks: OutputChunk[] = [];
      const r = await session.exec(
        a,
        { command: 'echo out && echo err >&2' },
        { onOutput: (chunk) => chunks.push(chunk) },
      );
      const streamed = (stream: OutputChunk['stream']): string =>
        chunks
          .filter((chunk) => chunk.stream === stream)
          .map((chunk) => chunk.text)
          .join('');
      expect([streamed('stdout'), streamed('stderr')]).toEqual(['out\n', 'err\n']);
      expect([r.stdout.head, r.stderr.head]).toEqual(['out\n', 'err\n']);
      expect(chunks.filter((chunk) => chunk.host !== a)).toEqual([]);
    });

    it('keeps a learned secret out of the output, its digest, the streamed chunks, the command line and redact()', async () => {
      const secret = `Pw-${randomUUID()}`;
      session.learnSecret(secret);
      const streamed: string[] = [];
      const r = await session.exec(
        a,
        { command: `echo ${secret} && echo ${secret} >&2` },
        { onOutput: (chunk) => streamed.push(chunk.text) },
      );
      expect([r.command, r.stdout.head, r.stderr.head]).toEqual(['echo *** && echo *** >&2', '***\n', '***\n']);
      expect(r.stdout.sha256).toBe(sha256('***\n'));
      expect(streamed.join('')).toContain('***');
      expect(streamed.join('')).not.toContain(secret);
      expect(session.redact(`password=${secret};`)).toBe('password=***;');
    });

    it('replaces a secret that contains a shorter one whole, and ignores an empty secret', () => {
      session.learnSecret('');
      expect(session.redact('nothing secret here')).toBe('nothing secret here');
      session.learnSecret('tok');
      session.learnSecret('token-123');
      expect(session.redact('token-123 tok')).toBe('*** ***');
    });

    it('stops a command that outlives its timeout with SSH_TIMEOUT naming the host; the host stays usable', async () => {
      const late = `${fx.scratch}/late`;
      const err = await session
        .exec(a, { command: `sleep 5 && echo late >> ${late}`, timeoutMs: 500 })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'SSH_TIMEOUT', fields: { host: a, timeoutMs: 500, killed: true } });
      expect(await exitCodeOf(a, `test -e ${late}`)).toBe(1);
      expect((await session.exec(a, { command: 'echo after' })).stdout.head).toBe('after\n');
    });

    it('fans out with one outcome per host, in the order given; a failing host does not stop the others', async () => {
      const outcomes = await session.fanOut([c, a, b], (h) => ({ command: `echo ${h} && exit ${h === a ? 1 : 0}` }));
      expect(
        outcomes.map((o) =>
          o.status === 'done' ? [o.host, o.result.host, o.result.exitCode, o.result.stdout.head] : o,
        ),
      ).toEqual([
        [c, c, 0, `${c}\n`],
        [a, a, 1, `${a}\n`],
        [b, b, 0, `${b}\n`],
      ]);
    });

    it('one at a time, runs the hosts in order and starts none after the first failure', async () => {
      const mark = (h: string): string => `${fx.scratch}/ran-${h}`;
      const run = (h: string): CommandRequest => ({ command: `echo ${h} >> ${mark(h)} && exit ${h === b ? 1 : 0}` });
      const outcomes = await session.fanOut([a, b, c], run, { oneAtATime: true });
      expect(outcomes.map((o) => [o.host, o.status])).toEqual([
        [a, 'done'],
        [b, 'done'],
        [c, 'skipped'],
      ]);
      expect(await exitCodeOf(c, `test -e ${mark(c)}`)).toBe(1);
    });

    it('with stopOnFailure holds back only hosts not started yet: with room for every host, all of them run', async () => {
      const run = (h: string): CommandRequest => ({ command: `exit ${h === a ? 1 : 0}` });
      const narrow = await session.fanOut([a, b, c], run, { stopOnFailure: true, concurrency: 1 });
      expect(narrow.map((o) => o.status)).toEqual(['done', 'skipped', 'skipped']);
      const wide = await session.fanOut([a, b, c], run, { stopOnFailure: true });
      expect(wide.map((o) => o.status)).toEqual(['done', 'done', 'done']);
    });

    it('gives an unreachable host an error outcome naming it while the other hosts carry on', async () => {
      const outcomes = await session.fanOut([a, fx.unreachable, b], () => ({ command: 'echo hi' }));
      expect(outcomes.map((o) => [o.host, o.status])).toEqual([
        [a, 'done'],
        [fx.unreachable, 'error'],
        [b, 'done'],
      ]);
      const dead = outcomes[1];
      expect(dead?.status === 'error' && dead.error).toMatchObject({
        code: 'SSH_UNREACHABLE',
        retryable: true,
        fields: { host: fx.unreachable },
      });
      await expect(session.exec(fx.unreachable, { command: 'true' })).rejects.toMatchObject({
        code: 'SSH_UNREACHABLE',
      });
    });

    it('refuses a host it was not given, in exec and in fanOut, before running anything anywhere', async () => {
      const mark = `${fx.scratch}/ran`;
      await expect(session.exec('no-such-host', { command: 'true' })).rejects.toMatchObject({
        code: 'SSH_HOST_NOT_CONFIGURED',
        fields: { host: 'no-such-host' },
      });
      await expect(session.fanOut([a, 'no-such-host'], () => ({ command: `echo x >> ${mark}` }))).rejects.toMatchObject(
        {
          code: 'SSH_HOST_NOT_CONFIGURED',
        },
      );
      expect(await exitCodeOf(a, `test -e ${mark}`)).toBe(1);
    });

    it('starts nothing once the caller has aborted', async () => {
      const mark = `${fx.scratch}/ran`;
      const aborted = AbortSignal.abort();
      await expect(session.exec(a, { command: `echo x >> ${mark}` }, { signal: aborted })).rejects.toMatchObject({
        code: 'SSH_ABORTED',
        fields: { host: a, killed: 'not started' },
      });
      const outcomes = await session.fanOut([a, b, c], () => ({ command: `echo x >> ${mark}` }), { signal: aborted });
      expect(outcomes.map((o) => o.status)).toEqual(['skipped', 'skipped', 'skipped']);
      expect(await exitCodeOf(a, `test -e ${mark}`)).toBe(1);
    });

    describe('uploads', () => {
      let dir: string;
      let localPath: string;
      const content = 'opsgate contract upload\n';
      beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), 'opsgate-contract-'));
        localPath = join(dir, 'file.txt');
        writeFileSync(localPath, content);
      });
      afterEach(() => rmSync(dir, { recursive: true, force: true }));

      it('uploads a file, reporting its size and sha256, and the file is then on the host', async () => {
        const remotePath = `${fx.scratch}/uploaded.txt`;
        const r = await session.upload(a, { localPath, remotePath, sha256: sha256(content) });
        expect(r).toMatchObject({ host: a, remotePath, bytes: Buffer.byteLength(content), sha256: sha256(content) });
        expect(await exitCodeOf(a, `test -e ${remotePath}`)).toBe(0);
      });

      it('refuses a file without the expected sha256 with SSH_CHECKSUM_MISMATCH, leaving nothing at the target', async () => {
        const remotePath = `${fx.scratch}/uploaded.txt`;
        const expected = '0'.repeat(64);
        await expect(session.upload(a, { localPath, remotePath, sha256: expected })).rejects.toMatchObject({
          code: 'SSH_CHECKSUM_MISMATCH',
          fields: { host: a, remotePath, expected, actual: sha256(content) },
        });
        expect(await exitCodeOf(a, `test -e ${remotePath}`)).toBe(1);
      });
    });

    it('can be closed twice, and refuses commands once closed', async () => {
      await session.exec(a, { command: 'true' });
      await session.close();
      await session.close();
      await expect(session.exec(a, { command: 'true' })).rejects.toMatchObject({
        code: 'SSH_UNREACHABLE',
        fields: { host: a },
      });
    });
  });
}
