import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSite } from '../../../src/adapters/files/load-site.ts';
import type { EngineEvent } from '../../../src/core/ports/events.ts';
import { labHost } from '../../support/lab.ts';
import { TEST_REDIS_URL } from '../../support/redis-test-keys.ts';
import { labSitesDir, opsgate } from '../cli/opsgate-process.ts';
import { existing, onHost } from './lab-state.ts';
import { startedSteps, stoppedAt, XizangCli } from './xizang-cli.ts';

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
const ADM_MADE = [
  '/app/tracker_bak',
  '/app/storage_bak',
  '/mysql/fastdfs/tracker_base',
  '/mysql/fastdfs/storage_base',
  '/mysql/fastdfs/nginx_lb',
  '/etc/keepalived/keepalived.conf',
];
const runIdOf = (events: readonly { runId?: string }[]) => events.find((e) => e.runId !== undefined)?.runId ?? '';
const files = (host: string, dir: string) =>
  onHost(host, `cd ${dir} && find . -type f | LC_ALL=C sort | xargs -r sha256sum | sha256sum`);
const running = (host: string) => onHost(host, "pgrep -af '[f]dfs_|[n]ginx: master' | sed 's/^[0-9]* //' | sort");
const failedStep = (events: readonly EngineEvent[]) =>
  events.find((e) => e.type === 'step.finished' && e.status === 'failed');

describe('/upgrade xizang fastdfs in the site lab', () => {
  let cli: XizangCli;
  beforeEach(() => {
    cli = new XizangCli();
  });
  afterEach(async () => {
    await cli.close();
  });

  it('refuses at its first step, before anything is touched, when the trackers know another group than the file', async () => {
    const copyDir = join(labSitesDir(), '..', `sites-fdfs-${randomBytes(4).toString('hex')}`);
    await mkdir(copyDir, { recursive: true });
    const site = await readFile(join(labSitesDir(), 'xizang.yml'), 'utf8');
    expect(site).toContain('        group: group1\n');
    await writeFile(join(copyDir, 'xizang.yml'), site.replace('        group: group1\n', '        group: group7\n'));
    const before = { procs: await running('fdfs-1'), files: await files('fdfs-1', '/mysql/storage0/data') };
    try {
      const env = { REDIS_URL: TEST_REDIS_URL, OPSGATE_REDIS_PREFIX: cli.keys.prefix };
      const r = await opsgate(['run', UPGRADE, '--sites', copyDir, '--json', ...AS], env);
      const events = r.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as EngineEvent);
      expect(r.code).toBe(1);
      const failed = failedStep(events);
      expect(failed).toMatchObject({ stepId: 'f00-site-check', failedAt: 'command' });
      // The difference reaches the operator (and this output), with the line of the site file to correct.
      const loaded = await loadSite(join(copyDir, 'xizang.yml'), { env: {}, checkSecrets: false });
      const line = loaded.ok ? loaded.value.lineOf(['middleware', 'fastdfs', 0, 'storage', 'group']) : 0;
      expect(r.stdout).toContain(
        `${join(copyDir, 'xizang.yml')}:${line} middleware.fastdfs[0].storage.group: the site file says the trackers know storage group group7; the site has group(s) group1 (fdfs_monitor /etc/fdfs/storage.conf on fdfs-1)`,
      );
      expect(startedSteps(events)).toEqual(['f00-site-check']);
      for (const host of ['fdfs-1', 'fdfs-2']) expect(await existing(host, OLD)).toEqual(OLD);
      expect(await existing('fdfs-1', ADM_MADE)).toEqual([]);
      expect(await running('fdfs-1')).toBe(before.procs);
      expect(await files('fdfs-1', '/mysql/storage0/data')).toBe(before.files);
    } finally {
      await rm(copyDir, { recursive: true, force: true });
    }
  });

  it('rolls back after a rejection at the second storage: every old path back, the stored files unchanged', async () => {
    const before = await files('fdfs-2', '/mysql/storage0/data');
    const r = await cli.run(UPGRADE, ...AS, '--reject-at', 'f14-copy-files-fdfs-2');
    expect(stoppedAt(r)).toBe('f14-copy-files-fdfs-2');
    expect(r.code).toBe(1);
    expect(
      r.events
        .filter((e) => e.type === 'step.finished' && e.status === 'succeeded')
        .map((e) => (e.type === 'step.finished' ? e.stepId : '')),
    ).toEqual(expect.arrayContaining(['f06-adm-download', 'f07-stop-fdfs-1', 'f10-copy-files-fdfs-1']));
    expect(await files('fdfs-1', '/mysql/fastdfs/storage/data')).toBe(before);
    const rb = await cli.run(`/rollback ${runIdOf(r.events)}`, ...AS);
    expect(rb.code, rb.stdout.slice(-4000)).toBe(0);
    expect(rb.events.at(-1)).toMatchObject({ type: 'run.finished', outcome: 'rolled-back' });
    for (const host of ['fdfs-1', 'fdfs-2']) {
      expect(await existing(host, OLD)).toEqual(OLD);
      expect(await existing(host, ADM_MADE)).toEqual([]);
      expect(await files(host, '/mysql/storage0/data')).toBe(before);
    }
    expect(await existing('fdfs-3', ['/mysql/fastdfs/tracker_base'])).toEqual([]);
  });

  it('redeploys three trackers, the download pair and both storages; each tracker answers for itself', async () => {
    const before = await files('fdfs-1', '/mysql/storage0/data');
    const r = await cli.run(UPGRADE, ...AS);
    expect(r.code, r.stdout.slice(-4000)).toBe(0);
    expect(r.events.at(-1)).toMatchObject({ type: 'run.finished', outcome: 'completed' });
    for (const host of ['fdfs-1', 'fdfs-2']) expect(await files(host, '/mysql/fastdfs/storage/data')).toBe(before);
    const verify = r.events.find((e) => e.type === 'step.finished' && e.stepId === 'f99-verify');
    const probes = verify?.type === 'step.finished' ? verify.probes : [];
    for (const host of ['fdfs-1', 'fdfs-2', 'fdfs-3'])
      expect(probes.map((p) => p.evidence).join('\n')).toContain(
        `tracker ${labHost(host).address.replace(/\./g, '\\.')}:22122 answers`,
      );
    expect(probes.length).toBeGreaterThanOrEqual(7);
    expect(probes.every((p) => p.ok)).toBe(true);
    // The download VIP serves a stored file from the storages behind it.
    const vip = labHost('fdfs-1').address.replace(/\.\d+$/, '.102');
    const file = (
      await onHost('fdfs-1', 'cd /mysql/fastdfs/storage/data && find 00 -type f | sort | head -n 1')
    ).trim();
    expect(await onHost('fdfs-2', `curl -sf http://${vip}/group1/M00/${file} | sha256sum`)).toBe(
      await onHost('fdfs-2', `sha256sum < /mysql/fastdfs/storage/data/${file}`),
    );
    const rb = await cli.run(`/rollback ${runIdOf(r.events)}`, ...AS);
    expect(rb.code, rb.stdout.slice(-4000)).toBe(0);
    for (const host of ['fdfs-1', 'fdfs-2']) expect(await existing(host, OLD)).toEqual(OLD);
    expect(await existing('fdfs-1', ADM_MADE)).toEqual([]);
  });
});
