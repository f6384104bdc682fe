import { readFile as fsReadFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Env, SecretProblem, SecretRef } from '../../core/sites/secret-ref.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { SecretUnavailableError } from '../../core/sites/secret-unavailable-error.ts';

/** Reads a UTF-8 text file; injectable for tests. */
export type ReadText = (path: string) => Promise<string>;

export interface SecretDeps {
  /** The environment `{ env: VAR }` references are read from. */
  readonly env: Env;
  /** The directory `{ file: path }` references are relative to: the site file's directory. */
  readonly baseDir: string;
  readonly readFile?: ReadText;
}

const defaultReadFile: ReadText = (path) => fsReadFile(path, 'utf8');

/**
 * The value behind a secret reference. A file's single trailing newline is dropped (`echo pw > file` is how
 * password files get written); an empty value is a problem, not an empty password.
 */
export async function resolveSecret(ref: SecretRef, deps: SecretDeps): Promise<Result<string, SecretProblem>> {
  if ('env' in ref) {
    const value = deps.env[ref.env];
    if (value === undefined) return err({ code: 'ENV_UNSET', message: `environment variable ${ref.env} is not set` });
    if (value === '') return err({ code: 'EMPTY', message: `environment variable ${ref.env} is empty` });
    return ok(value);
  }
  const path = secretFilePath(ref.file, deps.baseDir);
  let text: string;
  try {
    text = await (deps.readFile ?? defaultReadFile)(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return err({
      code: 'FILE_UNREADABLE',
      message: `cannot read file ${ref.file} (${path}): ${REASONS[code] ?? code}`,
    });
  }
  const value = text.replace(/\r?\n$/, '');
  if (value === '') return err({ code: 'EMPTY', message: `file ${ref.file} (${path}) is empty` });
  return ok(value);
}

/** `resolveSecret` for callers that need the value now: an unavailable secret throws `SecretUnavailableError`. */
export async function requireSecret(ref: SecretRef, deps: SecretDeps): Promise<string> {
  const r = await resolveSecret(ref, deps);
  if (r.ok) return r.value;
  throw new SecretUnavailableError(r.error, 'env' in ref ? `env ${ref.env}` : `file ${ref.file}`);
}

/** Where a `{ file }` reference points: absolute as given, or relative to the site file's directory. */
export function secretFilePath(file: string, baseDir: string): string {
  return isAbsolute(file) ? file : resolve(baseDir, file);
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
};
