import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { execOn, labHost } from '../../support/lab.ts';
import { eventually, onHost } from './fixture-probes.ts';

const STORE = '/mysql/storage0/data';

/** Every stored file of a storage host with its sha256, as `sha256sum` prints them, keyed by path under data/. */
async function storedFiles(host: string): Promise<Map<string, string>> {
  const out = await onHost(host, [
    'sh',
    '-c',
    `cd ${STORE} && find . -type f ! -name '.*' -print0 | xargs -0 sha256sum`,
  ]);
  return new Map(
    out
      .trim()
      .split('\n')
      .map((line) => {
        const [sum = '', file = ''] = line.split(/\s+/);
        return [file.replace(/^\.\//, ''), sum] as const;
      }),
  );
}

describe('fastdfs fixtures', () => {
  it('fdfs_monitor lists two trackers and both group1 storages ACTIVE', async () => {
    const out = await onHost('fdfs-2', ['fdfs_monitor', '/etc/fdfs/client.conf']);
    expect(out).toMatch(/tracker_server_count=2,/);
    expect(out).toMatch(/^server_count=2, server_index=0$/m);
    expect(out).toMatch(/^group name = group1$/m);
    expect(out).toMatch(/^storage server count = 2$/m);
    expect(out).toMatch(/^active server count = 2$/m);
    for (const host of ['fdfs-1', 'fdfs-2']) expect(out).toContain(`ip_addr = ${labHost(host).address}  ACTIVE`);
  });

  it('fdfs_monitor falls back to the second tracker and sees a stopped storage go OFFLINE', async () => {
    try {
      await onHost('fdfs-1', ['service', 'fdfs_trackerd', 'stop']);
      await onHost('fdfs-2', ['service', 'fdfs_storaged', 'stop']);
      const offline = `ip_addr = ${labHost('fdfs-2').address}  OFFLINE`;
      let out = '';
      await eventually(
        async () => (out = await onHost('fdfs-1', ['fdfs_monitor', '/etc/fdfs/client.conf'])).includes(offline),
        'storage going OFFLINE',
        20,
      );
      expect(out).toMatch(/^server_count=2, server_index=1$/m);
      expect(out).toMatch(/^active server count = 1$/m);
    } finally {
      await onHost('fdfs-1', ['service', 'fdfs_trackerd', 'start']);
      await onHost('fdfs-2', ['service', 'fdfs_storaged', 'start']);
    }
  });

  it('keeps the site layout: trackers on /app/tracker, storage base /app/storage, files under the two data folders', async () => {
    for (const path of [
      '/app/tracker/data',
      '/app/tracker/logs',
      '/app/storage/data',
      '/app/storage/logs',
      '/etc/init.d/fdfs_trackerd',
      '/etc/init.d/fdfs_storaged',
      '/etc/init.d/nginx',
      '/usr/local/nginx/sbin/nginx',
    ]) {
      expect((await execOn('fdfs-1', ['test', '-e', path])).exitCode, path).toBe(0);
    }
    expect((await onHost('fdfs-1', ['ls', STORE])).split('\n').filter(Boolean)).toEqual(['00', '01']);
    const conf = await onHost('fdfs-1', ['cat', '/etc/fdfs/storage.conf']);
    expect(conf).toMatch(/^group_name=group1$/m);
    expect(conf.match(/^tracker_server=/gm)).toHaveLength(2);
  });

  it('serves every stored file over nginx on 8888 byte for byte, on both hosts', async () => {
    const files = await storedFiles('fdfs-1');
    expect(files.size).toBeGreaterThanOrEqual(30);
    expect(await storedFiles('fdfs-2')).toEqual(files);
    for (const host of ['fdfs-1', 'fdfs-2']) {
      for (const [file, sum] of files) {
        const res = await fetch(`http://${labHost(host).address}:8888/group1/M00/${file}`);
        expect(res.status, file).toBe(200);
        expect(
          createHash('sha256')
            .update(Buffer.from(await res.arrayBuffer()))
            .digest('hex'),
          file,
        ).toBe(sum);
      }
    }
    const missing = await fetch(`http://${labHost('fdfs-1').address}:8888/group2/M00/00/00/nothing.txt`);
    expect(missing.status).toBe(404);
  });

  it('leaves fdfs-3 empty: no FastDFS files, config or services there', async () => {
    for (const path of [
      '/etc/fdfs',
      '/app/tracker',
      '/app/storage',
      '/mysql/storage0',
      '/etc/init.d/fdfs_trackerd',
      '/usr/local/nginx',
    ]) {
      expect((await execOn('fdfs-3', ['test', '-e', path])).exitCode, path).not.toBe(0);
    }
  });
});
