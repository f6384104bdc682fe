import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findSecretRefs } from '../../../../src/core/sites/find-secret-refs.ts';
import { loadSite } from '../../../../src/adapters/files/load-site.ts';
import { secretFilePath } from '../../../../src/adapters/files/resolve-secret.ts';
import { formatSiteProblem } from '../../../../src/core/sites/site-problem.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Makes every secret a site file references exist: env variables in the returned env, files on disk. */
async function provideSecrets(file: string): Promise<Record<string, string>> {
  const shape = await loadSite(file, { env: {}, checkSecrets: false });
  if (!shape.ok) throw new Error(shape.error.map(formatSiteProblem).join('\n'));
  const env: Record<string, string> = {};
  for (const { ref } of findSecretRefs(shape.value.site)) {
    if ('env' in ref) env[ref.env] = `value-of-${ref.env}`;
    else {
      const path = secretFilePath(ref.file, shape.value.baseDir);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, 'secret\n', { mode: 0o600 });
    }
  }
  return env;
}

describe('the committed site files', () => {
  let tmp: string | undefined;
  afterEach(async () => {
    if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
  });

  /** A copy of a committed file at the same place in a temporary tree, so that secret files land there. */
  async function copyOf(relative: string): Promise<string> {
    tmp = await mkdtemp(join(tmpdir(), 'opsgate-site-'));
    const file = join(tmp, relative);
    await mkdir(dirname(file), { recursive: true });
    await cp(join(ROOT, relative), file);
    return file;
  }

  it('sites/xizang.yml is valid once its environment variables are set', async () => {
    const file = await copyOf('sites/xizang.yml');
    const env = await provideSecrets(file);
    expect(Object.keys(env).sort()).toContain('XIZANG_REDIS_PASSWORD');
    const r = await loadSite(file, { env });
    expect(r.ok ? [] : r.error.map(formatSiteProblem)).toEqual([]);
    expect(r.ok && r.value.site.adm.mode).toBe('manual');
  });

  it('lab/sites/xizang.yml is valid once the lab state files it references exist', async () => {
    const file = await copyOf('lab/sites/xizang.yml');
    const before = await loadSite(file, { env: {} });
    expect(before.ok).toBe(false);
    const env = await provideSecrets(file);
    expect(env).toEqual({});
    const r = await loadSite(file, { env });
    expect(r.ok ? [] : r.error.map(formatSiteProblem)).toEqual([]);
    if (!r.ok) return;
    const { site } = r.value;
    expect(site.adm).toMatchObject({ mode: 'scripted', command: '/opt/adm/bin/adm' });
    expect(site.hosts.map((h) => `${h.name} ${h.address}`)).toContain('fdfs-3 10.77.0.43');
    expect(site.middleware.redis[0]?.vip).toBe('10.77.0.100');
  });
});
