import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sh } from '../../../src/core/shell-quote.ts';
import { runnerLab, sessionsClosedAfterEach, type RunnerLab } from './runner-lab.ts';

let lab: RunnerLab;
let dir: string;
beforeAll(() => {
  lab = runnerLab();
  dir = mkdtempSync(join(tmpdir(), 'opsgate-upload-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const open = sessionsClosedAfterEach();
const session = () => open([lab.host('fdfs-3')]).session;

function localFile(bytes: number): { path: string; sha256: string } {
  const data = randomBytes(bytes);
  const path = join(dir, `f-${randomBytes(4).toString('hex')}.bin`);
  writeFileSync(path, data);
  return { path, sha256: createHash('sha256').update(data).digest('hex') };
}

describe('SSH session uploads', () => {
  it('uploads by SFTP, verifies the sha256 on the host and sets the mode', async () => {
    const s = session();
    const f = localFile(3 * 1024 * 1024 + 17);
    const remotePath = `/tmp/upload-${Date.now()}.bin`;
    const r = await s.upload('fdfs-3', { localPath: f.path, remotePath, mode: 0o640, sha256: f.sha256 });
    expect(r).toMatchObject({ host: 'fdfs-3', remotePath, bytes: 3 * 1024 * 1024 + 17, sha256: f.sha256 });
    const onHost = await lab.inHost('fdfs-3', sh`sha256sum ${remotePath} | cut -d' ' -f1; stat -c %a ${remotePath}`);
    expect(onHost.trim().split('\n')).toEqual([f.sha256, '640']);
  });

  it('throws SSH_CHECKSUM_MISMATCH and leaves neither the target nor a partial file when the digest differs', async () => {
    const s = session();
    const f = localFile(4096);
    const name = `mismatch-${Date.now()}.bin`;
    const remotePath = `/tmp/${name}`;
    const wrong = createHash('sha256').update('something else').digest('hex');
    const err = await s.upload('fdfs-3', { localPath: f.path, remotePath, sha256: wrong }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'SSH_CHECKSUM_MISMATCH',
      fields: { host: 'fdfs-3', remotePath, expected: wrong, actual: f.sha256 },
    });
    expect((await lab.inHost('fdfs-3', sh`ls -a /tmp | grep -c ${name} || true`)).trim()).toBe('0');
  });

  it('names the host and the path when the target directory does not exist, leaving nothing behind', async () => {
    const s = session();
    const f = localFile(10);
    await expect(s.upload('fdfs-3', { localPath: f.path, remotePath: '/no/such/dir/file.bin' })).rejects.toMatchObject({
      code: 'SSH_TRANSFER_FAILED',
      fields: { host: 'fdfs-3' },
    });
  });
});
