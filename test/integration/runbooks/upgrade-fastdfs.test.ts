import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existing, onHost } from './lab-state.ts';
import { XizangCli } from './xizang-cli.ts';

const UPGRADE = '/upgrade xizang fastdfs';
const AS = ['--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1'];
const OLD = [
  '/app/tracker',
  '/app/storage',
  '/usr/local/nginx',
  '/etc/init.d/fdfs_trackerd',
  '/etc/init.d/fdfs_storaged',
  '/etc/init.d/nginx',
];
const runIdOf = (events: readonly { runId?: string }[]) => events.find((e) => e.runId !== undefined)?.runId ?? '';
const files = (host: string, dir: string) =>
  onHost(host, `cd ${dir} && find . -type f | LC_ALL=C sort | xargs -r sha256sum | sha256sum`);

describe('/upgrade xizang fastdfs in the site lab', () => {
  let cli: XizangCli;
  beforeEach(() => {
    cli = new XizangCli();
  });
  afterEach(async () => {
    await cli.close();
  });

  it('rolls back after a rejection at the second storage: every old path back, the stored files unchanged', async () => {
    const before = await files('fdfs-2', '/mysql/storage0/data');
    const r = await cli.run(UPGRADE, ...AS, '--reject-at', 'f13-copy-files-fdfs-2');
    expect(r.code).toBe(1);
    expect(
      r.events
        .filter((e) => e.type === 'step.finished' && e.status === 'succeeded')
        .map((e) => (e.type === 'step.finished' ? e.stepId : '')),
    ).toContain('f09-copy-files-fdfs-1');
    expect(await files('fdfs-1', '/mysql/fastdfs/storage/data')).toBe(before);
    const rb = await cli.run(`/rollback ${runIdOf(r.events)}`, ...AS);
    expect(rb.code, rb.stdout.slice(-4000)).toBe(0);
    expect(rb.events.at(-1)).toMatchObject({ type: 'run.finished', outcome: 'rolled-back' });
    for (const host of ['fdfs-1', 'fdfs-2']) {
      expect(await existing(host, OLD)).toEqual(OLD);
      expect(await existing(host, ['/app/tracker_bak', '/app/storage_bak', '/mysql/fastdfs/tracker_base'])).toEqual([]);
      expect(await files(host, '/mysql/storage0/data')).toBe(before);
    }
    expect(await existing('fdfs-3', ['/mysql/fastdfs/tracker_base'])).toEqual([]);
  });

  it('redeploys three trackers and both storages with equal files, then rolls it all back', async () => {
    const before = await files('fdfs-1', '/mysql/storage0/data');
    const r = await cli.run(UPGRADE, ...AS);
    expect(r.code, r.stdout.slice(-4000)).toBe(0);
    expect(r.events.at(-1)).toMatchObject({ type: 'run.finished', outcome: 'completed' });
    for (const host of ['fdfs-1', 'fdfs-2']) expect(await files(host, '/mysql/fastdfs/storage/data')).toBe(before);
    const rb = await cli.run(`/rollback ${runIdOf(r.events)}`, ...AS);
    expect(rb.code, rb.stdout.slice(-4000)).toBe(0);
    expect(await existing('fdfs-2', OLD)).toEqual(OLD);
  });
});
