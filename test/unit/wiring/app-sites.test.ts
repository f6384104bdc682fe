import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAppSites, SitesInvalidError } from '../../../src/wiring/app-sites.ts';
import { REDIS_PASSWORD, SITE_YAML, SSH_KEY } from '../core/sites/site-fixture.ts';

/** Nine levels of nine aliases ("billion laughs"). */
const BOMB = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]']
  .concat(
    'bcdefghi'.split('').map(
      (l, i) =>
        `${l}: &${l} [${Array(9)
          .fill(`*${'abcdefgh'[i] ?? ''}`)
          .join(', ')}]`,
    ),
  )
  .join('\n');

describe('loadAppSites (the bot, the worker and the CLI at start)', () => {
  let dir: string;
  const env = { TEST_SSH_KEY: SSH_KEY, TEST_REDIS_PASSWORD: REDIS_PASSWORD };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opsgate-app-sites-'));
    await mkdir(join(dir, 'secrets'));
    await writeFile(join(dir, 'secrets/known_hosts'), 'app-1 ssh-ed25519 AAAA\n');
    await writeFile(join(dir, 'testsite.yml'), SITE_YAML);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps where each site file is and the line of each of its nodes, for findings about the file', async () => {
    const site = (await loadAppSites(dir, env)).get('testsite');
    expect(site?.source?.file).toBe(join(dir, 'testsite.yml'));
    const idLine = SITE_YAML.split('\n').findIndex((l) => l.startsWith('id:')) + 1;
    expect(site?.source?.lineOf(['id'])).toBe(idLine);
  });

  it('refuses to start on a directory holding an alias bomb, naming the file among the problems', async () => {
    await writeFile(join(dir, 'bomb.yml'), BOMB);
    try {
      const e = await loadAppSites(dir, env).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(SitesInvalidError);
      expect((e as SitesInvalidError).problems).toEqual([
        `${join(dir, 'bomb.yml')}:2: YAML aliases: they would expand to more than 1000 nodes (nested aliases that multiply, a "billion laughs"); write the repeated parts out or use fewer aliases`,
      ]);
    } finally {
      await rm(join(dir, 'bomb.yml'));
    }
    expect((await loadAppSites(dir, env)).list().map((s) => s.name)).toEqual(['testsite']);
  });
});
