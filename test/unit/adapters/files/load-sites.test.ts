import { describe, expect, it } from 'vitest';
import { loadSites } from '../../../../src/adapters/files/load-sites.ts';
import { edit, lineWith, memoryDeps, SITE_YAML } from '../../core/sites/site-fixture.ts';

describe('loadSites', () => {
  const other = edit(SITE_YAML, 'id: testsite', 'id: other');

  it('loads every yml file of a directory, in name order', async () => {
    const deps = memoryDeps({ '/sites/b.yml': SITE_YAML, '/sites/a.yaml': other, '/sites/notes.txt': 'x' });
    const r = await loadSites('/sites', { ...deps, readDir: async () => ['b.yml', 'notes.txt', 'a.yaml'] });
    expect(r.ok && r.value.map((s) => s.site.id)).toEqual(['other', 'testsite']);
  });

  it('refuses two files with the same site id, and reports the problems of every file', async () => {
    const broken = edit(other, 'expiry: 30m', 'expiry: never');
    const deps = memoryDeps({ '/sites/a.yml': SITE_YAML, '/sites/b.yml': SITE_YAML, '/sites/c.yml': broken });
    const r = await loadSites('/sites', { ...deps, readDir: async () => ['a.yml', 'b.yml', 'c.yml'] });
    expect(r.ok ? [] : r.error.map((p) => `${p.file}:${p.line} ${p.path}: ${p.message}`)).toEqual([
      `/sites/c.yml:${lineWith(broken, 'expiry')} policy.expiry: not a duration (e.g. 90s, 30m, 1h30m, 2d)`,
      '/sites/b.yml:1 id: duplicate site id "testsite" (also in /sites/a.yml)',
    ]);
  });
});
