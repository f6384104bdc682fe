import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../../../src/core/plan/step-schema.ts';
import { readJarVersions, readRepoRevision } from '../../../../../src/runbooks/xizang/precheck/precheck-commands.ts';
import { checkStep, evaluate, labXizang, registry } from '../xizang-fixture.ts';
import { loadSite } from '../../../../../src/adapters/files/load-site.ts';
import { toSite } from '../../../../../src/core/sites/site.ts';

const run = promisify(execFile);
let plan: Plan;
let production: Plan;
let dir: string;
beforeAll(async () => {
  plan = registry.buildPlan('precheck', await labXizang(), {});
  const r = await loadSite(new URL('../../../../../sites/xizang.yml', import.meta.url).pathname, {
    env: {},
    checkSecrets: false,
  });
  if (!r.ok) throw new Error('sites/xizang.yml does not load');
  production = registry.buildPlan('precheck', toSite(r.value.site), {});
  dir = await mkdtemp(join(tmpdir(), 'opsgate-versions-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SPRINGBOOT_316 = 'd766c42066a33b1b72d4e3a235ff4d4e5ecd5f03da2492638973b8c1ed4c130f';

describe('precheck item 2 reads each release from the software itself', () => {
  it("reads the platform from the jars' manifests, the scripts by checksum and the yum repo's createrepo revision", () => {
    const cmd = checkStep(plan, 'p02-versions').commands[0]?.command ?? '';
    expect(cmd).toContain('unzip -p "$j" META-INF/MANIFEST.MF');
    expect(cmd).toContain('/app/soft/yum/repo/repodata/repomd.xml');
    expect(cmd).toContain('sha256sum /app/soft/deploy/SPRINGBOOT/stop.sh');
    expect(cmd).not.toContain('VERSION');
  });

  it('fails the June 2021 release: old jars by name and manifest, old stop.sh, an older repo revision', () => {
    const f = evaluate(plan, 'p02-versions', {
      'paas-1': [
        '@@ artefact platform',
        'jar=powercloud-auth-3.1.5.jar\t3.1.5',
        'jar=powercloud-gateway-3.1.6.jar\t3.1.6',
        '@@ artefact springboot',
        'version=#!/bin/sh',
        'sha256=86b4a5d4c4a29a00fdb758485d8adc5bfc4c05d06b948258c4e879e89f4a1f18',
        'date=2021-06-15',
        '@@ artefact yum',
        'revision=1623715200',
      ].join('\n'),
    });
    expect(f.map((x) => `${x.status} ${x.title}: ${x.evidence}`)).toEqual([
      'fail platform is the expected release: not 3.1.6 in /app/soft/powercloud/lib: powercloud-auth-3.1.5.jar (Implementation-Version 3.1.5)',
      `fail springboot is the expected release: /app/soft/deploy/SPRINGBOOT/stop.sh: sha256 86b4a5d4c4a2…, dated 2021-06-15; expected sha256 ${SPRINGBOOT_316.slice(0, 12)}…`,
      'fail yum is the expected release: /app/soft/yum/repo: repomd.xml revision 1623715200 (2021-06-15); expected 1699574400 (2023-11-10)',
    ]);
  });

  it('passes 3.1.6 final on the same evidence', () => {
    const f = evaluate(plan, 'p02-versions', {
      'paas-1': `@@ artefact platform\njar=powercloud-auth-3.1.6.jar\t3.1.6\n@@ artefact springboot\nversion=#!/bin/sh\nsha256=${SPRINGBOOT_316}\ndate=2023-11-10\n@@ artefact yum\nrevision=1699574400\n`,
    });
    expect(f.map((x) => x.status)).toEqual(['pass', 'pass', 'pass']);
  });

  it('fails, naming the cause, when a reader finds nothing or its tool fails; never passes on no evidence', () => {
    const f = evaluate(plan, 'p02-versions', {
      'paas-1':
        '@@ artefact platform\nerror: no unzip on the host\n@@ artefact pyscript\nMISSING\n@@ artefact yum\nrevision=\n',
      'paas-2': '@@ artefact platform\njar=powercloud-auth-3.1.6.jar\terror: unzip exit 9: cannot find zipfile\n',
    });
    expect(f.map((x) => `${x.host ?? ''} ${x.status} ${x.evidence}`)).toEqual([
      'paas-1 fail reading the jars of /app/soft/powercloud/lib: error: no unzip on the host',
      'paas-1 fail /app/soft/pyscript/pypssh.py is missing',
      'paas-1 fail /app/soft/yum/repo/repodata/repomd.xml has no <revision>: revision=',
      'paas-2 fail not 3.1.6 in /app/soft/powercloud/lib: powercloud-auth-3.1.6.jar (error: unzip exit 9: cannot find zipfile)',
    ]);
    expect(evaluate(plan, 'p02-versions', { 'paas-1': '@@ artefact platform\n' })[0]).toMatchObject({
      status: 'fail',
      evidence: 'no jar in /app/soft/powercloud/lib: (no output)',
    });
  });

  it('shows what it found for a person when the site file gives nothing to compare with (production)', () => {
    const f = evaluate(production, 'p02-versions', {
      'paas-1': '@@ artefact pyscript\nversion=#!/usr/bin/python3\nsha256=f6256e11\ndate=2021-06-18\n',
    });
    expect(f).toEqual([
      expect.objectContaining({
        status: 'manual',
        title: 'pyscript: compare with the latest release',
        evidence: '/app/soft/pyscript/pypssh.py: sha256 f6256e11, dated 2021-06-18',
      }),
    ]);
  });
});

describe('the readers on real files', () => {
  it('prints each jar with the Implementation-Version of its manifest', async () => {
    const lib = join(dir, 'lib');
    await mkdir(join(dir, 'm', 'META-INF'), { recursive: true });
    await mkdir(lib);
    await writeFile(
      join(dir, 'm', 'META-INF', 'MANIFEST.MF'),
      'Manifest-Version: 1.0\r\nImplementation-Version: 3.1.6\r\n',
    );
    await run('zip', ['-qr', join(lib, 'powercloud-auth-3.1.6.jar'), 'META-INF'], { cwd: join(dir, 'm') });
    await writeFile(join(lib, 'broken.jar'), 'not a zip');
    const { stdout } = await run('sh', ['-c', readJarVersions(lib)]);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^jar=broken\.jar\terror: unzip exit 9: /);
    expect(lines[1]).toBe('jar=powercloud-auth-3.1.6.jar\t3.1.6');
    expect((await run('sh', ['-c', readJarVersions(join(dir, 'none'))])).stdout).toBe('MISSING\n');
  });

  it('prints the <revision> of a createrepo repomd.xml (namespaced, indented) and MISSING without one', async () => {
    const repo = join(dir, 'repo');
    await mkdir(join(repo, 'repodata'), { recursive: true });
    await writeFile(
      join(repo, 'repodata', 'repomd.xml'),
      '<?xml version="1.0" encoding="UTF-8"?>\n<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">\n  <revision>1699574400</revision>\n  <data type="primary">\n    <timestamp>1699574400</timestamp>\n  </data>\n</repomd>\n',
    );
    expect((await run('sh', ['-c', readRepoRevision(repo)])).stdout).toBe('revision=1699574400\n');
    expect((await run('sh', ['-c', readRepoRevision(dir)])).stdout).toBe('MISSING\n');
  });
});
