import { describe, expect, it } from 'vitest';
import { loadSiteFiles, loadSites } from '../../../../src/adapters/files/load-sites.ts';
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

  describe('YAML aliases: a bomb ("billion laughs"), one without its anchor', () => {
    // Nine levels of nine aliases: 9^9 (387 million) strings once expanded.
    const levels = 'abcdefghi'.split('');
    const bomb = [
      'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
      ...levels.slice(1).map(
        (l, i) =>
          `${l}: &${l} [${Array(9)
            .fill(`*${levels[i] ?? ''}`)
            .join(', ')}]`,
      ),
      '',
    ].join('\n');

    it('is reported with its file name and the line of its first alias, like any other problem', async () => {
      const deps = memoryDeps({ '/sites/bomb.yml': bomb });
      const r = await loadSites('/sites', { ...deps, readDir: async () => ['bomb.yml'] });
      expect(r.ok ? [] : r.error).toEqual([
        {
          file: '/sites/bomb.yml',
          line: 2,
          path: '',
          message:
            'YAML aliases: they would expand to more than 1000 nodes (nested aliases that multiply, a "billion laughs"); write the repeated parts out or use fewer aliases',
        },
      ]);
    });

    it('does not stop the other files of the directory from being checked', async () => {
      const broken = edit(other, 'expiry: 30m', 'expiry: never');
      const deps = memoryDeps({ '/sites/a.yml': bomb, '/sites/b.yml': SITE_YAML, '/sites/c.yml': broken });
      const { loaded, problems } = await loadSiteFiles(['/sites/a.yml', '/sites/b.yml', '/sites/c.yml'], deps);
      expect(loaded.map((s) => s.file)).toEqual(['/sites/b.yml']);
      expect(problems.map((p) => `${p.file}:${p.line} ${p.path}`)).toEqual([
        '/sites/a.yml:2 ',
        `/sites/c.yml:${lineWith(broken, 'expiry')} policy.expiry`,
      ]);
    });

    it('reports an alias whose anchor is not set before it at its line, instead of stopping', async () => {
      const text = edit(SITE_YAML, 'address: 10.0.0.12, groups: [paas]', 'address: 10.0.0.12, groups: *nowhere');
      const deps = memoryDeps({ '/sites/a.yml': text, '/sites/b.yml': other });
      const { loaded, problems } = await loadSiteFiles(['/sites/a.yml', '/sites/b.yml'], deps);
      expect(problems).toEqual([
        {
          file: '/sites/a.yml',
          line: lineWith(text, '*nowhere'),
          path: '',
          message: 'YAML: an alias (*name) whose anchor (&name) is not set before it',
        },
      ]);
      expect(loaded.map((s) => s.site.id)).toEqual(['other']);
    });

    it('leaves a file that repeats a part through an alias alone', async () => {
      let text = edit(SITE_YAML, 'address: 10.0.0.11, groups: [paas]', 'address: 10.0.0.11, groups: &g [paas]');
      text = edit(text, 'address: 10.0.0.12, groups: [paas]', 'address: 10.0.0.12, groups: *g');
      const r = await loadSites('/sites', { ...memoryDeps({ '/sites/a.yml': text }), readDir: async () => ['a.yml'] });
      expect(r.ok && r.value[0]?.site.hosts[1]?.groups).toEqual(['paas']);
    });
  });
});
