import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requireSecret, resolveSecret } from '../../../../src/adapters/files/resolve-secret.ts';
import { SecretUnavailableError } from '../../../../src/core/sites/secret-unavailable-error.ts';

describe('resolveSecret', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opsgate-secret-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads an environment variable', async () => {
    expect(await resolveSecret({ env: 'PW' }, { env: { PW: 's3cret' }, baseDir: dir })).toEqual({
      ok: true,
      value: 's3cret',
    });
  });

  it('reads a file relative to the site file, without its trailing newline', async () => {
    await writeFile(join(dir, 'redis-password'), 'from-file\n', { mode: 0o600 });
    expect(await resolveSecret({ file: 'redis-password' }, { env: {}, baseDir: dir })).toEqual({
      ok: true,
      value: 'from-file',
    });
  });

  it('reads an absolute file path as given', async () => {
    await writeFile(join(dir, 'abs'), 'abs-value');
    expect(await resolveSecret({ file: join(dir, 'abs') }, { env: {}, baseDir: '/elsewhere' })).toEqual({
      ok: true,
      value: 'abs-value',
    });
  });

  it('names the unset variable and the missing file, never a value', async () => {
    const unset = await resolveSecret({ env: 'NOT_SET' }, { env: { OTHER: 'other-value' }, baseDir: dir });
    expect(unset).toEqual({
      ok: false,
      error: { code: 'ENV_UNSET', message: 'environment variable NOT_SET is not set' },
    });
    const missing = await resolveSecret({ file: 'nope' }, { env: {}, baseDir: dir });
    expect(missing).toEqual({
      ok: false,
      error: { code: 'FILE_UNREADABLE', message: `cannot read file nope (${join(dir, 'nope')}): no such file` },
    });
  });

  it('refuses an empty secret instead of logging in with an empty password', async () => {
    await writeFile(join(dir, 'empty'), '\n');
    expect((await resolveSecret({ file: 'empty' }, { env: {}, baseDir: dir })).ok).toBe(false);
    expect(await resolveSecret({ env: 'E' }, { env: { E: '' }, baseDir: dir })).toMatchObject({
      ok: false,
      error: { code: 'EMPTY' },
    });
  });
});

describe('requireSecret', () => {
  it('returns the value, or throws a coded error naming the reference and not the value', async () => {
    expect(await requireSecret({ env: 'PW' }, { env: { PW: 'pw-value' }, baseDir: '/' })).toBe('pw-value');
    const e = await requireSecret({ env: 'MISSING' }, { env: { PW: 'pw-value' }, baseDir: '/' }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(SecretUnavailableError);
    expect(e).toMatchObject({
      code: 'SECRET_UNAVAILABLE',
      retryable: true,
      fields: { reference: 'env MISSING', reason: 'ENV_UNSET' },
    });
    expect(String((e as Error).message)).not.toContain('pw-value');
  });
});
