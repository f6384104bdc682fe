import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edit, lineWith, SITE_YAML } from '../../core/sites/site-fixture.ts';

const BIN = fileURLToPath(new URL('../../../../bin/opsgate.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const run = promisify(execFile);

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `opsgate ARGS` in `cwd` as a user would, with only the given environment variables added. */
async function opsgate(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, env: { ...base, ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

/** Nine levels of nine aliases: 9^9 strings once expanded ("billion laughs"). */
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
const HOME = 'home: /app/soft/redis-5.0.5';
const LONG_HOME = `home: /${'a'.repeat(199_999)}`;

const SECRETS = { TEST_SSH_KEY: 'ssh-key-do-not-print', TEST_REDIS_PASSWORD: 'redis-pw-do-not-print' };

describe('opsgate sites validate', () => {
  let dir: string;
  const broken = edit(
    edit(SITE_YAML, 'address: 10.0.0.12', 'address: 10.0.0.999'),
    'master: redis-a',
    'master: redis-x',
  );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opsgate-sites-cli-'));
    await mkdir(join(dir, 'sites/secrets'), { recursive: true });
    await mkdir(join(dir, 'bad/secrets'), { recursive: true });
    await mkdir(join(dir, 'empty'), { recursive: true });
    await writeFile(join(dir, 'sites/testsite.yml'), SITE_YAML);
    await writeFile(join(dir, 'sites/secrets/known_hosts'), 'app-1 ssh-ed25519 AAAA\n');
    await writeFile(join(dir, 'bad/testsite.yml'), broken);
    await writeFile(join(dir, 'bad/secrets/known_hosts'), 'app-1 ssh-ed25519 AAAA\n');
    await writeFile(join(dir, 'notes.txt'), 'id: x\n');
    await mkdir(join(dir, 'mixed/secrets'), { recursive: true });
    await writeFile(join(dir, 'mixed/a-bomb.yml'), BOMB);
    await writeFile(
      join(dir, 'mixed/b-long.yml'),
      edit(SITE_YAML, 'id: testsite', 'id: other').replace(HOME, LONG_HOME),
    );
    await writeFile(join(dir, 'mixed/c-good.yml'), SITE_YAML);
    await writeFile(join(dir, 'mixed/secrets/known_hosts'), 'app-1 ssh-ed25519 AAAA\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 with a one-line summary per valid file, from OPSGATE_SITES by default', async () => {
    await cp(join(dir, 'sites'), join(dir, 'custom'), { recursive: true });
    const r = await opsgate(dir, ['sites', 'validate'], { ...SECRETS, OPSGATE_SITES: 'custom' });
    expect(r).toEqual({
      code: 0,
      stdout: 'custom/testsite.yml: ok, site testsite (Test site): 4 hosts, 1 middleware instance(s), adm manual\n',
      stderr: '',
    });
  });

  it('exits 1 and prints every problem as FILE:LINE PATH: message', async () => {
    const r = await opsgate(dir, ['sites', 'validate', 'bad'], SECRETS);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      `bad/testsite.yml:${lineWith(broken, '10.0.0.999')} hosts[1].address: not an IP address or host name`,
      `bad/testsite.yml:${lineWith(broken, 'redis-x')} middleware.redis[0].master: no host named "redis-x" in hosts`,
      '2 problem(s) in 1 of 1 site file(s)',
      '',
    ]);
  });

  it('reports unresolvable secrets by name, never a secret value, and can skip them', async () => {
    const r = await opsgate(dir, ['sites', 'validate', 'sites/testsite.yml'], { TEST_SSH_KEY: SECRETS.TEST_SSH_KEY });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `sites/testsite.yml:${lineWith(SITE_YAML, 'TEST_REDIS_PASSWORD')} middleware.redis[0].password: environment variable TEST_REDIS_PASSWORD is not set`,
    );
    expect(r.stdout + r.stderr).not.toContain(SECRETS.TEST_SSH_KEY);
    expect((await opsgate(dir, ['sites', 'validate', '--no-secrets', 'sites/testsite.yml'])).code).toBe(0);
  });

  it('exits 2 for a path that does not exist, a file that is not YAML and a directory without site files', async () => {
    expect(await opsgate(dir, ['sites', 'validate', 'nope.yml'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'opsgate sites validate: no such file or directory: nope.yml\n',
    });
    expect(await opsgate(dir, ['sites', 'validate', 'notes.txt'])).toMatchObject({
      code: 2,
      stderr: 'opsgate sites validate: not a YAML site file (expected .yml or .yaml): notes.txt\n',
    });
    expect(await opsgate(dir, ['sites', 'validate', 'empty'])).toMatchObject({
      code: 2,
      stderr: 'opsgate sites validate: no site files (*.yml, *.yaml) in empty\n',
    });
  });

  it('checks every file of a directory holding an alias bomb and a 200,000-character path, each located', async () => {
    const r = await opsgate(dir, ['sites', 'validate', 'mixed'], SECRETS);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      'mixed/a-bomb.yml:2: YAML aliases: they would expand to more than 1000 nodes (nested aliases that multiply, a "billion laughs"); write the repeated parts out or use fewer aliases',
      `mixed/b-long.yml:${lineWith(SITE_YAML, HOME)} middleware.redis[0].home: too long: 200000 bytes, a path has at most 4095 (PATH_MAX, 4096 with the terminating NUL)`,
      'mixed/c-good.yml: ok, site testsite (Test site): 4 hosts, 1 middleware instance(s), adm manual',
      '2 problem(s) in 2 of 3 site file(s)',
      '',
    ]);
    expect(r.stderr).toBe('');
  });

  it('validates the committed site files with --no-secrets from the repository root', async () => {
    const r = await opsgate(ROOT, ['sites', 'validate', '--no-secrets', 'sites']);
    expect(r.stdout).toMatch(/^sites\/xizang\.yml: ok, site xizang /);
    expect(r.code).toBe(0);
  });
});
